"""Checks of reply markup, bot commands and their scopes, worded like Telegram's errors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from .errors import ApiError, bad_request
from .links import LinkError, check_link, check_web_app_link, link_user_id

MAX_CALLBACK_DATA_BYTES = 64
MAX_ROW_BUTTONS = 12  # TDLib silently cuts longer rows
MAX_INLINE_BUTTONS = 100  # beyond this Telegram answers REPLY_MARKUP_TOO_LONG
COMMAND_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
    | {"chat", "chat_administrators", "chat_member"}
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# fields whose presence decides the button kind, in the Bot API's order of precedence
_INLINE_KINDS = (
    "url",
    "callback_data",
    "callback_game",
    "pay",
    "switch_inline_query",
    "switch_inline_query_chosen_chat",
    "switch_inline_query_current_chat",
    "login_url",
    "web_app",
    "copy_text",
)


def _button_error(message: str) -> ApiError:
    return bad_request(f"can't parse inline keyboard button: {message}")


def _text_of(button: dict[str, Any], error: Callable[[str], ApiError]) -> str:
    if "text" not in button:
        raise error('Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise error('Field "text" must be of type String')
    return button["text"]


def _checked_url(url: str, what: str) -> str:
    if link_user_id(url):
        return url
    try:
        return check_link(url)
    except LinkError as error:
        raise bad_request(f"{what} URL '{url}' is invalid: {error}") from None


def _checked_web_app_url(url: str) -> str:
    try:
        return check_web_app_link(url)
    except LinkError as error:
        raise bad_request(
            f"inline keyboard button Web App URL '{url}' is invalid: {error}"
        ) from None


def _inline_button(button: Any) -> dict[str, Any] | None:
    """The button as the sent message will show it, or None if Telegram drops it."""
    if not isinstance(button, dict):
        raise _button_error("InlineKeyboardButton must be an Object")
    text = _text_of(button, _button_error)
    kind = next((k for k in _INLINE_KINDS if _present(button, k)), None)
    if kind is None:
        raise _button_error("Text buttons are unallowed in the inline keyboard")
    if not text:
        return None  # TDLib skips buttons without text
    value = button[kind]
    if kind in ("url", "callback_data") and not isinstance(value, str):
        raise _button_error(f'Field "{kind}" must be of type String')
    if kind == "url":
        value = _checked_url(value, "inline keyboard button")
    elif kind == "callback_data" and len(value.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")
    elif kind in ("login_url", "web_app"):
        if not isinstance(value, dict) or not isinstance(value.get("url"), str):
            raise _button_error(f'Field "{kind}" must be of type Object with a "url" String')
        if kind == "web_app":
            value = {**value, "url": _checked_web_app_url(value["url"])}
        else:
            value = {**value, "url": _checked_url(value["url"], "inline keyboard button login")}
    return {"text": text, kind: value}


def _present(button: dict[str, Any], kind: str) -> bool:
    # empty url/callback_data count as absent, exactly like the Bot API reads them
    if kind in ("url", "callback_data"):
        return bool(button.get(kind))
    return kind in button


def _inline_keyboard(rows: Any) -> dict[str, Any] | None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    result = []
    for row in rows:
        buttons = [b for b in (_inline_button(button) for button in row) if b is not None]
        if buttons:
            result.append(buttons[:MAX_ROW_BUTTONS])
    if sum(len(row) for row in result) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    return {"inline_keyboard": result} if result else None


def _reply_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" must be an Array of Arrays')
    for row in rows:
        for button in row:
            if isinstance(button, str):
                continue
            if not isinstance(button, dict):
                raise bad_request(
                    "can't parse keyboard button: KeyboardButton must be a String or an Object"
                )
            _text_of(button, lambda m: bad_request(f"can't parse keyboard button: {m}"))


def parse_reply_markup(raw: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Validates ``reply_markup``; returns (markup as sent, inline markup the message shows)."""
    if not raw:
        return None, None
    try:
        value = json.loads(raw)
    except ValueError:
        raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(value, dict):
        raise bad_request("object expected as reply markup")
    if "keyboard" in value:
        _reply_keyboard(value["keyboard"])
    if "inline_keyboard" in value and "keyboard" not in value:
        return value, _inline_keyboard(value["inline_keyboard"])
    if "inline_keyboard" in value:
        _inline_keyboard(value["inline_keyboard"])
    return value, None


def check_buttons_allowed(inline_markup: dict[str, Any] | None, *, private: bool) -> None:
    """web_app buttons open a Mini App only from a private chat with the bot; elsewhere
    Telegram refuses the message."""
    rows = (inline_markup or {}).get("inline_keyboard", [])
    if not private and any("web_app" in button for row in rows for button in row):
        raise bad_request("BUTTON_TYPE_INVALID")


def parse_commands(raw: str) -> list[dict[str, str]]:
    """setMyCommands' list, normalised the way Telegram stores it."""
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        raise bad_request("can't parse commands JSON object") from None
    if not isinstance(value, list):
        raise bad_request("expected an Array of BotCommand")
    commands = []
    for item in value:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand: expected an Object")
        for field in ("command", "description"):
            if field not in item:
                raise bad_request(f"can't parse BotCommand: Can't find field \"{field}\"")
            if not isinstance(item[field], str):
                raise bad_request(
                    f'can\'t parse BotCommand: Field "{field}" must be of type String'
                )
        commands.append(_command(item["command"], item["description"]))
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    return commands


def _command(command: str, description: str) -> dict[str, str]:
    command = command.strip().removeprefix("/")
    description = description.strip()
    if not command:
        raise bad_request("command must be non-empty")
    if len(command) > 32:
        raise bad_request("command length must not exceed 32")
    if not _COMMAND.fullmatch(command):
        raise bad_request("BOT_COMMAND_INVALID")
    if not description:
        raise bad_request("command description must be non-empty")
    if len(description) > 256:
        raise bad_request("command description length must not exceed 256")
    return {"command": command, "description": description}


def parse_scope(raw: str) -> dict[str, Any]:
    """BotCommandScope; chat ids stay strings here and are resolved by the caller."""
    if not raw:
        return {"type": "default"}
    try:
        value = json.loads(raw)
    except ValueError:
        raise bad_request("can't parse BotCommandScope JSON object") from None
    if not isinstance(value, dict):
        raise bad_request("can't parse BotCommandScope: BotCommandScope must be an Object")
    kind = value.get("type")
    if not isinstance(kind, str):
        raise bad_request("can't parse BotCommandScope: Can't find field \"type\"")
    if kind not in COMMAND_SCOPES:
        raise bad_request("can't parse BotCommandScope: Unsupported type specified")
    if kind not in ("chat", "chat_administrators", "chat_member"):
        return {"type": kind}
    chat_id = value.get("chat_id")
    if chat_id is None or chat_id == "":
        raise bad_request("can't parse BotCommandScope: Empty chat_id specified")
    scope: dict[str, Any] = {"type": kind, "chat_id": chat_id}
    if kind == "chat_member":
        user_id = value.get("user_id")
        if not isinstance(user_id, int) or user_id <= 0:
            raise bad_request("can't parse BotCommandScope: Invalid user_id specified")
        scope["user_id"] = user_id
    return scope


def check_language_code(code: str) -> None:
    if code and not re.fullmatch(r"[a-z]{2}", code):
        raise bad_request("invalid language code specified")
