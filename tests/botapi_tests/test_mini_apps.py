"""Mini App entry points as Telegram takes them: the private chats' menu button
(setChatMenuButton, getChatMenuButton) and web_app buttons, which open only over https and
only from a private chat."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)

from tests.botapi import BotAPIServer, Group, Person
from tests.botapi_tests.support import rejected

APP = "https://agreements.example.com/app"


def web_app_button(url: str) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text="Open", web_app=WebAppInfo(url=url))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


async def test_the_default_menu_button_opens_the_app_in_every_private_chat(
    bot: Bot, server: BotAPIServer, alice: Person
) -> None:
    alice.says_private("/start")
    assert server.menu_button() == {"type": "default"}
    button = MenuButtonWebApp(text="Agreements", web_app=WebAppInfo(url=APP))
    assert await bot.set_chat_menu_button(menu_button=button) is True
    expected = {"type": "web_app", "text": "Agreements", "web_app": {"url": APP}}
    assert server.menu_button() == expected
    assert server.menu_button(alice.id) == expected  # no button of her own: the default
    got = await bot.get_chat_menu_button(chat_id=alice.id)
    assert isinstance(got, MenuButtonWebApp) and (got.text, got.web_app.url) == ("Agreements", APP)

    await bot.set_chat_menu_button(chat_id=alice.id, menu_button=MenuButtonCommands())
    assert server.menu_button(alice.id) == {"type": "commands"}
    assert server.menu_button() == expected
    await bot.set_chat_menu_button(menu_button=MenuButtonDefault())
    assert server.menu_button() == {"type": "default"}


@pytest.mark.parametrize(
    ("menu_button", "description"),
    [
        ("[]", "can't parse menu button: MenuButton must be an Object"),
        ("{}", "can't parse menu button: Can't find field \"type\""),
        ('{"type":"shop"}', "can't parse menu button: MenuButton has unsupported type"),
        (
            '{"type":"web_app","text":"Go"}',
            "can't parse menu button: Can't find field \"web_app\"",
        ),
        (
            '{"type":"web_app","text":" ","web_app":{"url":"' + APP + '"}}',
            "menu button text can't be empty",
        ),
        (
            '{"type":"web_app","text":"Go","web_app":{"url":"http://agreements.example.com/app"}}',
            "inline keyboard button web app URL 'http://agreements.example.com/app' is invalid: "
            "Only HTTPS links are allowed",
        ),
        ("{not json", "can't parse menu button JSON object"),
    ],
)
async def test_a_bad_menu_button_is_refused_like_telegram(
    server: BotAPIServer, menu_button: str, description: str
) -> None:
    status, body = await _call(server, "setChatMenuButton", {"menu_button": menu_button})
    assert (status, body["description"]) == (400, f"Bad Request: {description}")
    assert server.menu_button() == {"type": "default"}


async def test_web_app_buttons_open_only_over_https_and_from_a_private_chat(
    bot: Bot, alice: Person, group: Group
) -> None:
    alice.says_private("/start")
    sent = await bot.send_message(alice.id, "Review", reply_markup=web_app_button(APP))
    assert sent.reply_markup is not None
    web_app = sent.reply_markup.inline_keyboard[0][0].web_app
    assert web_app is not None and web_app.url == APP
    # Plain http only on this machine, as in Telegram's test environment.
    local = "http://127.0.0.1:8081/app"
    await bot.send_message(alice.id, "Local", reply_markup=web_app_button(local))
    plain = "http://agreements.example.com/app"
    description = await rejected(
        bot.send_message(alice.id, "x", reply_markup=web_app_button(plain)), TelegramBadRequest
    )
    assert description == (
        f"Bad Request: inline keyboard button Web App URL '{plain}' is invalid: "
        "Only HTTPS links are allowed"
    )
    alice.says(group, "hello")
    description = await rejected(
        bot.send_message(group.id, "x", reply_markup=web_app_button(APP)), TelegramBadRequest
    )
    assert description == "Bad Request: BUTTON_TYPE_INVALID"


async def _call(server: BotAPIServer, method: str, data: dict[str, str]) -> tuple[int, dict]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.base_url}/bot{server.token}/{method}", data=data) as response,
    ):
        return response.status, await response.json()
