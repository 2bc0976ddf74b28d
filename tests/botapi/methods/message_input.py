"""Reading a message's text, reply target and topic from a request, with Telegram's errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import utf16
from ..errors import bad_request, lower_first
from ..formatted_text import finalize, parse_input
from ..html_entities import ParsedText
from ..state import ChatRecord
from .chats_access import readable_chat
from .context import Context

MAX_TEXT_LENGTH = 4096  # in UTF-16 code units: stricter than TDLib, see the package docstring


def read_text(ctx: Context) -> ParsedText:
    """Bot API side: link preview options, presence, size and parse mode of ``text``."""
    options = ctx.params.json("link_preview_options", "link preview options")
    if options is not None and not isinstance(options, dict):
        raise bad_request("object expected as link preview options")
    text = ctx.params.str("text")
    if not text:
        raise bad_request("message text is empty")
    if len(text.encode("utf-8")) > 1 << 15:
        raise bad_request("text is too long")
    return parse_input(text, ctx.params.str("parse_mode"), ctx.params.str("entities"))


def final_text(ctx: Context, parsed: ParsedText) -> ParsedText:
    """TDLib side: the stored text and entities, within Telegram's length limit."""
    state = ctx.state
    final = finalize(parsed, user_known=lambda user_id: state.user(user_id) is not None)
    if utf16.length(final.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return final


@dataclass
class ReplyRequest:
    message_id: int = 0
    allow_without_reply: bool = False
    chat_id: str = ""


def read_reply(ctx: Context) -> ReplyRequest:
    params = ctx.params
    if not params.has("reply_parameters"):
        return ReplyRequest(
            max(params.int("reply_to_message_id"), 0),
            params.bool("allow_sending_without_reply"),
        )
    value = params.json("reply_parameters", "reply parameters")
    if value is None:
        return ReplyRequest()
    if not isinstance(value, dict):
        raise bad_request("object expected as reply parameters")
    if not value:
        return ReplyRequest()
    message_id = value.get("message_id")
    if "message_id" not in value:
        raise bad_request(lower_first('Can\'t find field "message_id"'))
    if isinstance(message_id, bool) or not isinstance(message_id, int):
        raise bad_request(lower_first('Field "message_id" must be of type Number'))
    chat_id = value.get("chat_id", "")
    return ReplyRequest(
        max(message_id, 0), bool(value.get("allow_sending_without_reply")), str(chat_id)
    )


def resolve_reply(
    ctx: Context, record: ChatRecord, request: ReplyRequest
) -> dict[str, Any] | None:
    """The replied-to message in this chat, None, or "message to be replied not found"."""
    if request.message_id <= 0:
        return None
    target = record
    if request.chat_id and request.chat_id != str(record.id):
        target = readable_chat(ctx.state, request.chat_id)
    replied = target.message(request.message_id)
    if replied is None:
        if request.allow_without_reply:
            return None
        raise bad_request("message to be replied not found")
    # a reply to another chat is shown as external_reply; the fake keeps only the check
    return replied if target is record else None


def resolve_thread(ctx: Context, record: ChatRecord, replied: dict[str, Any] | None) -> int | None:
    """The topic (forum) or thread a new message goes to."""
    thread_id = ctx.params.int("message_thread_id")
    if thread_id <= 0:
        if replied is not None and record.chat.get("is_forum"):
            return replied.get("message_thread_id")
        return None
    if record.chat.get("is_forum"):
        if thread_id in record.topics:
            return thread_id
    elif record.type == "supergroup" and record.message(thread_id) is not None:
        return thread_id
    raise bad_request("message thread not found")
