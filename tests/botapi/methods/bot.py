"""getMe and the command menus (setMyCommands, getMyCommands, deleteMyCommands)."""

from __future__ import annotations

import copy
from typing import Any

from ..validation import check_language_code, parse_commands, parse_scope
from .chats_access import readable_chat
from .context import Context, Handler

ME_FLAGS = (
    "can_join_groups",
    "can_read_all_group_messages",
    "supports_inline_queries",
    "supports_guest_queries",
    "can_connect_to_business",
    "has_main_web_app",
    "has_topics_enabled",
    "allows_users_to_create_topics",
    "can_manage_bots",
)


async def get_me(ctx: Context) -> dict[str, Any]:
    me = {key: ctx.state.bot_user[key] for key in ("id", "is_bot", "first_name")}
    for key in ("last_name", "username"):
        if ctx.state.bot_user.get(key):
            me[key] = ctx.state.bot_user[key]
    for flag in ME_FLAGS:
        me[flag] = bool(ctx.state.bot_user.get(flag, False))
    me["can_read_all_group_messages"] = ctx.state.can_read_all_group_messages
    return me


def _scope_key(ctx: Context) -> tuple[tuple[Any, ...], str]:
    scope = parse_scope(ctx.params.str("scope"))
    language = ctx.params.str("language_code")
    check_language_code(language)
    key: tuple[Any, ...] = (scope["type"],)
    if "chat_id" in scope:
        key += (readable_chat(ctx.state, str(scope["chat_id"])).id,)
    if "user_id" in scope:
        key += (scope["user_id"],)
    return key, language


async def set_my_commands(ctx: Context) -> bool:
    commands = parse_commands(ctx.params.str("commands"))
    key = _scope_key(ctx)
    if commands:
        ctx.state.commands[key] = commands
    else:
        ctx.state.commands.pop(key, None)
    return True


async def get_my_commands(ctx: Context) -> list[dict[str, str]]:
    return copy.deepcopy(ctx.state.commands.get(_scope_key(ctx), []))


async def delete_my_commands(ctx: Context) -> bool:
    ctx.state.commands.pop(_scope_key(ctx), None)
    return True


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
}
