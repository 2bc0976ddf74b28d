"""Acting for a Telegram Business account: getBusinessConnection and the business_connection_id
checks that sendMessage, editMessageText and friends make before touching a business chat.

The error texts come from telegram-bot-api (``business connection not found``, the chat
identifier checks), TDLib's BusinessConnectionManager (private chats only, not to self) and
MTProto errors Telegram passes through (BUSINESS_CONNECTION_INVALID, BOT_ACCESS_FORBIDDEN,
BUSINESS_PEER_USAGE_MISSING); a 403 SCREAMING_CODE reaches bots as a 400 "Bad Request".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..business import REPLY_WINDOW, BusinessConnectionRecord
from ..errors import bad_request
from ..state import ChatRecord
from .context import Context, Handler

_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9]\d{0,18})")  # td::to_integer_safe<int64>


@dataclass
class BusinessTarget:
    connection: BusinessConnectionRecord
    record: ChatRecord

    @property
    def owner(self) -> dict[str, Any]:
        return self.connection.owner


def find_connection(ctx: Context) -> BusinessConnectionRecord:
    connection = ctx.state.business_connections.get(ctx.params.str("business_connection_id"))
    if connection is None:
        raise bad_request("business connection not found")
    return connection


def _chat_id(ctx: Context) -> int:
    text = ctx.params.str("chat_id")
    if not text:
        raise bad_request("chat identifier is empty")
    if not _CANONICAL_INTEGER.fullmatch(text):
        raise bad_request("chat identifier must be a valid Integer")
    return int(text)


def _last_incoming(record: ChatRecord, owner_id: int) -> int:
    """When the client last wrote; deleting that message later doesn't undo it."""
    dates = [
        int(m["date"])
        for m in record.messages.values()
        if m.get("from", {}).get("id") not in (None, owner_id)
    ]
    return max(dates, default=0)


def business_chat(ctx: Context) -> BusinessTarget | None:
    """None without business_connection_id; else the chat the bot may act in for the owner."""
    if not ctx.params.str("business_connection_id"):
        return None
    chat_id = _chat_id(ctx)
    connection = find_connection(ctx)
    if chat_id <= 0:
        raise bad_request("chat must be a private chat")
    if chat_id == connection.owner_id:
        raise bad_request("messages must not be sent to self")
    if not connection.is_enabled:
        raise bad_request("BUSINESS_CONNECTION_INVALID")
    if not connection.rights.get("can_reply"):
        raise bad_request("BOT_ACCESS_FORBIDDEN")
    key = (connection.id, chat_id)
    record = ctx.state.business_chats.get(key)
    if record is None or _last_incoming(record, connection.owner_id) <= ctx.now() - REPLY_WINDOW:
        # can_reply covers "chats that had incoming messages in the last 24 hours" only
        raise bad_request("BUSINESS_PEER_USAGE_MISSING")
    return BusinessTarget(connection, record)


async def get_business_connection(ctx: Context) -> dict[str, Any]:
    return find_connection(ctx).json()


METHODS: dict[str, Handler] = {"getBusinessConnection": get_business_connection}
