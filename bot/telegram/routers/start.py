"""/start and /help."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.config import Settings
from bot.telegram.routers.filters import GROUPS, PRIVATE
from bot.telegram.views import registration as texts


async def start_email(message: Message) -> None:
    """Arrived from the "register" link in a group."""
    await message.answer(texts.email_prompt())


async def start(message: Message) -> None:
    await message.answer(texts.welcome())


async def start_in_group(message: Message, bot: Bot) -> None:
    """How it works here; addresses are set up in private, never posted in the group."""
    text, keyboard = texts.group_welcome((await bot.me()).username or "")
    await message.answer(text, reply_markup=keyboard)


def _marking_reaction(settings: Settings) -> str | None:
    # Reactions mark only with the journal on (the routers take them only then).
    return settings.agree_reaction if settings.journal else None


async def help_in_group(message: Message, bot: Bot, settings: Settings) -> None:
    """Every command; the private ones with a button to the private chat."""
    text = texts.help_text(_marking_reaction(settings), private=False)
    keyboard = texts.email_keyboard((await bot.me()).username or "")
    await message.answer(text, reply_markup=keyboard)


async def help_in_private(message: Message, settings: Settings) -> None:
    await message.answer(texts.help_text(_marking_reaction(settings), private=True))


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(
        start_email, CommandStart(deep_link=True, magic=F.args == "email"), PRIVATE
    )
    router.message.register(help_in_group, Command("help"), GROUPS)
    router.message.register(start_in_group, Command("start"), GROUPS)
    router.message.register(start, CommandStart())
    router.message.register(help_in_private, Command("help"))
    return router
