"""User stories on top of BotAPIServer: people and groups that talk to the bot.

world = TelegramWorld(server)
alice = world.user("Alice", "Smith", username="alice", language_code="ru")
group = world.group("Project X")
msg = alice.says(group, "We agreed on 150 000")
bob.says(group, "/agree Stage 1", reply_to=msg)
reply = await world.bot_reply(group)
query_id = bob.presses(reply, "I agree")

More in scenario_media.py (files, captions, albums), scenario_forwards.py,
scenario_chats.py (anonymous admins, channels, forums) and scenario_business.py.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from typing import Any

from . import media
from .objects import chat_member_json, private_chat_for, user_json
from .scenario_business import BusinessConnection
from .scenario_chats import BusinessChat, ChatLike, Group
from .scenario_forwards import ForwardActions
from .scenario_media import MediaActions
from .scenario_posting import MessagePoster
from .server import BotAPIServer, MessagePredicate

AUTO = "<auto>"  # username derived from the first name


class Person(MediaActions, ForwardActions):
    """A Telegram user (or another bot) acting in chats; every action pushes an update."""

    def __init__(self, world: TelegramWorld, user: dict[str, Any]) -> None:
        self.world = world
        self.user = user

    @property
    def id(self) -> int:
        return int(self.user["id"])

    @property
    def key(self) -> int:
        """Where the fake keeps this person's private chat with the bot."""
        return self.id

    @property
    def private_chat(self) -> dict[str, Any]:
        """This person's private chat with the bot (its id is the person's id)."""
        return private_chat_for(self.user)

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.user['first_name']!r}>"

    # -- messages -----------------------------------------------------------------------

    def says(
        self,
        chat: ChatLike,
        text: str,
        *,
        reply_to: dict[str, Any] | None = None,
        topic: int | None = None,
        parse_mode: str | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A text message; commands, mentions and links get their entities like in Telegram."""
        body = self.world.text_body(text, parse_mode, entities, "text", "entities")
        return self.world.post(self, chat, body, reply_to=reply_to, topic=topic)

    def says_private(self, text: str, **options: Any) -> dict[str, Any]:
        return self.says(self.private_chat, text, **options)

    def sends_sticker(self, chat: ChatLike, emoji: str = "👍", **options: Any) -> dict[str, Any]:
        sticker = media.sticker(self.world.server.state.files, emoji)
        return self.world.post(self, chat, {"sticker": sticker}, **options)

    def edits(
        self, message: dict[str, Any], text: str, *, parse_mode: str | None = None
    ) -> dict[str, Any]:
        """An edited_message (or edited_business_message) for one of this person's texts."""
        self.world.check_author(self, message)
        if "text" not in message:
            raise AssertionError("only text messages can be edited; see edits_caption()")
        body = self.world.text_body(text, parse_mode, None, "text", "entities")
        return self.world.push_edit(message, body, drop=("entities",))

    # -- buttons ------------------------------------------------------------------------

    def presses(
        self,
        message: dict[str, Any],
        text: str | None = None,
        *,
        callback_data: str | None = None,
    ) -> str:
        """Presses an inline button of a bot message (found by text or data); the query id."""
        if text is None and callback_data is None:
            raise ValueError("name the button by its text or its callback_data")
        current = self.world.server.current(message)
        buttons = [
            b for row in current.get("reply_markup", {}).get("inline_keyboard", []) for b in row
        ]
        matching = [
            b
            for b in buttons
            if text in (None, b["text"]) and callback_data in (None, b.get("callback_data"))
        ]
        if not matching:
            raise AssertionError(f"no such button in message {current['message_id']}: {buttons}")
        if "callback_data" not in matching[0]:
            raise AssertionError(f"button {matching[0]} sends no callback query")
        return self.sends_callback(message, matching[0]["callback_data"])

    def sends_callback(self, message: dict[str, Any], data: str) -> str:
        """A callback query with any data under a bot message, as a modified client can
        send (Telegram does not check it against the message's buttons); the query id."""
        current = self.world.server.current(message)
        query_id = self.world.query_id()
        query = {
            "id": query_id,
            "from": user_json(self.user),
            "message": current,
            "chat_instance": str(abs(current["chat"]["id"]) * 7919 % 10**18),
            "data": data,
        }
        self.world.server.push_update({"callback_query": query})
        return query_id

    # -- membership ---------------------------------------------------------------------

    def is_member_of(self, group: Group, status: str = "member", **fields: bool) -> None:
        """Sets this person's standing in the group without an update (a member since
        before the bot came, who has not written yet); getChatMember answers it."""
        self.world.server.set_chat_member_status(group.id, self.id, status, **fields)

    def adds(self, group: Group, *people: Person) -> dict[str, Any]:
        return self.world.post(self, group.chat, self.world.members_added(p.user for p in people))

    def joins(self, group: Group) -> dict[str, Any]:
        return self.adds(group, self)

    def leaves(self, group: Group) -> dict[str, Any]:
        me = user_json(self.user)
        body = {"left_chat_participant": me, "left_chat_member": me}  # the old name comes too
        return self.world.post(self, group.chat, body)

    def adds_bot(self, group: Group) -> dict[str, Any]:
        """my_chat_member (left -> member), then the new_chat_members service message."""
        bot = self.world.server.bot_user
        self.world.server.push_update(
            {"my_chat_member": self.world.bot_status_change(group.chat, self, "left", "member")}
        )
        return self.world.post(self, group.chat, self.world.members_added([bot]))

    def blocks_bot(self) -> None:
        change = self.world.bot_status_change(self.private_chat, self, "member", "kicked")
        self.world.server.push_update({"my_chat_member": change})

    def creates_topic(self, group: Group, name: str, icon_color: int = 7322096) -> int:
        """A forum topic; returns its message_thread_id."""
        if not group.chat.get("is_forum"):
            raise AssertionError(f"{group} is not a forum")
        body = {"forum_topic_created": {"name": name, "icon_color": icon_color}}
        message = self.world.post(self, group, body, new_topic=True)
        return int(message["message_id"])


class TelegramWorld(MessagePoster):
    """Creates people and groups with fresh ids and posts their actions to the server."""

    def __init__(self, server: BotAPIServer, *, first_user_id: int = 1_000_001) -> None:
        super().__init__(server)
        self._user_ids = itertools.count(first_user_id)
        self._group_numbers = itertools.count(1)
        self._queries = itertools.count(4_000_000_000_000_000_001)

    @property
    def bot(self) -> dict[str, Any]:
        return self.server.bot_user

    def user(
        self,
        first_name: str,
        last_name: str | None = None,
        *,
        username: str | None = AUTO,
        language_code: str | None = "en",
        is_premium: bool = False,
    ) -> Person:
        if username == AUTO:
            username = re.sub(r"[^a-z0-9_]", "", first_name.lower()) or None
        user = {
            "id": next(self._user_ids),
            "is_bot": False,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
            "is_premium": is_premium or None,
        }
        return Person(self, {k: v for k, v in user.items() if v is not None})

    def person(self, user: dict[str, Any]) -> Person:
        """A Person for a user the fake already knows (e.g. from a message's ``from``)."""
        return Person(self, dict(self.server.state.user(user["id"]) or user))

    def other_bot(self, first_name: str, *, username: str) -> Person:
        """Another bot posting in groups (its messages have ``from.is_bot`` true)."""
        user = {"id": next(self._user_ids), "is_bot": True, "first_name": first_name}
        return Person(self, {**user, "username": username})

    def group(
        self,
        title: str,
        *,
        supergroup: bool = True,
        username: str | None = None,
        forum: bool = False,
        owner: Person | None = None,
        bot_member: bool = True,
    ) -> Group:
        """Supergroup ids look like -100XXXXXXXXXX, basic group ids like -4XXXXXXXXX."""
        number = next(self._group_numbers)
        chat: dict[str, Any] = {
            "id": -(1_001_000_000_000 + number) if supergroup else -(4_000_000_000 + number),
            "title": title,
            "type": "supergroup" if supergroup else "group",
        }
        if username:
            chat["username"] = username
        if forum:
            chat["is_forum"] = True
        self.server.allocate_message_id(chat)  # id 1 is the "group created" service message
        if not bot_member:
            self.server.set_chat_member_status(chat["id"], self.server.bot_user["id"], "left")
        if owner is not None:
            self.server.set_chat_member_status(chat["id"], owner.id, "creator")
        return Group(self, chat)

    def forum(self, title: str, **options: Any) -> Group:
        """A supergroup with topics (is_forum); create them with person.creates_topic."""
        return self.group(title, forum=True, **options)

    def channel(
        self, title: str, *, username: str | None = None, bot_member: bool = False
    ) -> Group:
        """A channel; with ``bot_member`` the bot is its admin and gets channel_post."""
        number = next(self._group_numbers)
        chat: dict[str, Any] = {"id": -(1_001_000_000_000 + number), "title": title}
        if username:
            chat["username"] = username
        chat["type"] = "channel"
        self.server.allocate_message_id(chat)  # the "channel created" service message
        status = "administrator" if bot_member else "left"
        self.server.set_chat_member_status(chat["id"], self.server.bot_user["id"], status)
        return Group(self, chat)

    def business_connection(
        self,
        owner: Person,
        *,
        can_reply: bool = True,
        enabled: bool = True,
        **rights: bool,
    ) -> BusinessConnection:
        """``owner`` connects the bot to their business account (a business_connection
        update); ``rights`` are other BusinessBotRights such as can_delete_sent_messages."""
        all_rights = {"can_reply": can_reply, "can_read_messages": True, **rights}
        return BusinessConnection(self, owner, enabled=enabled, rights=all_rights)

    async def bot_reply(
        self,
        chat: Group | Person | BusinessChat | int | tuple[str, int],
        predicate: MessagePredicate | None = None,
        timeout: float = 5.0,
        *,
        topic: int | None = None,
    ) -> dict[str, Any]:
        """The bot's next message in that chat (a Person means their private chat).

        ``topic`` narrows it to one forum topic (message_thread_id).
        """
        key = chat if isinstance(chat, int | tuple) else chat.key
        if topic is not None:
            predicate = _in_topic(topic, predicate)
        return await self.server.wait_for_bot_message(key, predicate, timeout)

    # -- helpers for Person -------------------------------------------------------------

    def query_id(self) -> str:
        return str(next(self._queries))

    def members_added(self, users: Iterable[dict[str, Any]]) -> dict[str, Any]:
        """new_chat_members plus the legacy single-member fields the Bot API still sends."""
        members = [user_json(user) for user in users]
        bot_id = self.server.bot_user["id"]
        chosen = next((m for m in members if m["id"] == bot_id), members[0])
        return {
            "new_chat_participant": chosen,
            "new_chat_member": chosen,
            "new_chat_members": members,
        }

    def bot_status_change(
        self, chat: dict[str, Any], actor: Person, old: str, new: str
    ) -> dict[str, Any]:
        bot = self.server.bot_user
        return {
            "chat": chat,
            "from": user_json(actor.user),
            "date": self.server.now(),
            "old_chat_member": chat_member_json(bot, old),
            "new_chat_member": chat_member_json(bot, new),
        }


def _in_topic(topic: int, predicate: MessagePredicate | None) -> Callable[[dict[str, Any]], bool]:
    def matches(message: dict[str, Any]) -> bool:
        in_topic = message.get("message_thread_id") == topic
        return in_topic and (predicate is None or predicate(message))

    return matches
