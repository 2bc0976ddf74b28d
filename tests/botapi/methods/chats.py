"""getChat, getChatMember, getChatAdministrators, sendChatAction and leaveChat."""

from __future__ import annotations

from typing import Any

from ..errors import bad_request
from ..objects import chat_member_json, full_chat_info, user_json
from ..state import GROUP_TYPES, ChatRecord
from .business import business_chat
from .chats_access import readable_chat, writable_chat
from .context import Context, Handler

CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice"}
    | {"upload_document", "choose_sticker", "find_location", "record_video_note"}
    | {"upload_video_note"}
)


async def get_chat(ctx: Context) -> dict[str, Any]:
    return full_chat_info(readable_chat(ctx.state, ctx.params.str("chat_id")).chat)


def _member(ctx: Context, record: ChatRecord, user_id: int) -> dict[str, Any]:
    user = ctx.state.user(user_id)
    if user is None:
        raise bad_request("user not found")
    if user_id == ctx.state.bot_id:
        return chat_member_json(user, record.bot_status, record.bot_rights)
    if record.type == "private":
        status = "member" if user_id == record.id else "left"
        return chat_member_json(user, status)
    status = record.members.get(user_id, "left")
    return chat_member_json(user, status, record.rights.get(user_id))


async def get_chat_member(ctx: Context) -> dict[str, Any]:
    record = readable_chat(ctx.state, ctx.params.str("chat_id"))
    user_id = ctx.params.int("user_id")
    if user_id <= 0:
        raise bad_request("invalid user_id specified")
    return _member(ctx, record, user_id)


async def get_chat_administrators(ctx: Context) -> list[dict[str, Any]]:
    record = readable_chat(ctx.state, ctx.params.str("chat_id"))
    if record.type == "private":
        raise bad_request("there are no administrators in the private chat")
    admins = [u for u, s in record.members.items() if s in ("creator", "administrator")]
    if ctx.state.bot_is_admin(record):
        admins.append(ctx.state.bot_id)
    return [_member(ctx, record, user_id) for user_id in admins]


async def send_chat_action(ctx: Context) -> bool:
    if ctx.params.str("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    if business_chat(ctx) is None:
        writable_chat(ctx.state, ctx.params.str("chat_id"))
    return True


async def leave_chat(ctx: Context) -> bool:
    record = readable_chat(ctx.state, ctx.params.str("chat_id"))
    if record.type not in GROUP_TYPES and record.type != "channel":
        raise bad_request("chat member status can't be changed in private chats")
    if record.bot_status in ("left", "kicked"):
        kind = "supergroup" if record.type == "supergroup" else "group"
        raise bad_request(f"bot is not a member of the {kind} chat")
    old = chat_member_json(ctx.state.bot_user, record.bot_status, record.bot_rights)
    record.bot_status = "left"
    # Telegram tells the bot about its own departure
    ctx.updates.push(
        {
            "my_chat_member": {
                "chat": record.chat,
                "from": user_json(ctx.state.bot_user),
                "date": ctx.now(),
                "old_chat_member": old,
                "new_chat_member": chat_member_json(ctx.state.bot_user, "left"),
            }
        }
    )
    return True


METHODS: dict[str, Handler] = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "sendChatAction": send_chat_action,
    "leaveChat": leave_chat,
}
