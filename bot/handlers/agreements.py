"""/agree and the "I agree" button."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, ReplyParameters
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.handlers.adapters import chat_from, mark_request_from, person_from
from bot.handlers.filters import GROUPS, PRIVATE
from bot.services.agreements import AgreementService, AgreementView, Outcome, Refusal
from bot.views import agreements as texts
from bot.views.callbacks import JoinAgreement

logger = logging.getLogger(__name__)


def _replied_message(message: Message) -> Message | None:
    target = message.reply_to_message
    # In forum topics every message "replies" to the topic's opening service message.
    if target is None or target.forum_topic_created is not None:
        return None
    return target


async def agree(
    message: Message,
    command: CommandObject,
    agreements: AgreementService,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
) -> None:
    target = _replied_message(message)
    if target is None:
        await message.reply(texts.agree_usage())
        return
    result = await agreements.mark(mark_request_from(message, target, command.args))
    if isinstance(result.outcome, Refusal) or result.agreement is None:
        await message.reply(texts.refusal_text(Refusal(result.outcome)))
        return
    agreement = result.agreement
    if result.outcome is Outcome.RECORDED:
        text = texts.agreement_card(agreement, (await bot.me()).username or "", settings.zone)
        if agreement.number == 1 and not await _sees_edits(bot, message.chat.id):
            text += "\n\n" + texts.edits_invisible_warning()
        card = await target.answer(
            text,
            reply_markup=texts.join_keyboard(agreement),
            reply_parameters=ReplyParameters(
                message_id=target.message_id, allow_sending_without_reply=True
            ),
        )
        await agreements.remember_answer(agreement.id, card.message_id)
        return
    await message.reply(texts.joined_notice(result.outcome, agreement))
    if result.outcome is Outcome.JOINED:
        await _refresh_card(bot, i18n, agreement, settings)


async def agree_in_private(message: Message) -> None:
    await message.answer(texts.refusal_text(Refusal.NOT_GROUP))


async def join(
    query: CallbackQuery,
    callback_data: JoinAgreement,
    agreements: AgreementService,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
) -> None:
    assert query.message is not None
    chat = chat_from(query.message.chat)
    result = await agreements.join(
        callback_data.agreement_id, chat.id, person_from(query.from_user)
    )
    if isinstance(result.outcome, Refusal) or result.agreement is None:
        await query.answer(texts.refusal_text(Refusal(result.outcome)), show_alert=True)
        return
    await query.answer(texts.joined_notice(result.outcome, result.agreement))
    if result.outcome is Outcome.JOINED:
        await _refresh_card(bot, i18n, result.agreement, settings)


async def _sees_edits(bot: Bot, chat_id: int) -> bool:
    """Telegram tells a bot about edits in a group only if it reads all messages there:
    privacy mode off, or an administrator."""
    if (await bot.me()).can_read_all_group_messages:
        return True
    try:
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramBadRequest as exc:
        logger.warning("could not check the bot's rights chat=%s: %s", chat_id, exc)
        return False
    return member.status in {"administrator", "creator"}


async def _refresh_card(
    bot: Bot, i18n: I18n, agreement: AgreementView, settings: Settings
) -> None:
    """Show the new party on the card, in the language the card was written in."""
    if agreement.answer_message_id is None:
        return
    username = (await bot.me()).username or ""
    with i18n.use_locale(agreement.answer_language):
        text = texts.agreement_card(agreement, username, settings.zone)
        keyboard = texts.join_keyboard(agreement)
    try:
        await bot.edit_message_text(
            text=text,
            chat_id=agreement.chat_id,
            message_id=agreement.answer_message_id,
            reply_markup=keyboard,
        )
    except TelegramBadRequest as exc:
        # The card may have been deleted by an admin; the record itself is unaffected.
        logger.warning(
            "could not update card chat=%s agreement=%s: %s", agreement.chat_id, agreement.id, exc
        )


def build_router() -> Router:
    router = Router(name="agreements")
    router.message.register(agree, Command("agree"), GROUPS, F.from_user)
    router.message.register(agree_in_private, Command("agree"), PRIVATE)
    router.callback_query.register(join, JoinAgreement.filter(), F.message)
    return router
