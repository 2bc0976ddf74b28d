"""What the fake Telegram knows: users, chats, their messages, members and bot settings."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .business import BusinessConnectionRecord
from .files import FileStore
from .objects import MEMBER_STATUSES, private_chat_for

MESSAGE_KEYS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
BUSINESS_KEYS = frozenset({"business_message", "edited_business_message"})
GROUP_TYPES = frozenset({"group", "supergroup"})
# a chat is found by its id, a business chat by (business_connection_id, chat id): the
# owner's chat with a client has the client's id, just like the client's chat with the bot
ChatKey = int | tuple[str, int]


@dataclass
class ChatRecord:
    chat: dict[str, Any]
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)  # current versions
    bot_sent: list[int] = field(default_factory=list)  # the bot's messages, in send order
    deleted: set[int] = field(default_factory=set)
    next_message_id: int = 1
    members: dict[int, str] = field(default_factory=dict)  # user id -> ChatMember status
    rights: dict[int, dict[str, bool]] = field(default_factory=dict)
    topics: dict[int, dict[str, Any] | None] = field(default_factory=dict)  # thread -> root
    bot_status: str = "member"
    bot_rights: dict[str, bool] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.chat["id"])

    @property
    def type(self) -> str:
        return str(self.chat["type"])

    def message(self, message_id: int) -> dict[str, Any] | None:
        if message_id in self.deleted:
            return None
        return self.messages.get(message_id)

    def allocate_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def store(self, message: dict[str, Any]) -> None:
        message_id = int(message["message_id"])
        self.messages[message_id] = copy.deepcopy(message)
        self.deleted.discard(message_id)
        self.next_message_id = max(self.next_message_id, message_id + 1)


class State:
    def __init__(self, bot_user: dict[str, Any], *, can_read_all_group_messages: bool) -> None:
        self.bot_user = bot_user
        self.can_read_all_group_messages = can_read_all_group_messages
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.started: set[int] = set()  # users who wrote to the bot in private
        self.blocked: set[int] = set()
        self.commands: dict[tuple[tuple[Any, ...], str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}  # None: every private chat
        self.webhook_url = ""
        self.webhook_secret = ""
        self.local_webhooks = False
        self.delivered_queries: dict[str, dict[str, Any]] = {}
        self.answered_queries: dict[str, dict[str, Any]] = {}
        self.files = FileStore()
        self.business_connections: dict[str, BusinessConnectionRecord] = {}
        self.business_chats: dict[tuple[str, int], ChatRecord] = {}

    @property
    def bot_id(self) -> int:
        return int(self.bot_user["id"])

    def user(self, user_id: int) -> dict[str, Any] | None:
        if user_id == self.bot_id:
            return self.bot_user
        return self.users.get(user_id)

    def chat_record(self, chat: dict[str, Any]) -> ChatRecord:
        record = self.chats.get(chat["id"])
        if record is None:
            record = self.chats[chat["id"]] = ChatRecord(copy.deepcopy(chat))
        else:
            record.chat.update(chat)
        return record

    def business_record(self, connection_id: str, chat: dict[str, Any]) -> ChatRecord:
        key = (connection_id, int(chat["id"]))
        record = self.business_chats.get(key)
        if record is None:
            record = self.business_chats[key] = ChatRecord(copy.deepcopy(chat))
        return record

    def record_for(self, message: dict[str, Any]) -> ChatRecord:
        """The chat (or business chat) a message belongs to, created when first seen."""
        connection_id = message.get("business_connection_id")
        if connection_id:
            return self.business_record(connection_id, message["chat"])
        return self.chat_record(message["chat"])

    def find_record(self, key: ChatKey) -> ChatRecord | None:
        if isinstance(key, tuple):
            return self.business_chats.get(key)
        return self.chats.get(key)

    def set_member(self, chat_id: int, user_id: int, status: str, rights: dict[str, bool]) -> None:
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown ChatMember status {status!r}")
        record = self.chats[chat_id]
        if user_id == self.bot_id:
            record.bot_status, record.bot_rights = status, rights
        else:
            record.members[user_id] = status
            record.rights[user_id] = rights

    def bot_is_admin(self, record: ChatRecord) -> bool:
        return record.bot_status in ("administrator", "creator")

    # -- learning from pushed updates ---------------------------------------------------

    def learn_update(self, update: dict[str, Any]) -> None:
        for key in MESSAGE_KEYS:
            if key in update:
                self.learn_message(update[key])
        query = update.get("callback_query")
        if query:
            self.learn_user(query["from"])
            if "message" in query and "chat" in query["message"]:
                record = self.chat_record(query["message"]["chat"])
                if record.message(query["message"]["message_id"]) is None:
                    record.store(query["message"])
        for key in ("my_chat_member", "chat_member", "chat_join_request", "message_reaction"):
            if key in update:
                self.learn_membership(key, update[key])
        connection = update.get("business_connection")
        if connection:
            self.learn_business_connection(connection)
        deleted = update.get("deleted_business_messages")
        if deleted:
            record = self.business_record(deleted["business_connection_id"], deleted["chat"])
            record.deleted.update(deleted["message_ids"])

    def learn_business_connection(self, connection: dict[str, Any]) -> None:
        owner = connection["user"]
        self.learn_user(owner)
        # connecting the bot opens user_chat_id to it, as if the owner had started it
        self.chat_record(private_chat_for(owner))
        self.started.add(owner["id"])
        self.business_connections[connection["id"]] = BusinessConnectionRecord(
            id=connection["id"],
            owner=connection["user"],
            date=connection["date"],
            is_enabled=connection["is_enabled"],
            rights=dict(connection.get("rights", {})),
        )

    def learn_user(self, user: dict[str, Any]) -> None:
        if user["id"] != self.bot_id:
            self.users[user["id"]] = {**self.users.get(user["id"], {}), **user}

    def learn_membership(self, key: str, event: dict[str, Any]) -> None:
        record = self.chat_record(event["chat"])
        for actor in ("from", "user"):
            if actor in event:
                self.learn_user(event[actor])
        member = event.get("new_chat_member")
        if member is None:
            return
        user, status = member["user"], member["status"]
        if record.type == "private" and key == "my_chat_member":
            if status == "kicked":
                self.blocked.add(record.id)
            else:
                self.blocked.discard(record.id)
            return
        self.learn_user(user)
        if user["id"] == self.bot_id:
            record.bot_status = status
        else:
            record.members[user["id"]] = status

    def learn_message(self, message: dict[str, Any]) -> None:
        record = self.record_for(message)
        business = bool(message.get("business_connection_id"))
        sender = message.get("from")
        if sender is not None and sender["id"] != self.bot_id:
            self.learn_user(sender)
            # a client writing to a business account has not started the bot
            if record.type == "private" and not business:
                self.started.add(sender["id"])
            elif record.type in GROUP_TYPES and "sender_chat" not in message:
                # GroupAnonymousBot, Telegram (777000) and Channel_Bot are no members
                record.members.setdefault(sender["id"], "member")
        replied = message.get("reply_to_message")
        if replied is not None and record.message(replied["message_id"]) is None:
            record.store(replied)
        record.store(message)
        self._learn_service(record, message)

    def _learn_service(self, record: ChatRecord, message: dict[str, Any]) -> None:
        for user in message.get("new_chat_members", []):
            if user["id"] == self.bot_id:
                record.bot_status = "member"
            else:
                self.learn_user(user)
                record.members[user["id"]] = "member"
        left = message.get("left_chat_member")
        if left is not None:
            if left["id"] == self.bot_id:
                record.bot_status = "left"
            else:
                record.members[left["id"]] = "left"
        if "forum_topic_created" in message:
            record.topics[message["message_id"]] = message
        thread_id = message.get("message_thread_id")
        if thread_id is not None and message.get("is_topic_message"):
            record.topics.setdefault(thread_id, None)
