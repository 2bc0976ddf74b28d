"""/agreements: the chat's agreements, newest first, paged."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.handlers.filters import GROUPS
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
    bot: Bot,
) -> None:
    # An old list may be an InaccessibleMessage: it still has its chat and id.
    assert query.message is not None
    chat_id, message_id = query.message.chat.id, query.message.message_id
    page = await agreements.list_page(chat_id, callback_data.page, PAGE_SIZE)
    try:
        await bot.edit_message_text(
            text=texts.agreements_list(page, settings.zone),
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=texts.list_keyboard(page),
        )
    except TelegramBadRequest as exc:
        if "not modified" not in str(exc):
            raise
    finally:
        await query.answer()


def build_router() -> Router:
    router = Router(name="listing")
    router.message.register(list_agreements, Command("agreements"), GROUPS)
    router.message.register(list_in_private, Command("agreements"))
    router.callback_query.register(turn_page, AgreementsPage.filter(), F.message)
    return router
