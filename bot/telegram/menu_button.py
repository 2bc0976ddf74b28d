"""The menu button of private chats with the bot: it opens the Mini App.

Telegram keeps one default menu button for every private chat, in one language
(setChatMenuButton has no language_code): English, like the commands' default menu.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import MenuButtonWebApp, WebAppInfo
from aiogram.utils.i18n import I18n

from bot.telegram.i18n import N_

logger = logging.getLogger(__name__)

MENU_BUTTON_TEXT = N_("Agreements")


def mini_app_url(web_base: str) -> str:
    return f"{web_base}/app"


async def register_menu_button(bot: Bot, i18n: I18n, web_base: str) -> None:
    """A convenience, like the command menus: Telegram failing to take it is logged and
    the bot starts all the same."""
    button = MenuButtonWebApp(
        text=i18n.gettext(MENU_BUTTON_TEXT, locale="en"),
        web_app=WebAppInfo(url=mini_app_url(web_base)),
    )
    try:
        await bot.set_chat_menu_button(menu_button=button)
    except TelegramAPIError as exc:
        logger.warning("the menu button was not set, the previous one stays: %s", exc)
