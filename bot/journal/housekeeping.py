"""Hourly clean-up, away from the handlers: expired journal entries, old update ids."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.background import Periodic
from bot.db.models import HandledUpdate
from bot.journal.journal import Journal

EVERY = timedelta(hours=1)
# Telegram keeps undelivered updates for 24 hours; ids older than this can't come back.
REMEMBER_UPDATES_FOR = timedelta(days=2)


class Housekeeping:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        journal: Journal,
        clock: Callable[[], datetime],
    ) -> None:
        self._session_factory = session_factory
        self._journal = journal
        self._clock = clock
        self._loop = Periodic("housekeeping", self.clean, EVERY.total_seconds())

    def running(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self._loop.running()

    async def clean(self) -> bool:
        await self._journal.purge()
        cutoff = self._clock() - REMEMBER_UPDATES_FOR
        async with self._session_factory() as session:
            await session.execute(delete(HandledUpdate).where(HandledUpdate.handled_at < cutoff))
            await session.commit()
        return False
