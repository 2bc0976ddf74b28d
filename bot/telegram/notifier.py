"""Tells people in their private chat what the services found out on their own."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n

from bot.core.people import language_for
from bot.mail.outbox import UndeliveredMail
from bot.telegram.views.registration import code_undelivered, mail_undelivered

logger = logging.getLogger(__name__)


class TelegramNotifier:
    def __init__(self, bot: Bot, i18n: I18n) -> None:
        self._bot = bot
        self._i18n = i18n

    async def mail_undelivered(self, failure: UndeliveredMail) -> None:
        with self._i18n.context(), self._i18n.use_locale(language_for(failure.language_code)):
            if failure.reason is None:
                text = code_undelivered(failure.address)
            else:
                text = mail_undelivered(failure.address, failure.reason)
        try:
            await self._bot.send_message(failure.user_id, text)
        except TelegramAPIError as exc:  # e.g. they never opened a private chat with the bot
            logger.warning("could not tell user=%s their mail bounced: %s", failure.user_id, exc)
