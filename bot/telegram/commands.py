"""The command menus Telegram shows, per chat kind and language."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from aiogram.utils.i18n import I18n

from bot.core.people import SUPPORTED_LANGUAGES
from bot.telegram.i18n import N_

logger = logging.getLogger(__name__)

PRIVATE_COMMANDS = {
    "start": N_("What I do and how to start"),
    "email": N_("Set or show your email address"),
    "verify": N_("Confirm your email with the code"),
    "agreements": N_("Agreements you are a party to"),
    "terms": N_("The signing terms: what counts as your signature"),
    "archive": N_("Archive addresses of the chats you administer"),
    "unsubscribe": N_("Stop the emails"),
    "subscribe": N_("Get the emails again"),
    "help": N_("How to record an agreement"),
}
GROUP_COMMANDS = {
    "agree": N_("Reply to a message to record it as an agreement"),
    "agreements": N_("Agreements recorded in this chat"),
    "history": N_("Versions of an agreement: /history 3"),
    "email": N_("Set up your email (in a private chat)"),
    "terms": N_("The signing terms: what counts as your signature"),
    "archive": N_("The chat's archive address (administrators)"),
    "help": N_("How to record an agreement"),
}


async def register_commands(bot: Bot, i18n: I18n) -> None:
    """Menus for every supported language, plus the English default for all others.

    The menus are a convenience: Telegram failing to take them (an outage, a dropped
    connection) is logged and the bot starts all the same, with the menus it had."""
    try:
        await _set_menus(bot, i18n)
    except TelegramAPIError as exc:  # network errors and Telegram's 5xx included
        logger.warning("command menus not registered, the previous ones stay: %s", exc)


async def _set_menus(bot: Bot, i18n: I18n) -> None:
    for scope, commands in (
        (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
        (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
    ):
        for language in (None, *SUPPORTED_LANGUAGES):
            menu = [
                BotCommand(command=name, description=i18n.gettext(text, locale=language or "en"))
                for name, text in commands.items()
            ]
            await bot.set_my_commands(menu, scope=scope, language_code=language)
