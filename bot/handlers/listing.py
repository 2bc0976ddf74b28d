"""/agreements: the chat's agreements, newest first, paged."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.services.agreements import AgreementService
from bot.views import agreements as texts
from bot.views.callbacks import AgreementsPage

PAGE_SIZE = 5


async def list_agreements(
    message: Message, agreements: AgreementService, settings: Settings
) -> None:
    page = await agreements.list_page(message.chat.id, 0, PAGE_SIZE)
    await message.answer(
        texts.agreements_list(page, settings.zone), reply_markup=texts.list_keyboard(page)
    )


async def list_in_private(message: Message) -> None:
    await message.answer(texts.refusal_text_for_private_list())


async def turn_page(
    query: CallbackQuery,
    callback_data: AgreementsPage,
    agreements: AgreementService,
    settings: Settings,
) -> None:
    assert query.message is not None
    page = await agreements.list_page(query.message.chat.id, callback_data.page, PAGE_SIZE)
    try:
        await query.message.edit_text(  # type: ignore[union-attr]
            texts.agreements_list(page, settings.zone), reply_markup=texts.list_keyboard(page)
        )
    except TelegramBadRequest as exc:
        if "not modified" not in str(exc):
            raise
    await query.answer()


def build_router() -> Router:
    router = Router(name="listing")
    router.message.register(
        list_agreements, Command("agreements"), F.chat.type.in_({"group", "supergroup"})
    )
    router.message.register(list_in_private, Command("agreements"))
    router.callback_query.register(turn_page, AgreementsPage.filter(), F.message)
    return router
