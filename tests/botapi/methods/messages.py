"""sendMessage, editMessageText, editMessageReplyMarkup and deleteMessage."""

from __future__ import annotations

import copy
from typing import Any

from ..errors import bad_request
from ..formatted_text import entities_json
from ..html_entities import ParsedText
from ..objects import message_json, user_json
from ..state import ChatRecord
from ..validation import check_buttons_allowed, parse_reply_markup
from .business import BusinessTarget, business_chat
from .chats_access import writable_chat
from .context import Context, Handler
from .message_input import final_text, read_reply, read_text, resolve_reply, resolve_thread

LINK_TYPES = frozenset({"url", "text_link"})
DROPPED_ON_TEXT_EDIT = frozenset({"entities", "reply_markup", "link_preview_options"})


def _text_body(ctx: Context, final: ParsedText) -> dict[str, Any]:
    body: dict[str, Any] = {"text": final.text}
    if final.entities:
        body["entities"] = entities_json(final.entities, lambda uid: _user(ctx, uid))
    options = ctx.params.json("link_preview_options", "link preview options")
    if options and any(e.type in LINK_TYPES for e in final.entities):
        body["link_preview_options"] = options
    return body


def _user(ctx: Context, user_id: int) -> dict[str, Any]:
    return user_json(ctx.state.user(user_id) or {"id": user_id})


def _store_bot_message(ctx: Context, record: ChatRecord, message: dict[str, Any]) -> None:
    record.store(message)
    if message["message_id"] not in record.bot_sent:
        record.bot_sent.append(message["message_id"])
    ctx.notifier.changed()


async def send_message(ctx: Context) -> dict[str, Any]:
    parsed = read_text(ctx)
    _, inline_markup = parse_reply_markup(ctx.params.str("reply_markup"))
    reply = read_reply(ctx)
    business = business_chat(ctx)
    record = business.record if business else writable_chat(ctx.state, ctx.params.str("chat_id"))
    check_buttons_allowed(inline_markup, private=record.type == "private" and not business)
    replied = resolve_reply(ctx, record, reply)
    thread_id = None if business else resolve_thread(ctx, record, replied)
    final = final_text(ctx, parsed)
    if replied is None and thread_id is not None:
        replied = record.topics.get(thread_id)  # topic messages answer the topic's root
    body = _text_body(ctx, final)
    if ctx.params.bool("protect_content"):
        body["has_protected_content"] = True
    if inline_markup is not None:
        body["reply_markup"] = inline_markup
    message = message_json(
        message_id=record.allocate_message_id(),
        chat=record.chat,
        date=ctx.now(),
        sender=business.owner if business else ctx.state.bot_user,
        business_connection_id=business.connection.id if business else None,
        sender_business_bot=ctx.state.bot_user,
        thread_id=thread_id,
        reply_to=replied,
        body=body,
    )
    _store_bot_message(ctx, record, message)
    return copy.deepcopy(message)


def _editable(ctx: Context) -> tuple[ChatRecord, dict[str, Any]]:
    chat_id, message_id = ctx.params.str("chat_id"), max(ctx.params.int("message_id"), 0)
    if not chat_id and message_id == 0:
        if not ctx.params.str("inline_message_id"):
            raise bad_request("message identifier is not specified")
        raise bad_request("MESSAGE_ID_INVALID")  # the fake sends no inline messages
    business = business_chat(ctx)
    record = business.record if business else writable_chat(ctx.state, chat_id)
    message = record.message(message_id) if message_id > 0 else None
    if message is None:
        raise bad_request("message to edit not found")
    if message.get("from", {}).get("id") != _author_id(ctx, business):
        raise bad_request("message can't be edited")
    check_buttons_allowed(
        parse_reply_markup(ctx.params.str("reply_markup"))[1],
        private=record.type == "private" and not business,
    )
    return record, message


def _author_id(ctx: Context, business: BusinessTarget | None) -> int:
    """Whose messages the bot may edit: its own, or for a business account the owner's."""
    return business.connection.owner_id if business else ctx.state.bot_id


def _not_modified() -> Exception:
    return bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


async def edit_message_text(ctx: Context) -> dict[str, Any]:
    parsed = read_text(ctx)
    _, inline_markup = parse_reply_markup(ctx.params.str("reply_markup"))
    record, message = _editable(ctx)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    body = _text_body(ctx, final_text(ctx, parsed))
    same_text = (body["text"], body.get("entities")) == (message["text"], message.get("entities"))
    if same_text and inline_markup == message.get("reply_markup"):
        raise _not_modified()
    edited = {k: v for k, v in message.items() if k not in DROPPED_ON_TEXT_EDIT}
    edited.update(body)
    if inline_markup is not None:
        edited["reply_markup"] = inline_markup  # without it Telegram removes the keyboard
    edited["edit_date"] = ctx.now()
    _store_bot_message(ctx, record, edited)
    return copy.deepcopy(edited)


async def edit_message_reply_markup(ctx: Context) -> dict[str, Any]:
    markup, inline_markup = parse_reply_markup(ctx.params.str("reply_markup"))
    if markup is not None and inline_markup is None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    record, message = _editable(ctx)
    if inline_markup == message.get("reply_markup"):
        raise _not_modified()
    edited = {k: v for k, v in message.items() if k != "reply_markup"}
    if inline_markup is not None:
        edited["reply_markup"] = inline_markup
    edited["edit_date"] = ctx.now()
    _store_bot_message(ctx, record, edited)
    return copy.deepcopy(edited)


async def delete_message(ctx: Context) -> bool:
    record = writable_chat(ctx.state, ctx.params.str("chat_id"))
    message_id = ctx.params.int("message_id")
    message = record.message(message_id) if message_id > 0 else None
    if message is None:
        raise bad_request("message to delete not found")
    own = message.get("from", {}).get("id") == ctx.state.bot_id
    can_delete = record.bot_rights.get("can_delete_messages", True)
    if not (own or record.type == "private" or (ctx.state.bot_is_admin(record) and can_delete)):
        raise bad_request("message can't be deleted")
    record.deleted.add(message_id)
    ctx.notifier.changed()
    return True


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
}
