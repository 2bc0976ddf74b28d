"""Privacy mode: which group messages a bot without "read all messages" gets at all."""

from __future__ import annotations

from typing import Any

from .state import BUSINESS_KEYS, GROUP_TYPES, State

BUSINESS_EVENTS = BUSINESS_KEYS | {"deleted_business_messages"}

# messages carrying none of these are service messages, which every bot receives
CONTENT_KEYS = frozenset(
    {"text", "caption", "photo", "sticker", "animation", "audio", "document", "video"}
    | {"video_note", "voice", "contact", "dice", "game", "poll", "venue", "location", "story"}
)


def _command_for_bot(message: dict[str, Any], username: str) -> bool:
    """A text or caption starting with a command, unless the command names another bot."""
    text = message.get("text", message.get("caption", ""))
    for entity in message.get("entities", message.get("caption_entities", [])):
        if entity["type"] == "bot_command" and entity["offset"] == 0:
            command = text[: entity["length"]]
            _, _, target = command.partition("@")
            # Telegram also requires this bot to be the last to speak for bare commands;
            # the fake assumes it is the only bot in the group
            return not target or target.lower() == username.lower()
    return False


def visible_to_bot(update: dict[str, Any], state: State) -> bool:
    """False for updates Telegram would never queue for this bot."""
    for key in BUSINESS_EVENTS & update.keys():
        connection = state.business_connections.get(update[key]["business_connection_id"])
        return connection is not None and connection.is_enabled
    for key in ("channel_post", "edited_channel_post"):
        if key in update:
            record = state.chats[update[key]["chat"]["id"]]
            return record.bot_status not in ("left", "kicked")
    for key in ("message", "edited_message"):
        message = update.get(key)
        if message is None or message["chat"]["type"] not in GROUP_TYPES:
            continue
        record = state.chats[message["chat"]["id"]]
        if record.bot_status in ("left", "kicked"):
            return any(u["id"] == state.bot_id for u in message.get("new_chat_members", []))
        if state.can_read_all_group_messages or state.bot_is_admin(record):
            return True
        if not CONTENT_KEYS & message.keys():
            return True
        replied = message.get("reply_to_message") or {}
        via = message.get("via_bot") or {}
        return (
            _command_for_bot(message, state.bot_user.get("username", ""))
            or replied.get("from", {}).get("id") == state.bot_id
            or via.get("id") == state.bot_id
        )
    return True
