"""Gets each queued record stamped by the RFC 3161 authority, then releases its mails.

The authority is asked outside any transaction. It is retried with growing pauses; after
STAMP_WAIT the record's mails go without a token rather than wait longer: the record and
its digest are the evidence, the timestamp only dates it.

It is a mail worker: the stamp queue and the authority's client are bot/evidence/'s, and
what this adds is holding the mails back and then queuing them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.background import Periodic
from bot.db.models import Agreement, Amendment, EmailConfirmation, Timestamp
from bot.evidence.tsa_client import TimestampError, read_timestamp
from bot.mail.amendments import queue_amendment_mails
from bot.mail.confirmations import queue_confirmation_mails
from bot.mail.deliveries import queue_agreement_mails
from bot.mail.invitations import queue_invitations
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker

logger = logging.getLogger(__name__)

STAMP_WAIT = timedelta(minutes=10)
CLAIM = timedelta(minutes=1)
MAX_CLOCK_SKEW = timedelta(minutes=10)
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
        roots: list[bytes] | None = None,
    ) -> None:
        self._roots = roots
        self._session_factory = session_factory
        self._authority = authority
        self._letters = letters
        self._mail_waker = mail_waker
        self._clock = clock
        self._give_up_after = give_up_after
        self._loop = Periodic("stamper", self.stamp_pending, interval=1.0)

    def wake(self) -> None:
        self._loop.wake()

    def running(self) -> contextlib.AbstractAsyncContextManager[None]:
        """The stamping loop; at its end the time-stamping client is closed."""
        return self._loop.running(closing=self._authority.close)

    async def stamp_pending(self) -> bool:
        """Stamp the due records; True when a full batch was due (look for more)."""
        async with self._session_factory() as session:
            due = await self._claim(session)
            for stamp, record in due:
                await self._stamp(stamp, record)
                await session.commit()  # the token (or the failure) first, on its own
                await self._release(session, stamp)
                # Again in a fresh transaction: parties who joined, or verified, while the
                # stamp was being written are mailed too (queueing never mails twice).
                await session.commit()
                await self._release(session, stamp)
                await session.commit()
            if due:
                self._mail_waker.wake()
            return len(due) == BATCH_SIZE

    async def _claim(self, session: AsyncSession) -> list[tuple[Timestamp, bytes]]:
        """Due stamps nobody else holds, with their records, in a short transaction: no
        transaction stays open while the authority answers. A replica that dies leaves a
        claim that runs out after a minute."""
        now = self._clock()
        stamps = (
            await session.scalars(
                select(Timestamp)
                .where(
                    Timestamp.stamped_at.is_(None),
                    Timestamp.given_up_at.is_(None),
                    Timestamp.next_attempt_at <= now,
                )
                .order_by(Timestamp.requested_at)
                .limit(BATCH_SIZE)
                .with_for_update(skip_locked=True)
            )
        ).all()
        due = []
        for stamp in stamps:
            stamp.next_attempt_at = now + CLAIM
            record = await _record_of(session, stamp)
            if record is None:  # cannot happen while records are append-only
                logger.error("no record to stamp digest=%s", stamp.digest)
                stamp.given_up_at = now
                continue
            due.append((stamp, record))
        await session.commit()
        return due

    async def _stamp(self, stamp: Timestamp, record: bytes) -> None:
        stamp.attempts += 1
        try:
            token = await self._authority.stamp(record)
            self._check(token, record)
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
            return
        stamp.token = token
        stamp.stamped_at = self._clock()
        logger.info("record stamped digest=%s attempts=%s", stamp.digest, stamp.attempts)

    def _check(self, token: bytes, record: bytes) -> None:
        """A token is put in the mails only if it is one the parties can rely on: signed by
        the configured root (TSA_CA_FILE, when set) and dated now by the bot's clock, not
        whenever (an authority whose clock is off dates every record wrong)."""
        check = read_timestamp(token, record, self._roots)
        if not check.valid:
            raise TimestampError(f"unusable timestamp: {', '.join(check.reasons)}")
        assert check.stamped_at is not None
        if abs(check.stamped_at - self._clock()) > MAX_CLOCK_SKEW:
            raise TimestampError(f"the timestamp's time {check.stamped_at} is not now")

    async def _release(self, session: AsyncSession, stamp: Timestamp) -> None:
        await release_mails(session, self._letters, stamp, self._clock())


async def release_mails(
    session: AsyncSession, letters: Letters, stamp: Timestamp, now: datetime
) -> None:
    """Queue the mails that waited for this stamp, once it has a token or was given up."""
    if stamp.token is None and stamp.given_up_at is None:
        return  # still waiting for a token
    if stamp.agreement_id is not None:
        await queue_agreement_mails(session, letters, [stamp.agreement_id], now)
        await queue_invitations(session, letters, stamp.agreement_id, now)
    elif stamp.amendment_id is not None:
        await queue_amendment_mails(session, letters, stamp.amendment_id, now)
    elif stamp.confirmation_id is not None:
        await queue_confirmation_mails(session, letters, stamp.confirmation_id, now)


async def _record_of(session: AsyncSession, stamp: Timestamp) -> bytes | None:
    if stamp.agreement_id is not None:
        agreement = await session.get(Agreement, stamp.agreement_id)
        return agreement.record if agreement else None
    if stamp.amendment_id is not None:
        amendment = await session.get(Amendment, stamp.amendment_id)
        return amendment.record if amendment else None
    if stamp.confirmation_id is not None:
        confirmation = await session.get(EmailConfirmation, stamp.confirmation_id)
        return confirmation.record if confirmation else None
    return None


async def release_held_mails(
    session_factory: async_sessionmaker[AsyncSession],
    letters: Letters,
    clock: Callable[[], datetime],
) -> int:
    """With TSA_URL unset now, stamps still pending will never come: their mails go without."""
    async with session_factory() as session:
        pending = (
            await session.scalars(
                select(Timestamp).where(
                    Timestamp.stamped_at.is_(None), Timestamp.given_up_at.is_(None)
                )
            )
        ).all()
        for stamp in pending:
            stamp.given_up_at = clock()
            stamp.last_error = "TSA_URL is no longer set"
        await session.flush()
        for stamp in pending:
            await release_mails(session, letters, stamp, clock())
        await session.commit()
    return len(pending)
