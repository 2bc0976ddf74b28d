"""Resolving chat_id the way the Bot API does, with Telegram's access errors."""

from __future__ import annotations

from ..errors import bad_request, forbidden
from ..params import to_integer
from ..state import ChatRecord, State


def find_chat(state: State, chat_id: str) -> ChatRecord | None:
    if chat_id.startswith("@"):
        username = chat_id[1:].lower()
        return next(
            (r for r in state.chats.values() if r.chat.get("username", "").lower() == username),
            None,
        )
    return state.chats.get(to_integer(chat_id))


def readable_chat(state: State, chat_id: str) -> ChatRecord:
    """A chat the bot may look at (getChat and friends)."""
    if not chat_id:
        raise bad_request("chat_id is empty")
    record = find_chat(state, chat_id)
    if record is None:
        raise bad_request("chat not found")
    return record


def writable_chat(state: State, chat_id: str) -> ChatRecord:
    """A chat the bot may send to, else the 400/403 Telegram answers with."""
    if not chat_id:
        raise bad_request("chat_id is empty")
    record = find_chat(state, chat_id)
    stranger = state.users.get(to_integer(chat_id)) if record is None else None
    if stranger is not None:
        # seen in a group but never wrote to the bot
        if stranger.get("is_bot"):
            raise forbidden("bot can't send messages to bots")
        raise forbidden("bot can't initiate conversation with a user")
    if record is None:
        raise bad_request("chat not found")
    if record.type == "private":
        user = state.users.get(record.id)
        if user is not None and user.get("is_bot"):
            raise forbidden("bot can't send messages to bots")
        if record.id in state.blocked:
            raise forbidden("bot was blocked by the user")
        if record.id not in state.started:
            raise forbidden("bot can't initiate conversation with a user")
    elif record.bot_status == "kicked":
        kind = "supergroup" if record.type == "supergroup" else "group"
        raise forbidden(f"bot was kicked from the {kind} chat")
    elif record.bot_status == "left":
        kind = {"supergroup": "supergroup", "channel": "channel"}.get(record.type, "group")
        raise forbidden(f"bot is not a member of the {kind} chat")
    return record
