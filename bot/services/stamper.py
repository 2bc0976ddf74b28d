"""Gets each queued record stamped by the RFC 3161 authority, then releases its mails.

The authority is asked outside any transaction. It is retried with growing pauses; after
STAMP_WAIT the record's mails go without a token rather than wait longer: the record and
its digest are the evidence, the timestamp only dates it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Agreement, Amendment, Timestamp
from bot.services.amendment_mail import queue_amendment_mails
from bot.services.background import Periodic
from bot.services.deliveries import queue_agreement_mails
from bot.services.letters import Letters
from bot.services.outbox import MailWaker
from bot.services.timestamping import TimestampError

logger = logging.getLogger(__name__)

STAMP_WAIT = timedelta(minutes=10)
MAX_PAUSE = 60.0
BATCH_SIZE = 20


class Authority(Protocol):
    async def stamp(self, data: bytes) -> bytes: ...

    async def close(self) -> None: ...


class Stamper:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        authority: Authority,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
        give_up_after: timedelta = STAMP_WAIT,
    ) -> None:
        self._session_factory = session_factory
        self._authority = authority
        self._letters = letters
        self._mail_waker = mail_waker
        self._clock = clock
        self._give_up_after = give_up_after
        self._loop = Periodic("stamper", self.stamp_pending, interval=1.0)

    def wake(self) -> None:
        self._loop.wake()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        try:
            async with self._loop.running():
                yield
        finally:
            await self._authority.close()

    async def stamp_pending(self) -> bool:
        """Stamp the due records; True when a full batch was due (look for more)."""
        async with self._session_factory() as session:
            due = (
                await session.scalars(
                    select(Timestamp)
                    .where(
                        Timestamp.stamped_at.is_(None),
                        Timestamp.given_up_at.is_(None),
                        Timestamp.next_attempt_at <= self._clock(),
                    )
                    .order_by(Timestamp.requested_at)
                    .limit(BATCH_SIZE)
                )
            ).all()
            await session.commit()  # no transaction open while the authority answers
            for stamp in due:
                await self._stamp(session, stamp)
                await session.commit()
            if due:
                self._mail_waker.wake()
            return len(due) == BATCH_SIZE

    async def _stamp(self, session: AsyncSession, stamp: Timestamp) -> None:
        agreement = (
            await session.get(Agreement, stamp.agreement_id) if stamp.agreement_id else None
        )
        amendment = (
            await session.get(Amendment, stamp.amendment_id) if stamp.amendment_id else None
        )
        record = agreement.record if agreement else amendment.record if amendment else None
        if record is None:  # cannot happen while records are append-only
            logger.error("no record to stamp digest=%s", stamp.digest)
            stamp.given_up_at = self._clock()
            return
        stamp.attempts += 1
        try:
            stamp.token = await self._authority.stamp(record)
        except TimestampError as exc:
            now = self._clock()
            stamp.last_error = str(exc)
            if now - stamp.requested_at < self._give_up_after:
                pause = min(2.0 ** (stamp.attempts - 1), MAX_PAUSE)
                stamp.next_attempt_at = now + timedelta(seconds=pause)
                logger.warning("timestamp deferred digest=%s: %s", stamp.digest, exc)
                return
            stamp.given_up_at = now
            logger.error("timestamp given up digest=%s; mails go without: %s", stamp.digest, exc)
        else:
            stamp.stamped_at = self._clock()
            logger.info("record stamped digest=%s attempts=%s", stamp.digest, stamp.attempts)
        await session.flush()
        if agreement is not None:
            await queue_agreement_mails(session, self._letters, [agreement.id], self._clock())
        elif amendment is not None:
            await queue_amendment_mails(session, self._letters, amendment.id, self._clock())
