"""setChatMenuButton and getChatMenuButton: the button beside a private chat's input field.

Checked as telegram-bot-api and TDLib check it (Client::get_bot_menu_button,
set_menu_button): the JSON, its type, a web_app button's text and its https URL.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from ..errors import bad_request
from ..links import LinkError, check_web_app_link
from .context import Context, Handler

DEFAULT = {"type": "default"}


def _menu_button(raw: str) -> dict[str, Any]:
    if not raw:
        return dict(DEFAULT)
    try:
        value = json.loads(raw)
    except ValueError:
        raise bad_request("can't parse menu button JSON object") from None
    if not isinstance(value, dict):
        raise _unparsable("MenuButton must be an Object")
    kind = value.get("type")
    if not isinstance(kind, str):
        raise _unparsable('Can\'t find field "type"')
    if kind in ("default", "commands"):
        return {"type": kind}
    if kind != "web_app":
        raise _unparsable("MenuButton has unsupported type")
    text = value.get("text")
    if not isinstance(text, str):
        raise _unparsable('Can\'t find field "text"')
    web_app = value.get("web_app")
    if not isinstance(web_app, dict):
        raise _unparsable('Can\'t find field "web_app"')
    url = web_app.get("url")
    if not isinstance(url, str):
        raise _unparsable('Can\'t find field "url"')
    if not text.strip():
        raise bad_request("menu button text can't be empty")
    try:
        url = check_web_app_link(url)
    except LinkError as error:
        raise bad_request(
            f"inline keyboard button web app URL '{url}' is invalid: {error}"
        ) from None
    return {"type": "web_app", "text": text, "web_app": {"url": url}}


def _unparsable(message: str) -> Exception:
    return bad_request(f"can't parse menu button: {message}")


def _user_key(ctx: Context) -> int | None:
    if not ctx.params.has("chat_id"):
        return None
    user_id = ctx.params.int("chat_id")
    if user_id <= 0 or ctx.state.users.get(user_id) is None:
        raise bad_request("chat not found")
    return user_id


async def set_chat_menu_button(ctx: Context) -> bool:
    button = _menu_button(ctx.params.str("menu_button"))
    ctx.state.menu_buttons[_user_key(ctx)] = button
    return True


async def get_chat_menu_button(ctx: Context) -> dict[str, Any]:
    key = _user_key(ctx)
    found = ctx.state.menu_buttons.get(key) or ctx.state.menu_buttons.get(None) or DEFAULT
    return copy.deepcopy(found)


METHODS: dict[str, Handler] = {
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
}
