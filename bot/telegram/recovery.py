"""Answers owed from before a crash, posted when the bot starts again.

An agreement is committed together with its update's id, and the card is posted after
the commit. A process killed in between leaves an agreement whose card never reached the
chat, and Telegram's redelivery can't help: the update is already handled. Cards are
posted at least once: a kill after Telegram took the card but before its id was stored
posts it a second time, a window of one local commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.marking import AgreementService
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.telegram.cards import post_card

logger = logging.getLogger(__name__)

# Telegram keeps unconfirmed updates for a day; a card older than that is history.
OWED_FOR = timedelta(hours=24)


async def post_owed_cards(
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    letters: Letters,
    mail_waker: MailWaker,
    clock: Callable[[], datetime],
    i18n: I18n,
    zone: ZoneInfo,
) -> int:
    """Run before polling starts, so no handler posts the same card meanwhile."""
    posted = 0
    async with session_factory() as session:
        agreements = AgreementService(session, letters, mail_waker, clock)
        for agreement in await agreements.unanswered(since=clock() - OWED_FOR):
            with i18n.context(), i18n.use_locale(agreement.answer_language):
                try:
                    card_id = await post_card(bot, agreement, zone)
                except TelegramAPIError as exc:  # removed from the chat since, say
                    logger.warning(
                        "owed card not posted chat=%s agreement=%s: %s",
                        agreement.chat_id,
                        agreement.id,
                        exc,
                    )
                    continue
            await agreements.remember_answer(agreement.id, card_id)
            logger.info("owed card posted chat=%s agreement=%s", agreement.chat_id, agreement.id)
            posted += 1
    return posted
