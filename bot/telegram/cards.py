"""The agreement card: the bot's answer under a marked message, kept up to date.

Cards are posted beside the handling of the updates after them (CardPoster): polling
handles one update at a time, and Telegram takes tens of milliseconds to answer a
sendMessage, so a handler that waited for its card held every later update back that
long. The agreement is committed before its card is started, so a card is still posted at
least once: one that fails, or is cut off by a crash, has no stored id, and the next start
posts it (recovery.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import replace
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramNetworkError
from aiogram.types import InlineKeyboardMarkup, ReplyParameters
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.marking import remember_answer
from bot.agreements.views import AgreementView
from bot.db.gate import write_gate
from bot.telegram.views import agreements as texts

logger = logging.getLogger(__name__)
NETWORK_RETRY_PAUSES = (0.2, 1.0)  # seconds before each further try of a card


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


# Cards under way at once; a handler that would start one more waits for a free slot.
IN_FLIGHT = 32
# Ids of cards posted lately, for a party who joins before the id is read back.
REMEMBERED = 1024


class CardPoster:
    def __init__(
        self,
        bot: Bot,
        session_factory: async_sessionmaker[AsyncSession],
        zone: ZoneInfo,
        in_flight: int = IN_FLIGHT,
    ) -> None:
        self._bot = bot
        self._session_factory = session_factory
        self._gate = write_gate(session_factory)
        self._zone = zone
        self._slots = asyncio.Semaphore(in_flight)
        self._tasks: set[asyncio.Task[None]] = set()
        # Each card under way, until Telegram answered: its message id, or None.
        self._posting: dict[int, asyncio.Future[int | None]] = {}
        self._posted: OrderedDict[int, int] = OrderedDict()

    async def post(self, agreement: AgreementView) -> None:
        """Start posting the card of a just recorded agreement, in the current locale (the
        task inherits the handler's context); returns once it is under way."""
        await self._slots.acquire()
        self._posting[agreement.id] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(self._post(agreement), name=f"card-{agreement.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def refresh(self, i18n: I18n, agreement: AgreementView) -> None:
        """Show a new party on the card, once the card is there."""
        answer_id = await self._answer_id(agreement)
        if answer_id is not None:
            agreement = replace(agreement, answer_message_id=answer_id)
        await refresh_card(self._bot, i18n, agreement, self._zone)

    async def drain(self, timeout: float) -> None:
        """At a stop: give the cards under way up to ``timeout`` seconds to go out."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    async def _answer_id(self, agreement: AgreementView) -> int | None:
        if agreement.answer_message_id is not None:
            return agreement.answer_message_id
        posting = self._posting.get(agreement.id)
        if posting is not None:
            return await asyncio.shield(posting)
        return self._posted.get(agreement.id)

    async def _post_card_retrying(self, agreement: AgreementView) -> int:
        """A connection dropped on the way (a keep-alive connection the server had just
        closed, say) is tried again a few times: a card lost here waits for a restart."""
        for pause in NETWORK_RETRY_PAUSES:
            try:
                return await post_card(self._bot, agreement, self._zone)
            except TelegramNetworkError:
                await asyncio.sleep(pause)
        return await post_card(self._bot, agreement, self._zone)

    async def _post(self, agreement: AgreementView) -> None:
        # Neither the slot nor the answer waits for the database: a handler holding its
        # write turn may be waiting for either (db/gate.py).
        try:
            card_id = await self._send(agreement)
        finally:
            self._slots.release()
        if card_id is None:
            return
        try:
            async with self._gate.turn(), self._session_factory() as session:
                await remember_answer(session, agreement.id, card_id)
        except Exception:
            logger.exception(
                "card id not stored chat=%s agreement=%s", agreement.chat_id, agreement.id
            )

    async def _send(self, agreement: AgreementView) -> int | None:
        card_id = None
        try:
            card_id = await self._post_card_retrying(agreement)
        except TelegramAPIError as exc:  # removed from the chat meanwhile, say
            logger.warning(
                "card not posted chat=%s agreement=%s: %s", agreement.chat_id, agreement.id, exc
            )
        except Exception:
            logger.exception(
                "card not posted chat=%s agreement=%s", agreement.chat_id, agreement.id
            )
        else:
            self._posted[agreement.id] = card_id
            if len(self._posted) > REMEMBERED:
                self._posted.popitem(last=False)
        finally:
            # Known as posted (or failed) before it stops being under way: a join never
            # finds neither.
            self._posting.pop(agreement.id).set_result(card_id)
        return card_id
