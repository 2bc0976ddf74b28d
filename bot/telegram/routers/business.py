"""Telegram Business: the owner's one-to-one chats with clients, through a connection."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import BusinessConnection, BusinessMessagesDeleted, Message, ReplyParameters
from aiogram.utils.i18n import I18n

from bot.agreements.invitations import InvitationService
from bot.agreements.marking import AgreementService, Outcome, Refusal
from bot.business.service import BusinessService, ConnectionChange
from bot.config import Settings
from bot.core.addresses import address_and_rest
from bot.core.people import BUSINESS, ChatInfo, language_for
from bot.db.models import BusinessConnection as StoredConnection
from bot.edits.service import EditedMessage, EditOutcome, EditService
from bot.telegram.adapters import (
    client_of,
    connection_from,
    mark_request_from,
    media_from,
    person_from,
    text_and_entities,
)
from bot.telegram.files import FileUnavailable, fetch_file
from bot.telegram.gatekeeper import Gatekeeper
from bot.telegram.views import agreements as agreement_texts
from bot.telegram.views import business as texts
from bot.telegram.views import edits as edit_texts
from bot.telegram.views import invitations as invite_texts

logger = logging.getLogger(__name__)


async def connection_changed(
    connection: BusinessConnection, business: BusinessService, bot: Bot, i18n: I18n
) -> None:
    info = connection_from(connection)
    change = await business.connection_changed(info)
    if change is ConnectionChange.UNCHANGED:
        return
    with i18n.use_locale(language_for(info.owner.language_code)):
        if change is ConnectionChange.CONNECTED:
            text = texts.connected(info.can_reply)
        elif change is ConnectionChange.DISCONNECTED:
            text = texts.disconnected()
        else:
            text = texts.rights_changed(info.can_reply)
    await bot.send_message(info.user_chat_id, text)


async def agree(
    message: Message,
    command: CommandObject,
    business: BusinessService,
    agreements: AgreementService,
    invitations: InvitationService,
    bot: Bot,
    settings: Settings,
    gatekeeper: Gatekeeper,
) -> None:
    connection = await _connection(business, bot, message.business_connection_id)
    owner = message.from_user
    if connection is None or owner is None or owner.id != connection.user_id:
        return  # a client's "/agree" is just their message: the bot speaks for the owner
    target = message.reply_to_message
    if target is None:
        await _answer(bot, message, connection, agreement_texts.agree_usage())
        return
    # /agree client@example.com: the client sees the address anyway (it is their chat);
    # it is invited once the message is marked, and never becomes the title.
    if address_and_rest(command.args)[0] is not None and not invitations.possible:
        await _answer(bot, message, connection, invite_texts.no_web_pages())
        return
    # The owner marks: the same limits as in groups, for the owner and for this chat.
    chat_limits_key = (owner.id, message.chat.id)
    denied = gatekeeper.within_limits(chat_limits_key, owner.id)
    if denied is not None:
        if not denied.told_before:
            await _answer(bot, message, connection, denied.text)
        return
    changed = False
    try:
        changed = await _mark(
            message, target, command, connection, business, agreements, invitations, bot, settings
        )
    finally:
        gatekeeper.settle(chat_limits_key, owner.id, changed=changed)


async def _mark(
    message: Message,
    target: Message,
    command: CommandObject,
    connection: StoredConnection,
    business: BusinessService,
    agreements: AgreementService,
    invitations: InvitationService,
    bot: Bot,
    settings: Settings,
) -> bool:
    """Mark and answer; whether an agreement was recorded or joined."""
    client = client_of(message.chat)
    address, title = address_and_rest(command.args)
    request = mark_request_from(message, target, title)
    known = await business.known_chat_key(connection.user_id, client)
    recorded = known is not None and await agreements.is_recorded(known, target.message_id)
    media = request.message.media
    if media is not None and not recorded:  # before anything is written
        over = await agreements.files_fit(known, request.marker.id, media.size)
        if over is not None:  # refused before the download
            await _answer(bot, message, connection, agreement_texts.refusal_text(over))
            return False
        try:
            request = replace(request, download=await fetch_file(bot, media))
        except FileUnavailable as exc:
            logger.warning("file not fetched business chat=%s: %s", message.chat.id, exc)
            await _answer(bot, message, connection, agreement_texts.file_unavailable())
            return False
    key = await business.chat_key(connection.user_id, client)
    chat = ChatInfo(id=key, type=BUSINESS, title=client.full_name)
    request = replace(request, chat=chat, counterpart=client)
    result = await agreements.mark(request)
    if isinstance(result.outcome, Refusal) or result.agreement is None:
        text = agreement_texts.refusal_text(Refusal(result.outcome))
    elif result.outcome is Outcome.RECORDED:
        username = (await bot.me()).username or ""
        text = agreement_texts.agreement_card(
            result.agreement, username, settings.zone, joinable=False
        )
    else:
        text = agreement_texts.joined_notice(result.outcome, result.agreement)
    if address is not None and result.agreement is not None:
        language = language_for(request.marker.language_code)
        invited = await invitations.invite(
            result.agreement.id, request.marker.id, address, language
        )
        text += "\n\n" + invite_texts.invitation_text(invited)
    sent = await _answer(bot, message, connection, text, reply_to=target)
    if result.outcome is Outcome.RECORDED and result.agreement is not None:
        await agreements.remember_answer(result.agreement.id, sent.message_id)
    return result.outcome in (Outcome.RECORDED, Outcome.JOINED)


async def edited(
    message: Message,
    business: BusinessService,
    edits: EditService,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
) -> None:
    connection = await _connection(business, bot, message.business_connection_id)
    if connection is None:
        return
    key = await business.chat_key(connection.user_id, client_of(message.chat))
    text, entities = text_and_entities(message)
    edit_date = datetime.fromtimestamp(message.edit_date or message.date.timestamp(), UTC)
    result = await edits.record(
        EditedMessage(
            chat_id=key,
            message_id=message.message_id,
            text=text,
            entities=entities,
            edit_date=edit_date,
            editor=person_from(message.from_user) if message.from_user else None,
            media=media_from(message),
        )
    )
    # One chat alert per burst of edits; the emails tell every edit.
    if result.outcome is not EditOutcome.NEW_ALERT or result.alert is None:
        return
    with i18n.use_locale(result.alert.language):
        body = edit_texts.edit_alert(result.alert, settings.zone, acceptable=False)
    await _answer(bot, message, connection, body, reply_to=message)


async def deleted(
    event: BusinessMessagesDeleted,
    business: BusinessService,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
) -> None:
    connection = await _connection(business, bot, event.business_connection_id)
    if connection is None:
        return
    key = await business.chat_key(connection.user_id, client_of(event.chat))
    for deletion in await business.record_deletions(key, event.message_ids):
        with i18n.use_locale(deletion.language):
            text = texts.deleted(deletion, settings.zone)
            to_owner = texts.in_chat_with(client_of(event.chat).full_name, text)
        if connection.can_reply:
            try:
                await bot.send_message(event.chat.id, text, business_connection_id=connection.id)
                continue
            except TelegramAPIError as exc:  # e.g. the client has not written for a day
                logger.warning("deletion notice refused in the chat, told the owner: %s", exc)
        await bot.send_message(connection.user_chat_id, to_owner)


async def _connection(
    business: BusinessService, bot: Bot, connection_id: str | None
) -> StoredConnection | None:
    """The stored connection; one made before the bot followed connections is asked for."""
    if not connection_id:
        return None
    stored = await business.connection(connection_id)
    if stored is None:
        try:
            fetched = await bot.get_business_connection(connection_id)
        except TelegramAPIError as exc:
            logger.warning("unknown business connection=%s: %s", connection_id, exc)
            return None
        await business.remember_connection(connection_from(fetched))
        stored = await business.connection(connection_id)
    return stored


async def _answer(
    bot: Bot,
    message: Message,
    connection: StoredConnection,
    text: str,
    *,
    reply_to: Message | None = None,
) -> Message:
    """In the business chat when the bot may reply there, else (or when Telegram refuses,
    say the client has not written for a day) to the owner privately."""
    if connection.can_reply:
        reply = None
        if reply_to is not None:
            reply = ReplyParameters(
                message_id=reply_to.message_id, allow_sending_without_reply=True
            )
        try:
            return await bot.send_message(
                message.chat.id,
                text,
                business_connection_id=message.business_connection_id,
                reply_parameters=reply,
            )
        except TelegramAPIError as exc:
            logger.warning("business chat answer refused, told the owner instead: %s", exc)
    return await bot.send_message(
        connection.user_chat_id, texts.in_chat_with(client_of(message.chat).full_name, text)
    )


def build_router() -> Router:
    router = Router(name="business")
    router.business_connection.register(connection_changed)
    router.business_message.register(agree, Command("agree"))
    router.edited_business_message.register(edited)
    router.deleted_business_messages.register(deleted)
    return router
