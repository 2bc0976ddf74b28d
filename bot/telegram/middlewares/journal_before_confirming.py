"""The journal is stored before Telegram hears that its updates were taken.

In polling, the next getUpdates confirms every update of the batch before it; storing
the buffered journal first makes one transaction per batch, and a crash can no longer
lose a message Telegram already forgot.
"""

from __future__ import annotations

import asyncio

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.journal.journal import Journal


class JournalBeforeConfirming(BaseRequestMiddleware):
    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates):
            # aiogram cancels its polling task at a stop, often right here: the flush goes
            # on to its commit, or a write cut off mid-transaction would keep SQLite's
            # write lock on a connection nobody gives back.
            await asyncio.shield(self._journal.flush())
        return await make_request(bot, method)
