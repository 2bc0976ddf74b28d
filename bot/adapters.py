"""Telegram objects turned into the plain data the services take (the one place that
knows both)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import Chat, Message, User

from bot.services.agreements import MarkedMessage, MarkRequest
from bot.services.people import ChatInfo, Person

# Everything else a message can carry is a service message (joins, pins, topic events...).
PERSON_CONTENT = frozenset(
    {
        ContentType.TEXT,
        ContentType.PHOTO,
        ContentType.DOCUMENT,
        ContentType.VIDEO,
        ContentType.AUDIO,
        ContentType.VOICE,
        ContentType.VIDEO_NOTE,
        ContentType.ANIMATION,
        ContentType.STICKER,
        ContentType.CONTACT,
        ContentType.LOCATION,
        ContentType.VENUE,
        ContentType.POLL,
        ContentType.DICE,
        ContentType.GAME,
        ContentType.STORY,
        ContentType.PAID_MEDIA,
        ContentType.CHECKLIST,
    }
)


def person_from(user: User) -> Person:
    return Person(
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
        is_bot=user.is_bot,
    )


def chat_from(chat: Chat) -> ChatInfo:
    return ChatInfo(
        id=chat.id,
        type=chat.type,
        title=chat.title,
        username=chat.username,
        is_forum=bool(chat.is_forum),
    )


def text_and_entities(message: Message) -> tuple[str | None, list[dict[str, Any]]]:
    """The text, or the caption of a media message, with its formatting as plain dicts."""
    text: str | None
    if message.text is not None:
        text, entities = message.text, message.entities
    else:
        text, entities = message.caption, message.caption_entities
    return text, [e.model_dump(mode="json", exclude_none=True) for e in entities or ()]


def marked_message_from(message: Message) -> MarkedMessage:
    text, entities = text_and_entities(message)
    return MarkedMessage(
        message_id=message.message_id,
        date=message.date,
        author=person_from(message.from_user) if message.from_user else None,
        text=text,
        entities=entities,
        edit_date=datetime.fromtimestamp(message.edit_date, UTC) if message.edit_date else None,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        is_service=message.content_type not in PERSON_CONTENT,
        sent_as_chat=message.sender_chat is not None or bool(message.is_automatic_forward),
    )


def mark_request_from(command: Message, target: Message, title: str | None) -> MarkRequest:
    assert command.from_user is not None
    return MarkRequest(
        chat=chat_from(command.chat),
        message=marked_message_from(target),
        marker=person_from(command.from_user),
        title=" ".join(title.split()) if title and title.strip() else None,
    )
