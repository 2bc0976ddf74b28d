"""/agree and the "I agree" button."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, ReplyParameters
from aiogram.utils.i18n import I18n

from bot.agreements.invitations import InvitationService
from bot.agreements.marking import AgreementService, MarkRequest, MarkResult, Outcome, Refusal
from bot.core.addresses import address_and_rest
from bot.core.people import GROUP_TYPES, language_for
from bot.journal.journal import Journal
from bot.telegram.adapters import chat_from, mark_request_from, person_from
from bot.telegram.cards import CardPoster
from bot.telegram.files import FileUnavailable, fetch_file
from bot.telegram.gatekeeper import Gatekeeper
from bot.telegram.hiding import delete_command
from bot.telegram.routers.filters import GROUPS, PRIVATE
from bot.telegram.views import agreements as texts
from bot.telegram.views import invitations as invite_texts
from bot.telegram.views.callbacks import JoinAgreement

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
    invitations: InvitationService,
    journal: Journal,
    cards: CardPoster,
    bot: Bot,
    i18n: I18n,
    gatekeeper: Gatekeeper,
) -> None:
    """``/agree``, ``/agree Title``, or ``/agree client@example.com [Title]``: the address is
    invited by email once the message is marked (bot/agreements/invitations.py)."""
    target = _replied_message(message)
    address, title = address_and_rest(command.args)
    # Every member sees a typed address: it goes first, before anything can fail.
    deleted = address is not None and await delete_command(bot, message)
    reply = _replier(message, target, deleted)
    privacy = invite_texts.command_deleted() if deleted else invite_texts.command_visible()
    if target is None:
        await reply(texts.agree_usage() + ("\n\n" + privacy if address else ""))
        return
    if address is not None and not invitations.possible:
        await reply(invite_texts.no_web_pages() + "\n\n" + privacy)  # adds nothing
        return
    request = mark_request_from(message, target, title)
    if request.marker.is_bot:  # an anonymous admin is told why by the service
        await _mark(reply, target, request, agreements, journal, cards, bot, i18n)
        return
    denied = await gatekeeper.admit(bot, message.chat.id, request.marker.id)
    if denied is not None:
        if not denied.told_before or address is not None:
            await reply(denied.text + ("\n\n" + privacy if address else ""))
        return
    changed = False
    try:
        result = await _mark(reply, target, request, agreements, journal, cards, bot, i18n)
        changed = result is not None and result.outcome in (Outcome.RECORDED, Outcome.JOINED)
        if address is None:
            return
        if result is None or result.agreement is None:
            await reply(privacy)  # the refusal was told; nobody is invited
            return
        language = language_for(request.marker.language_code)
        invited = await invitations.invite(
            result.agreement.id, request.marker.id, address, language
        )
        await reply(invite_texts.invitation_text(invited) + "\n\n" + privacy)
    finally:
        gatekeeper.settle(message.chat.id, request.marker.id, changed=changed)


Reply = Callable[[str], Awaitable[object]]


def _replier(message: Message, target: Message | None, deleted: bool) -> Reply:
    """Answers under the command; once it is deleted, under the message it replied to."""
    if not deleted:
        return message.reply
    if target is None:
        return message.answer
    under_target = ReplyParameters(message_id=target.message_id, allow_sending_without_reply=True)
    return partial(message.answer, reply_parameters=under_target)


async def _mark(
    reply: Reply,
    target: Message,
    request: MarkRequest,
    agreements: AgreementService,
    journal: Journal,
    cards: CardPoster,
    bot: Bot,
    i18n: I18n,
) -> MarkResult | None:
    """Mark and answer; what marking did (None: refused before, the file unavailable or
    over budget). A refusal's agreement is None."""
    if request.message.edit_date is not None:
        # The email shows how an edited message read before, from the journal; otherwise
        # what was noted waits for the batch's own flush (no transaction of its own here).
        await journal.flush()
    media = request.message.media
    if media is not None and not await agreements.is_recorded(request.chat.id, target.message_id):
        over = await agreements.files_fit(request.chat.id, request.marker.id, media.size)
        if over is not None:  # refused before the download
            await reply(texts.refusal_text(over))
            return None
        try:
            request = replace(request, download=await fetch_file(bot, media))
        except FileUnavailable as exc:
            logger.warning(
                "file not fetched chat=%s message=%s: %s", request.chat.id, target.message_id, exc
            )
            await reply(texts.file_unavailable())
            return None
    result = await agreements.mark(request)
    if isinstance(result.outcome, Refusal) or result.agreement is None:
        await reply(texts.refusal_text(Refusal(result.outcome)))
        return MarkResult(result.outcome)
    agreement = result.agreement
    if result.outcome is Outcome.RECORDED:
        await cards.post(agreement)
        return result
    await reply(texts.joined_notice(result.outcome, agreement))
    if result.outcome is Outcome.JOINED:
        await cards.refresh(i18n, agreement)
    return result


async def agree_in_private(message: Message) -> None:
    await message.answer(texts.refusal_text(Refusal.NOT_GROUP))


async def join(
    query: CallbackQuery,
    callback_data: JoinAgreement,
    agreements: AgreementService,
    cards: CardPoster,
    i18n: I18n,
    bot: Bot,
    gatekeeper: Gatekeeper,
) -> None:
    assert query.message is not None
    chat = chat_from(query.message.chat)
    # The id is the sender's to choose: one that isn't the chat's costs no place.
    if not await agreements.joinable(callback_data.agreement_id, chat.id):
        await query.answer(texts.refusal_text(Refusal.UNKNOWN_AGREEMENT), show_alert=True)
        return
    denied = await gatekeeper.admit(bot, chat.id, query.from_user.id)
    if denied is not None:
        await query.answer(denied.text, show_alert=True)
        return
    result = await agreements.join(
        callback_data.agreement_id, chat.id, person_from(query.from_user)
    )
    joined = result.outcome is Outcome.JOINED
    gatekeeper.settle(chat.id, query.from_user.id, changed=joined)
    if isinstance(result.outcome, Refusal) or result.agreement is None:
        await query.answer(texts.refusal_text(Refusal(result.outcome)), show_alert=True)
        return
    await query.answer(texts.joined_notice(result.outcome, result.agreement))
    if result.outcome is Outcome.JOINED:
        await cards.refresh(i18n, result.agreement)


def build_router() -> Router:
    router = Router(name="agreements")
    router.message.register(agree, Command("agree"), GROUPS, F.from_user)
    router.message.register(agree_in_private, Command("agree"), PRIVATE)
    router.callback_query.register(
        join, JoinAgreement.filter(), F.message.chat.type.in_(GROUP_TYPES)
    )
    return router
