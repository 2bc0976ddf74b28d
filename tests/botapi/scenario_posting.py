"""How the scenario layer turns actions into updates: message building, posting, editing."""

from __future__ import annotations

import copy
import itertools
import json
from typing import Any, Protocol

from .formatted_text import entities_json, finalize, parse_input
from .objects import message_json, user_json
from .scenario_chats import BusinessChat, ChatLike, chat_of
from .server import BotAPIServer


class Actor(Protocol):
    """Who acts in a scenario: a Person, or a mixin of Person's."""

    user: dict[str, Any]


def update_key(message: dict[str, Any], *, edited: bool) -> str:
    """message / business_message / channel_post, or their edited_ forms."""
    if message.get("business_connection_id"):
        key = "business_message"
    elif message["chat"]["type"] == "channel":
        key = "channel_post"
    else:
        key = "message"
    return f"edited_{key}" if edited else key


def with_edit_date(message: dict[str, Any], edit_date: int) -> dict[str, Any]:
    """``edit_date`` right after ``date``, where telegram-bot-api writes it."""
    edited: dict[str, Any] = {}
    for key, value in message.items():
        if key != "edit_date":
            edited[key] = value
        if key == "date":
            edited["edit_date"] = edit_date
    return edited


class MessagePoster:
    """The part of TelegramWorld that builds messages and pushes them to the server."""

    def __init__(self, server: BotAPIServer) -> None:
        self.server = server
        self._media_groups = itertools.count(13_548_974_453_498_001)

    def media_group_id(self) -> str:
        return str(next(self._media_groups))

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

    def caption_body(
        self,
        caption: str | None,
        parse_mode: str | None,
        entities: list[dict[str, Any]] | None,
    ) -> dict[str, Any]:
        """caption and caption_entities; nothing for an empty caption, as in Telegram."""
        if not caption or not caption.strip():
            return {}
        return self.text_body(caption, parse_mode, entities, "caption", "caption_entities")

    def post(
        self,
        sender: Actor | dict[str, Any] | None,
        chat: ChatLike,
        body: dict[str, Any],
        *,
        reply_to: dict[str, Any] | None = None,
        topic: int | None = None,
        new_topic: bool = False,
        sender_chat: dict[str, Any] | None = None,
        author_signature: str | None = None,
        forward: dict[str, Any] | None = None,
        media_group_id: str | None = None,
    ) -> dict[str, Any]:
        """Builds the message as Telegram would deliver it and pushes it; returns it.

        ``sender`` None is a channel post; a BusinessChat makes a business_message.
        """
        server, target = self.server, chat_of(chat)
        connection_id = None
        if isinstance(chat, BusinessChat):
            connection_id = chat.connection.id
            if not isinstance(sender, dict) and sender is not None:
                chat.check_member(sender.user)
            record = server.state.business_record(connection_id, target)
        else:
            record = server.state.chat_record(target)
        message_id = record.allocate_message_id()
        if reply_to is not None:
            reply_to = server.current(reply_to)
            if topic is None and target.get("is_forum"):
                topic = reply_to.get("message_thread_id")
        if new_topic:
            topic = message_id
        elif topic is not None and reply_to is None:
            reply_to = record.topics.get(topic)  # topic messages answer the topic's root
        message = message_json(
            message_id=message_id,
            chat=target,
            date=server.now(),
            sender=sender if sender is None or isinstance(sender, dict) else sender.user,
            sender_chat=sender_chat,
            author_signature=author_signature,
            business_connection_id=connection_id,
            thread_id=topic,
            forward=forward,
            reply_to=reply_to,
            media_group_id=media_group_id,
            body=body,
        )
        server.push_update({update_key(message, edited=False): message})
        return copy.deepcopy(message)

    def check_author(self, person: Actor, message: dict[str, Any]) -> None:
        if message.get("from", {}).get("id") != person.user["id"]:
            raise AssertionError(f"{person} can only edit their own messages")

    def push_edit(
        self, message: dict[str, Any], body: dict[str, Any], *, drop: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Pushes edited_message (or edited_business_message, ...) with ``body`` changed."""
        current = self.server.current(message)
        edited = {k: v for k, v in current.items() if k not in drop and k not in body}
        edited = with_edit_date({**edited, **body}, self.server.now())
        self.server.push_update({update_key(edited, edited=True): edited})
        return copy.deepcopy(edited)
