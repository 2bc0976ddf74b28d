"""Mails edit alerts whose coalescing window has passed."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.background import Periodic
from bot.mail.alerts import queue_due_alerts
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker

CHECK_INTERVAL = 1.0


class AlertScheduler:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
    ) -> None:
        self._session_factory = session_factory
        self._letters = letters
        self._mail_waker = mail_waker
        self._clock = clock
        self._loop = Periodic("alert-scheduler", self.mail_due_alerts, CHECK_INTERVAL)

    def running(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self._loop.running()

    async def mail_due_alerts(self) -> bool:
        async with self._session_factory() as session:
            queued = await queue_due_alerts(session, self._letters, self._clock())
            await session.commit()
        if queued:
            self._mail_waker.wake()
        return False
