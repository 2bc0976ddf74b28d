"""Telegram JSON objects as the Bot API writes them: absent fields omitted, never null."""

from __future__ import annotations

import copy
from typing import Any

CHAT_FIELDS = ("id", "title", "username", "first_name", "last_name", "type", "is_forum")
USER_FIELDS = (
    "id",
    "is_bot",
    "first_name",
    "last_name",
    "username",
    "language_code",
    "is_premium",
)
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
)
_GROUP_ADMIN_RIGHTS = ("can_pin_messages", "can_manage_topics")
# the senders Telegram puts in "from" when a chat, not a person, speaks
GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
TELEGRAM_SERVICE_USER = {"id": 777000, "is_bot": False, "first_name": "Telegram"}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drops None values (and False for flags Telegram only sends when true)."""
    return {key: value for key, value in data.items() if value is not None}


def user_json(user: dict[str, Any]) -> dict[str, Any]:
    """A User object inside messages: only the fields Telegram puts there."""
    data = {key: user.get(key) for key in USER_FIELDS}
    data["is_premium"] = True if user.get("is_premium") else None
    return compact(data)


def chat_json(chat: dict[str, Any]) -> dict[str, Any]:
    data = {key: chat.get(key) for key in CHAT_FIELDS}
    data["is_forum"] = True if chat.get("is_forum") else None
    return compact(data)


def private_chat_for(user: dict[str, Any]) -> dict[str, Any]:
    return compact(
        {
            "id": user["id"],
            "first_name": user.get("first_name"),
            "last_name": user.get("last_name"),
            "username": user.get("username"),
            "type": "private",
        }
    )


def full_chat_info(chat: dict[str, Any]) -> dict[str, Any]:
    """getChat's ChatFullInfo: the chat plus the fields Telegram always sends."""
    data = chat_json(chat)
    data.update(
        {
            "accent_color_id": chat.get("accent_color_id", 0),
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
    )
    if chat["type"] in ("group", "supergroup"):
        data["permissions"] = {
            "can_send_messages": True,
            "can_send_audios": True,
            "can_send_documents": True,
            "can_send_photos": True,
            "can_send_videos": True,
            "can_send_video_notes": True,
            "can_send_voice_notes": True,
            "can_send_polls": True,
            "can_send_other_messages": True,
            "can_add_web_page_previews": True,
            "can_change_info": False,
            "can_invite_users": True,
            "can_pin_messages": False,
            "can_manage_topics": False,
        }
    return data


def chat_member_json(
    user: dict[str, Any], status: str, rights: dict[str, bool] | None = None
) -> dict[str, Any]:
    """ChatMember of the given status with every field aiogram's models require."""
    data: dict[str, Any] = {"user": user_json(user), "status": status}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data["can_be_edited"] = False
        data["is_anonymous"] = False
        for right in (*_ADMIN_RIGHTS, *_GROUP_ADMIN_RIGHTS):
            data[right] = right != "can_promote_members"
        data.update(rights or {})
    elif status == "restricted":
        data.update({"is_member": True, "until_date": 0})
        for right in (
            "can_send_messages",
            "can_send_audios",
            "can_send_documents",
            "can_send_photos",
            "can_send_videos",
            "can_send_video_notes",
            "can_send_voice_notes",
            "can_send_polls",
            "can_send_other_messages",
            "can_add_web_page_previews",
            "can_react_to_messages",
            "can_edit_tag",
            "can_change_info",
            "can_invite_users",
            "can_pin_messages",
            "can_manage_topics",
        ):
            data[right] = False
        data.update(rights or {})
    elif status == "kicked":
        data["until_date"] = 0
    return data


def without_nested_reply(message: dict[str, Any]) -> dict[str, Any]:
    """Telegram embeds a replied-to message one level deep only."""
    embedded = copy.deepcopy(message)
    embedded.pop("reply_to_message", None)
    return embedded


def message_json(
    *,
    message_id: int,
    chat: dict[str, Any],
    date: int,
    sender: dict[str, Any] | None = None,
    sender_chat: dict[str, Any] | None = None,
    author_signature: str | None = None,
    business_connection_id: str | None = None,
    sender_business_bot: dict[str, Any] | None = None,
    thread_id: int | None = None,
    forward: dict[str, Any] | None = None,
    reply_to: dict[str, Any] | None = None,
    media_group_id: str | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Message with keys in telegram-bot-api's order.

    ``forward`` holds forward_origin and its companions (see forwards.py); ``body`` holds
    the text, media, caption or service fields.
    """
    data: dict[str, Any] = {}
    if business_connection_id is not None:
        data["business_connection_id"] = business_connection_id
        if sender_business_bot is not None:
            data["sender_business_bot"] = user_json(sender_business_bot)
    data["message_id"] = message_id
    if sender is not None:
        data["from"] = user_json(sender)
    if author_signature:
        data["author_signature"] = author_signature
    if sender_chat is not None:
        data["sender_chat"] = chat_json(sender_chat)
    data["chat"] = chat_json(chat)
    data["date"] = date
    if thread_id is not None:
        data["message_thread_id"] = thread_id
    data.update(forward or {})
    if reply_to is not None:
        data["reply_to_message"] = without_nested_reply(reply_to)
    if media_group_id is not None:
        data["media_group_id"] = media_group_id
    data.update(body or {})
    if thread_id is not None and chat.get("is_forum"):
        data["is_topic_message"] = True
    return data
