"""Telegram objects turned into the plain data the services take (the one place that
knows both)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import (
    BusinessConnection,
    Chat,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    User,
)

from bot.agreements.marking import MarkedMessage, MarkRequest
from bot.business.service import ConnectionInfo
from bot.core.media import Media
from bot.core.people import ChatInfo, Person
from bot.evidence.records import iso_utc

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


def client_of(chat: Chat) -> Person:
    """The other person of a business chat (a private chat names them)."""
    return Person(
        id=chat.id,
        first_name=chat.first_name or "",
        last_name=chat.last_name,
        username=chat.username,
    )


def connection_from(connection: BusinessConnection) -> ConnectionInfo:
    rights = connection.rights
    can_reply = bool(rights.can_reply) if rights is not None else bool(connection.can_reply)
    return ConnectionInfo(
        id=connection.id,
        owner=person_from(connection.user),
        user_chat_id=connection.user_chat_id,
        can_reply=can_reply,
        is_enabled=connection.is_enabled,
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
    # On behalf of a chat, "from" is a placeholder (GroupAnonymousBot, Telegram, Channel_Bot).
    author_chat = chat_from(message.sender_chat) if message.sender_chat else None
    author = person_from(message.from_user) if message.from_user and not author_chat else None
    if message.sender_business_bot is not None:  # a bot wrote it for the business account
        author = person_from(message.sender_business_bot)
    return MarkedMessage(
        message_id=message.message_id,
        date=message.date,
        author=author,
        text=text,
        entities=entities,
        edit_date=datetime.fromtimestamp(message.edit_date, UTC) if message.edit_date else None,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        is_service=message.content_type not in PERSON_CONTENT,
        author_chat=author_chat,
        media=media_from(message),
        forwarded_from=forward_origin_from(message),
    )


def media_from(message: Message) -> Media | None:
    """The file of a photo, document, video, audio, voice or animation message."""
    album = message.media_group_id
    if message.photo:
        largest = message.photo[-1]  # Telegram lists the sizes smallest first
        return Media(
            "photo", largest.file_id, largest.file_unique_id, size=largest.file_size, album=album
        )
    for kind in ("document", "video", "audio", "voice", "animation", "video_note"):
        file = getattr(message, kind)
        if file is not None:
            return Media(
                kind,
                file.file_id,
                file.file_unique_id,
                file_name=getattr(file, "file_name", None),
                mime_type=getattr(file, "mime_type", None),
                size=file.file_size,
                album=album,
            )
    return None


def forward_origin_from(message: Message) -> dict[str, Any] | None:
    """Who wrote a forwarded message first, and when, as plain data for the record."""
    origin = message.forward_origin
    if origin is None:
        return None
    found: dict[str, Any] = {"type": origin.type, "date": iso_utc(origin.date)}
    if isinstance(origin, MessageOriginUser):
        user = origin.sender_user
        found |= {"id": user.id, "name": user.full_name, "username": user.username}
    elif isinstance(origin, MessageOriginHiddenUser):
        found["name"] = origin.sender_user_name
    elif isinstance(origin, MessageOriginChat):
        chat = origin.sender_chat
        found |= {"id": chat.id, "name": chat.title, "username": chat.username}
    elif isinstance(origin, MessageOriginChannel):
        chat = origin.chat
        found |= {"id": chat.id, "name": chat.title, "username": chat.username}
        found["message_id"] = origin.message_id
    return found


def mark_request_from(command: Message, target: Message, title: str | None) -> MarkRequest:
    assert command.from_user is not None
    return MarkRequest(
        chat=chat_from(command.chat),
        message=marked_message_from(target),
        marker=person_from(command.from_user),
        title=" ".join(title.split()) if title and title.strip() else None,
    )
