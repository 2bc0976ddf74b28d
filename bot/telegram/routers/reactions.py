"""A reaction (AGREE_REACTION, 🤝 by default) marks a journaled message like /agree.

Telegram sends reactions only to bots that are group administrators.
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import MessageReactionUpdated, ReactionTypeEmoji, ReplyParameters
from aiogram.utils.i18n import I18n

from bot.agreements.marking import AgreementService, MarkRequest, Outcome
from bot.config import Settings
from bot.journal.journal import Journal, as_marked_message
from bot.telegram.adapters import chat_from, person_from
from bot.telegram.cards import CardPoster
from bot.telegram.gatekeeper import Gatekeeper
from bot.telegram.routers.filters import GROUPS


def _added(emoji: str, event: MessageReactionUpdated) -> bool:
    def has(reactions: list[object]) -> bool:
        return any(isinstance(r, ReactionTypeEmoji) and r.emoji == emoji for r in reactions)

    return has(list(event.new_reaction)) and not has(list(event.old_reaction))


async def reacted(
    event: MessageReactionUpdated,
    agreements: AgreementService,
    journal: Journal,
    cards: CardPoster,
    i18n: I18n,
    settings: Settings,
    bot: Bot,
    gatekeeper: Gatekeeper,
) -> None:
    if event.user is None or not _added(settings.agree_reaction, event):
        return
    seen = await journal.versions(event.chat.id, event.message_id)
    if not seen:
        return  # a message from before the bot joined, or from outside the retention
    denied = await gatekeeper.admit(bot, event.chat.id, event.user.id)
    if denied is not None:
        # Someone outside the chat is not answered, as for anything a reaction can't mark;
        # a member over the limit is told once in the wait, under the reacted message.
        if denied.over_limit and not denied.told_before:
            await bot.send_message(
                event.chat.id,
                denied.text,
                reply_parameters=ReplyParameters(
                    message_id=event.message_id, allow_sending_without_reply=True
                ),
            )
        return
    latest = seen[-1]
    request = MarkRequest(
        chat=chat_from(event.chat),
        message=as_marked_message(latest),
        marker=person_from(event.user),
    )
    result = await agreements.mark(request)
    changed = result.outcome in (Outcome.RECORDED, Outcome.JOINED)
    gatekeeper.settle(event.chat.id, event.user.id, changed=changed)
    # A reaction is also just a reaction: on anything that can't be agreed, stay quiet.
    if result.agreement is None:
        return
    if result.outcome is Outcome.RECORDED:
        await cards.post(result.agreement)
    elif result.outcome is Outcome.JOINED:
        await cards.refresh(i18n, result.agreement)


def build_router() -> Router:
    router = Router(name="reactions")
    router.message_reaction.register(reacted, GROUPS)
    return router
