"""Telegram Business in user stories: an account owner connects the bot, talks to clients.

connection = world.business_connection(alice)       # business_connection update
msg = connection.client_says(bob, "Deal at 150 000")  # business_message in alice's chat with bob
connection.owner_says("/agree", reply_to=msg)
reply = await world.bot_reply(connection.chat(bob))  # what the bot sent on alice's behalf
connection.revoke_reply()                            # business_connection, can_reply false
connection.deletes([msg])                            # deleted_business_messages
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .business import BusinessConnectionRecord, unknown_rights
from .scenario_chats import BusinessChat

if TYPE_CHECKING:
    from .scenario import Person, TelegramWorld

_numbers = itertools.count(1)


def new_connection_id(owner_id: int) -> str:
    digest = hashlib.sha256(f"business:{owner_id}:{next(_numbers)}".encode()).hexdigest()
    return f"BC{digest[:22]}"


class BusinessConnection:
    """The bot's connection to ``owner``'s business account; every change is pushed."""

    def __init__(
        self,
        world: TelegramWorld,
        owner: Person,
        *,
        enabled: bool,
        rights: dict[str, bool],
    ) -> None:
        if unknown_rights(rights):
            raise ValueError(f"unknown BusinessBotRights {unknown_rights(rights)}")
        self.world = world
        self.owner = owner
        self.id = new_connection_id(owner.id)
        self.date = world.server.now()
        self.enabled = enabled
        self.rights = dict(rights)
        self._push()

    def __repr__(self) -> str:
        return f"<BusinessConnection {self.id} of {self.owner!r}>"

    def json(self) -> dict[str, Any]:
        record = BusinessConnectionRecord(
            self.id, self.owner.user, self.date, self.enabled, dict(self.rights)
        )
        return record.json()

    def _push(self) -> None:
        self.world.server.push_update({"business_connection": self.json()})

    # -- the owner changes the connection -----------------------------------------------

    def update(self, *, enabled: bool | None = None, **rights: bool) -> None:
        """E.g. ``update(can_reply=False)``; pushes the new business_connection."""
        if unknown_rights(rights):
            raise ValueError(f"unknown BusinessBotRights {unknown_rights(rights)}")
        if enabled is not None:
            self.enabled = enabled
        self.rights.update(rights)
        self._push()

    def disable(self) -> None:
        """The owner turned the bot off (or removed it): is_enabled false, no rights."""
        self.update(enabled=False)

    def enable(self) -> None:
        self.update(enabled=True)

    def revoke_reply(self) -> None:
        self.update(can_reply=False)

    def grant_reply(self) -> None:
        self.update(can_reply=True)

    # -- messages in the owner's chats --------------------------------------------------

    def chat(self, client: Person) -> BusinessChat:
        """The owner's private chat with ``client``: pass it to person.says, sends_document..."""
        return BusinessChat(self, client)

    def client_says(
        self, client: Person, text: str, *, reply_to: dict[str, Any] | None = None, **options: Any
    ) -> dict[str, Any]:
        """A business_message from the client to the owner."""
        return client.says(self.chat(client), text, reply_to=reply_to, **options)

    def owner_says(
        self,
        text: str,
        *,
        client: Person | None = None,
        reply_to: dict[str, Any] | None = None,
        offline: bool = False,
        parse_mode: str | None = None,
    ) -> dict[str, Any]:
        """The owner writes to ``client`` (or in the chat of ``reply_to``).

        ``offline`` marks an away or greeting message sent while the owner is offline.
        """
        chat = self._chat_for(client, reply_to)
        body = self.world.text_body(text, parse_mode, None, "text", "entities")
        if offline:
            body["is_from_offline"] = True
        return self.world.post(self.owner, chat, body, reply_to=reply_to)

    def _chat_for(self, client: Person | None, reply_to: dict[str, Any] | None) -> BusinessChat:
        if client is not None:
            return self.chat(client)
        if reply_to is None:
            raise ValueError("say whom the owner writes to: client= or reply_to=")
        if reply_to.get("business_connection_id") != self.id:
            raise AssertionError(f"message {reply_to['message_id']} is not in {self}")
        user = self.world.server.state.user(reply_to["chat"]["id"])
        if user is None:
            raise AssertionError(f"unknown client {reply_to['chat']['id']}")
        return self.chat(self.world.person(user))

    def deletes(self, messages: Iterable[dict[str, Any]]) -> None:
        """deleted_business_messages, one update per chat, like Telegram."""
        by_chat: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for message in messages:
            if message.get("business_connection_id") != self.id:
                raise AssertionError(f"message {message['message_id']} is not in {self}")
            by_chat[message["chat"]["id"]].append(message)
        for chat_messages in by_chat.values():
            event = {
                "business_connection_id": self.id,
                "chat": chat_messages[0]["chat"],
                "message_ids": [m["message_id"] for m in chat_messages],
            }
            self.world.server.push_update({"deleted_business_messages": event})
