"""Says in the chat what an invited address did (bot/confirmations/notices.py), and that a
confirmed address accepted an edit by email (bot/edits/notices.py): in the agreement's
group, under the agreed message; a business chat's owner privately."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ReplyParameters
from aiogram.utils.i18n import I18n

from bot.confirmations.notices import ChatNotice
from bot.core.people import language_for
from bot.edits.notices import AcceptedByEmail
from bot.telegram.views.confirmations import accepted_text, notice_text

logger = logging.getLogger(__name__)


class TelegramChatNotices:
    def __init__(self, bot: Bot, i18n: I18n) -> None:
        self._bot = bot
        self._i18n = i18n

    async def tell(self, notice: ChatNotice) -> None:
        with self._i18n.context(), self._i18n.use_locale(language_for(notice.language)):
            text = notice_text(notice)
        where = (notice.chat_id, notice.thread_id, notice.message_id)
        await self._say(text, where, notice.owner_id, f"#{notice.number} {notice.happened}")

    async def accepted_by_email(self, notice: AcceptedByEmail) -> None:
        with self._i18n.context(), self._i18n.use_locale(language_for(notice.language)):
            text = accepted_text(notice)
        where = (notice.chat_id, notice.thread_id, notice.message_id)
        await self._say(text, where, None, f"#{notice.number} accepted by email")

    async def _say(
        self, text: str, where: tuple[int, int | None, int], owner_id: int | None, what: str
    ) -> None:
        chat_id, thread_id, message_id = where
        try:
            if owner_id is not None:
                await self._bot.send_message(owner_id, text)
                return
            await self._bot.send_message(
                chat_id,
                text,
                message_thread_id=thread_id,
                reply_parameters=ReplyParameters(
                    message_id=message_id, allow_sending_without_reply=True
                ),
            )
        except TelegramAPIError as exc:  # the bot left the chat, say: the record stands
            logger.warning("could not tell chat=%s about agreement %s: %s", chat_id, what, exc)
