"""/email and /verify: binding a verified address to the Telegram account."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.config import Settings
from bot.registration.service import RegistrationService
from bot.telegram.adapters import person_from
from bot.telegram.routers.filters import NOT_PRIVATE
from bot.telegram.views import registration as texts


async def in_group(message: Message, bot: Bot) -> None:
    text, keyboard = texts.go_private((await bot.me()).username or "")
    await message.reply(text, reply_markup=keyboard)


async def email(
    message: Message, command: CommandObject, registration: RegistrationService, settings: Settings
) -> None:
    assert message.from_user is not None
    if not command.args:
        status = await registration.status(message.from_user.id)
        await message.answer(texts.email_status(status, settings.zone))
        return
    result = await registration.request_code(person_from(message.from_user), command.args)
    await message.answer(texts.code_request(result, settings.zone))


async def verify(
    message: Message, command: CommandObject, registration: RegistrationService
) -> None:
    assert message.from_user is not None
    result = await registration.verify(person_from(message.from_user), command.args or "")
    await message.answer(texts.verification(result))


def build_router() -> Router:
    router = Router(name="registration")
    router.message.register(in_group, Command("email", "verify"), NOT_PRIVATE)
    router.message.register(email, Command("email"), F.from_user)
    router.message.register(verify, Command("verify"), F.from_user)
    return router
