"""Forwarded messages: MessageOrigin objects and the fields telegram-bot-api puts beside them.

Next to ``forward_origin`` the Bot API still sends the pre-7.0 fields (forward_from,
forward_from_chat, forward_from_message_id, forward_signature, forward_sender_name,
forward_date), so the fake does too.
"""

from __future__ import annotations

from typing import Any

from .objects import chat_json, user_json

# what a forward copies from the original message
CONTENT_KEYS = (
    "text",
    "entities",
    "link_preview_options",
    "animation",
    "audio",
    "document",
    "photo",
    "sticker",
    "video",
    "video_note",
    "voice",
    "caption",
    "caption_entities",
    "show_caption_above_media",
    "has_media_spoiler",
    "contact",
    "dice",
    "location",
    "poll",
    "venue",
)


def user_origin(user: dict[str, Any], date: int) -> dict[str, Any]:
    return {"type": "user", "sender_user": user_json(user), "date": date}


def hidden_user_origin(sender_user_name: str, date: int) -> dict[str, Any]:
    """A sender whose privacy settings hide their account from forwards."""
    return {"type": "hidden_user", "sender_user_name": sender_user_name, "date": date}


def chat_origin(
    sender_chat: dict[str, Any], date: int, author_signature: str | None = None
) -> dict[str, Any]:
    """Sent on behalf of a chat to a group (an anonymous admin, or a channel as sender)."""
    origin: dict[str, Any] = {"type": "chat", "sender_chat": chat_json(sender_chat)}
    if author_signature:
        origin["author_signature"] = author_signature
    return {**origin, "date": date}


def channel_origin(
    chat: dict[str, Any], message_id: int, date: int, author_signature: str | None = None
) -> dict[str, Any]:
    origin: dict[str, Any] = {"type": "channel", "chat": chat_json(chat), "message_id": message_id}
    if author_signature:
        origin["author_signature"] = author_signature
    return {**origin, "date": date}


def full_name(user: dict[str, Any]) -> str:
    return " ".join(part for part in (user.get("first_name"), user.get("last_name")) if part)


def origin_of(message: dict[str, Any], *, hidden: bool = False) -> dict[str, Any]:
    """Where a forward of ``message`` comes from; a forwarded forward keeps the first origin.

    ``hidden`` means the author does not let forwards link to their account.
    """
    if "forward_origin" in message:
        return dict(message["forward_origin"])
    date = int(message["date"])
    signature = message.get("author_signature")
    if message["chat"]["type"] == "channel":
        return channel_origin(message["chat"], message["message_id"], date, signature)
    if "sender_chat" in message:
        return chat_origin(message["sender_chat"], date, signature)
    sender = message["from"]
    return hidden_user_origin(full_name(sender), date) if hidden else user_origin(sender, date)


def forward_fields(origin: dict[str, Any], *, automatic: bool = False) -> dict[str, Any]:
    """forward_origin, is_automatic_forward and the legacy forward_* fields, in order."""
    data: dict[str, Any] = {"forward_origin": origin}
    if automatic:
        data["is_automatic_forward"] = True
    kind = origin["type"]
    if kind == "user":
        data["forward_from"] = origin["sender_user"]
    elif kind == "hidden_user":
        data["forward_sender_name"] = origin["sender_user_name"]
    else:
        data["forward_from_chat"] = origin["sender_chat" if kind == "chat" else "chat"]
        if kind == "channel":
            data["forward_from_message_id"] = origin["message_id"]
        if "author_signature" in origin:
            data["forward_signature"] = origin["author_signature"]
    data["forward_date"] = origin["date"]
    return data


def forwarded_content(message: dict[str, Any]) -> dict[str, Any]:
    if message.get("has_protected_content"):
        raise AssertionError("Telegram does not let anyone forward a protected message")
    return {key: message[key] for key in CONTENT_KEYS if key in message}
