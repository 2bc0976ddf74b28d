"""Edits of agreed messages: the chat alert, "Show changes" and "Accept new version"."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message, ReplyParameters
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.edits.amendments import Acceptation, AmendmentService
from bot.edits.service import EditedMessage, EditOutcome, EditService
from bot.telegram.adapters import media_from, person_from, text_and_entities
from bot.telegram.cards import update_bot_message
from bot.telegram.routers.filters import GROUPS
from bot.telegram.views import edits as texts
from bot.telegram.views.callbacks import AcceptVersion, ShowChanges


async def edited(
    message: Message, edits: EditService, bot: Bot, i18n: I18n, settings: Settings
) -> None:
    text, entities = text_and_entities(message)
    edit_date = datetime.fromtimestamp(message.edit_date or message.date.timestamp(), UTC)
    result = await edits.record(
        EditedMessage(
            chat_id=message.chat.id,
            message_id=message.message_id,
            text=text,
            entities=entities,
            edit_date=edit_date,
            editor=person_from(message.from_user) if message.from_user else None,
            media=media_from(message),
        )
    )
    alert = result.alert
    if alert is None:
        return
    with i18n.use_locale(alert.language):  # the alert speaks the agreement card's language
        body = texts.edit_alert(alert, settings.zone)
        keyboard = texts.edit_alert_keyboard(alert)
    if result.outcome is EditOutcome.NEW_ALERT or alert.chat_message_id is None:
        sent = await message.answer(
            body,
            reply_markup=keyboard,
            reply_parameters=ReplyParameters(
                message_id=message.message_id, allow_sending_without_reply=True
            ),
        )
        await edits.remember_alert_message(alert.id, sent.message_id)
        return
    await update_bot_message(bot, alert.chat_id, alert.chat_message_id, body, keyboard, "alert")


async def show_changes(
    query: CallbackQuery, callback_data: ShowChanges, edits: EditService
) -> None:
    assert query.message is not None
    found = await edits.changes(callback_data.agreement_id, query.message.chat.id)
    if found is None:
        await query.answer()
        return
    number, diff = found
    short = texts.changes_short(diff)
    if short is not None:
        await query.answer(short, show_alert=True)
        return
    await query.answer()
    await query.message.answer(
        texts.changes_message(number, diff),
        reply_parameters=ReplyParameters(
            message_id=query.message.message_id, allow_sending_without_reply=True
        ),
    )


async def accept_version(
    query: CallbackQuery, callback_data: AcceptVersion, amendments: AmendmentService, i18n: I18n
) -> None:
    assert query.message is not None
    result = await amendments.accept(
        callback_data.version_id, query.message.chat.id, person_from(query.from_user)
    )
    await query.answer(
        texts.acceptance(result), show_alert=result.outcome is not Acceptation.ACCEPTED
    )
    if result.outcome is Acceptation.AMENDED:
        with i18n.use_locale(result.language):
            notice = texts.amendment_recorded(result)
        await query.message.answer(notice)


def build_router() -> Router:
    router = Router(name="edits")
    router.edited_message.register(edited, GROUPS)
    router.callback_query.register(show_changes, ShowChanges.filter(), F.message)
    router.callback_query.register(accept_version, AcceptVersion.filter(), F.message)
    return router
