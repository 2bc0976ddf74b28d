"""User stories on top of BotAPIServer: people and groups that talk to the bot.

world = TelegramWorld(server)
alice = world.user("Alice", "Smith", username="alice", language_code="ru")
group = world.group("Project X")
msg = alice.says(group, "We agreed on 150 000")
bob.says(group, "/agree Stage 1", reply_to=msg)
reply = await world.bot_reply(group)
query_id = bob.presses(reply, "I agree")
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Iterable
from typing import Any

from .formatted_text import entities_json, finalize, parse_input
from .objects import chat_member_json, message_json, private_chat_for, user_json
from .server import BotAPIServer, MessagePredicate

AUTO = "<auto>"  # username derived from the first name


class Group:
    """A group or supergroup the bot is in (or not, with ``bot_member=False``)."""

    def __init__(self, world: TelegramWorld, chat: dict[str, Any]) -> None:
        self.world = world
        self.chat = chat

    @property
    def id(self) -> int:
        return int(self.chat["id"])

    @property
    def title(self) -> str:
        return str(self.chat["title"])

    def __repr__(self) -> str:
        return f"<Group {self.id} {self.title!r}>"


ChatLike = Group | dict[str, Any]


class Person:
    """A Telegram user (or another bot) acting in chats; every action pushes an update."""

    def __init__(self, world: TelegramWorld, user: dict[str, Any]) -> None:
        self.world = world
        self.user = user

    @property
    def id(self) -> int:
        return int(self.user["id"])

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
        return self.world.post(self, _chat_of(chat), body, reply_to=reply_to, topic=topic)

    def says_private(self, text: str, **options: Any) -> dict[str, Any]:
        return self.says(self.private_chat, text, **options)

    def sends_sticker(self, chat: ChatLike, emoji: str = "👍", **options: Any) -> dict[str, Any]:
        file_id = self.world.file_id()
        sticker = {
            "width": 512,
            "height": 512,
            "emoji": emoji,
            "set_name": "TestStickers",
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "file_id": file_id,
            "file_unique_id": file_id[-12:],
            "file_size": 23_456,
        }
        return self.world.post(self, _chat_of(chat), {"sticker": sticker}, **options)

    def sends_photo(
        self, chat: ChatLike, caption: str | None = None, **options: Any
    ) -> dict[str, Any]:
        sizes = []
        for width in (90, 320, 800):
            file_id = self.world.file_id()
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": file_id[-12:],
                    "file_size": width * 60,
                    "width": width,
                    "height": width * 3 // 4,
                }
            )
        body: dict[str, Any] = {"photo": sizes}
        if caption:
            parse_mode = options.pop("parse_mode", None)
            body |= self.world.text_body(caption, parse_mode, None, "caption", "caption_entities")
        return self.world.post(self, _chat_of(chat), body, **options)

    def edits(self, message: dict[str, Any], text: str, **options: Any) -> dict[str, Any]:
        """An edited_message update for one of this person's text messages."""
        if message.get("from", {}).get("id") != self.id:
            raise AssertionError(f"{self} can only edit their own messages")
        chat_id = message["chat"]["id"]
        current = self.world.server.message(chat_id, message["message_id"]) or message
        edited = {k: v for k, v in current.items() if k not in ("text", "entities")}
        edited |= self.world.text_body(text, options.get("parse_mode"), None, "text", "entities")
        edited["edit_date"] = self.world.server.now()
        self.world.server.push_update({"edited_message": edited})
        return copy.deepcopy(edited)

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
        chat_id = message["chat"]["id"]
        current = self.world.server.message(chat_id, message["message_id"]) or message
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
        query_id = self.world.query_id()
        query = {
            "id": query_id,
            "from": user_json(self.user),
            "message": current,
            "chat_instance": str(abs(chat_id) * 7919 % 10**18),
            "data": matching[0]["callback_data"],
        }
        self.world.server.push_update({"callback_query": query})
        return query_id

    # -- membership ---------------------------------------------------------------------

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
        message = self.world.post(self, group.chat, body, new_topic=True)
        return int(message["message_id"])


def _chat_of(chat: ChatLike) -> dict[str, Any]:
    return chat.chat if isinstance(chat, Group) else chat


class TelegramWorld:
    """Creates people and groups with fresh ids and posts their actions to the server."""

    def __init__(self, server: BotAPIServer, *, first_user_id: int = 1_000_001) -> None:
        self.server = server
        self._user_ids = itertools.count(first_user_id)
        self._group_numbers = itertools.count(1)
        self._files = itertools.count(1)
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

    async def bot_reply(
        self,
        chat: Group | Person | int,
        predicate: MessagePredicate | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """The bot's next message in that chat (a Person means their private chat)."""
        chat_id = chat if isinstance(chat, int) else chat.id
        return await self.server.wait_for_bot_message(chat_id, predicate, timeout)

    # -- helpers for Person -------------------------------------------------------------

    def file_id(self) -> str:
        return f"AgACAgIAAxkBAAI{next(self._files):012d}"

    def query_id(self) -> str:
        return str(next(self._queries))

    def text_body(
        self,
        text: str,
        parse_mode: str | None,
        entities: list[dict[str, Any]] | None,
        text_key: str,
        entities_key: str,
    ) -> dict[str, Any]:
        state = self.server.state
        parsed = parse_input(text, parse_mode or "", json.dumps(entities) if entities else "")
        final = finalize(parsed, user_known=lambda user_id: state.user(user_id) is not None)
        body: dict[str, Any] = {text_key: final.text}
        if final.entities:
            lookup = lambda user_id: user_json(state.user(user_id) or {"id": user_id})  # noqa: E731
            body[entities_key] = entities_json(final.entities, lookup)
        return body

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

    def post(
        self,
        sender: Person,
        chat: dict[str, Any],
        body: dict[str, Any],
        *,
        reply_to: dict[str, Any] | None = None,
        topic: int | None = None,
        new_topic: bool = False,
    ) -> dict[str, Any]:
        """Builds the message as Telegram would deliver it and pushes it; returns it."""
        server = self.server
        message_id = server.allocate_message_id(chat)
        record = server.state.chats[chat["id"]]
        if reply_to is not None:
            reply_to = server.message(chat["id"], reply_to["message_id"]) or reply_to
            if topic is None and chat.get("is_forum"):
                topic = reply_to.get("message_thread_id")
        if new_topic:
            topic = message_id
        elif topic is not None and reply_to is None:
            reply_to = record.topics.get(topic)  # topic messages answer the topic's root
        message = message_json(
            message_id=message_id,
            chat=chat,
            date=server.now(),
            sender=sender.user,
            thread_id=topic,
            reply_to=reply_to,
            body=body,
        )
        server.push_update({"message": message})
        return copy.deepcopy(message)
