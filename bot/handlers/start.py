"""/start and /help."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from bot.views import registration as texts


async def start_email(message: Message) -> None:
    """Arrived from the "register" link in a group."""
    await message.answer(texts.email_prompt())


async def start(message: Message, command: CommandObject) -> None:
    del command
    await message.answer(texts.welcome())


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(
        start_email,
        CommandStart(deep_link=True, magic=F.args == "email"),
        F.chat.type == "private",
    )
    router.message.register(start, CommandStart())
    router.message.register(start, Command("help"))
    return router
