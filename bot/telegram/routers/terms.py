"""/terms, in any chat, and "I accept" under them in a private chat."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.core.people import PRIVATE_CHAT, SUPPORTED_LANGUAGES
from bot.registration.terms_acceptance import TermsAnswer, TermsService
from bot.telegram.adapters import person_from
from bot.telegram.views import terms as texts
from bot.telegram.views.callbacks import AcceptTerms
from bot.terms.texts import current_terms


async def show_terms(
    message: Message, command: CommandObject, terms: TermsService, i18n: I18n, settings: Settings
) -> None:
    """In the person's language, or the one named (``/terms ru``); "I accept" for a
    person in a private chat whose address is bound and who hasn't accepted them."""
    asked = (command.args or "").strip().lower()
    language = asked if asked in SUPPORTED_LANGUAGES else i18n.current_locale
    may_accept = False
    if message.chat.type == PRIVATE_CHAT and message.from_user is not None:
        may_accept = (await terms.standing(message.from_user.id)).may_accept
    text, keyboard = texts.terms_message(
        current_terms(language), settings.web_base, may_accept=may_accept
    )
    await message.answer(text, reply_markup=keyboard)


async def accept_terms(
    query: CallbackQuery, callback_data: AcceptTerms, terms: TermsService
) -> None:
    assert query.message is not None
    answer = await terms.accept(
        person_from(query.from_user), callback_data.version, callback_data.language
    )
    if answer is not TermsAnswer.ACCEPTED:
        await query.answer(texts.refusal(answer), show_alert=True)
        return
    await query.answer()
    await query.message.answer(texts.accepted(current_terms(callback_data.language)))


def build_router() -> Router:
    router = Router(name="terms")
    router.message.register(show_terms, Command("terms"))
    router.callback_query.register(
        accept_terms, AcceptTerms.filter(), F.message.chat.type == PRIVATE_CHAT
    )
    return router
