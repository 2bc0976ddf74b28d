"""The agreement card: the bot's answer under a marked message, kept up to date."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, ReplyParameters
from aiogram.utils.i18n import I18n

from bot.services.agreement_views import AgreementView
from bot.views import agreements as texts

logger = logging.getLogger(__name__)


async def post_card(bot: Bot, agreement: AgreementView, zone: ZoneInfo) -> int:
    """Reply to the marked message (in its topic) with the card, in the current locale;
    its message id."""
    text = texts.agreement_card(agreement, (await bot.me()).username or "", zone)
    if agreement.number == 1 and not await sees_edits(bot, agreement.chat_id):
        text += "\n\n" + texts.edits_invisible_warning()
    card = await bot.send_message(
        chat_id=agreement.chat_id,
        text=text,
        message_thread_id=agreement.thread_id,
        reply_markup=texts.join_keyboard(agreement),
        reply_parameters=ReplyParameters(
            message_id=agreement.message_id, allow_sending_without_reply=True
        ),
    )
    return card.message_id


async def sees_edits(bot: Bot, chat_id: int) -> bool:
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


async def refresh_card(bot: Bot, i18n: I18n, agreement: AgreementView, zone: ZoneInfo) -> None:
    """Show the new party on the card, in the language the card was written in."""
    if agreement.answer_message_id is None:
        return
    username = (await bot.me()).username or ""
    with i18n.use_locale(agreement.answer_language):
        text = texts.agreement_card(agreement, username, zone)
        keyboard = texts.join_keyboard(agreement)
    await update_bot_message(
        bot, agreement.chat_id, agreement.answer_message_id, text, keyboard, "card"
    )


async def update_bot_message(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup,
    what: str,
) -> None:
    """Edit one of the bot's own messages. An admin may have deleted it; the records are
    unaffected, so that is logged, not raised."""
    try:
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=keyboard
        )
    except TelegramBadRequest as exc:
        logger.warning(
            "could not update %s chat=%s message=%s: %s", what, chat_id, message_id, exc
        )
