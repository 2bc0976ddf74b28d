"""The mail worker: sends stored mails after the transaction that wrote them commits.

Mails are written first and sent after, so a mail server that is down never loses an
agreement. A temporary failure leaves the mail pending for the next round; a permanent
one (a 5xx reply) marks it failed with the server's answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from aiolimiter import AsyncLimiter
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.background import Periodic
from bot.db.gate import write_gate
from bot.db.models import Mail, MailStatus, User
from bot.logs import mask_addresses
from bot.mail import kinds
from bot.mail.files import files_for, forget_bytes, wire_bytes
from bot.mail.refusals import refused_among, withhold
from bot.mail.unsubscribes import ALWAYS_SENT, normalized, unsubscribed_among
from bot.metrics import MAILS, OUTBOX_BACKLOG
from mailer import SmtpConnectionError

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
# On SQLite, passes one right after another start at least this far apart, so that under
# load each takes the mails of several marks: a pass takes two turns at the process' write
# lock (db/gate.py) however few mails it carries. The first mail after a quiet spell goes
# at once, and so does the pass after a full one. PostgreSQL locks rows, not the database:
# its passes go back to back.
PASS_SPACING = 0.05
BACKLOG_EVERY = 5.0  # seconds between counts of the backlog gauge
MAX_RETRY_PAUSE = 3600.0
JITTER = 0.2
# Mails that carry a one-time secret (a verification code, an archive's code, an
# invitation's signed confirm and refuse links). Their bytes are wiped once the mail leaves
# the queue (sent, expired or refused): the codes are stored hashed, the links not at all,
# and a readable copy in this table would let anyone who reads it bind an address, or
# confirm for it.
SECRET_KINDS = frozenset({kinds.VERIFICATION_CODE, kinds.ARCHIVE_CODE, kinds.INVITATION})


class Delivery(enum.Enum):
    SENT = "sent"
    DEFERRED = "deferred"
    FAILED = "failed"
    EXPIRED = "expired"  # a code nobody can use any more: nobody to tell
    UNSUBSCRIBED = "unsubscribed"  # the address unsubscribed after it was queued
    SERVER_UNAVAILABLE = "server_unavailable"


class MailWaker(Protocol):
    def wake(self) -> None: ...


class RawSender(Protocol):
    async def send_raw(self, sender: str, recipients: list[str], raw: bytes) -> None: ...


class MailTransport(Protocol):
    def batch(self) -> contextlib.AbstractAsyncContextManager[RawSender]: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class UndeliveredMail:
    """A mail that will never arrive, for telling its recipient."""

    user_id: int
    address: str
    kind: str
    # The server's answer; None for a code mail: its address is not verified, and the
    # answer ("no such user") would tell whoever typed it whether the address exists.
    reason: str | None
    language_code: str | None


class FailureNotifier(Protocol):
    async def mail_undelivered(self, failure: UndeliveredMail) -> None: ...


class MailWorker:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        transport: MailTransport,
        envelope_from: str,
        clock: Callable[[], datetime],
        retry_interval: float = 30.0,
        max_age: timedelta = timedelta(days=7),
        notifier: FailureNotifier | None = None,
        connections: int = 1,
        max_per_minute: int | None = None,
        claim_for: timedelta = timedelta(seconds=60),
    ) -> None:
        self._session_factory = session_factory
        self._gate = write_gate(session_factory)
        self._transport = transport
        self._envelope_from = envelope_from
        self._clock = clock
        self._retry_interval = retry_interval
        self._max_age = max_age
        self._notifier = notifier
        self._connections = connections
        self._claim_for = claim_for
        self._limiter: AsyncLimiter | None = None
        self._batch_size = BATCH_SIZE
        if max_per_minute is not None:
            # One mail per 60/N seconds, no bursts: never more than N in any minute. The batch
            # shrinks to about five seconds' worth, so a stop or crash leaves little unmarked.
            self._limiter = AsyncLimiter(1, 60 / max_per_minute)
            self._batch_size = max(1, min(BATCH_SIZE, max_per_minute // 12))
        # A stop lets the SMTP transaction under way finish (the bot exits within 10 s).
        self._loop = Periodic("mail-worker", self.deliver_pending, retry_interval, grace=5.0)
        self._backlog_measured_at = -BACKLOG_EVERY
        self._backlog = 0
        self._last_pass = -PASS_SPACING  # the first pass waits for nothing
        self._last_full = False

    def wake(self) -> None:
        self._loop.wake()

    def running(self) -> contextlib.AbstractAsyncContextManager[None]:
        """The mail loop; at its end the SMTP connections kept between batches are closed."""
        return self._loop.running(closing=self._transport.close)

    def request_stop(self) -> None:
        """Send no further mail; the one under way still goes (``running()`` waits)."""
        self._loop.request_stop()

    async def deliver_pending(self) -> bool:
        """Send one batch of due mails; True when a full batch went out (look for more)."""
        # After a full batch there are more waiting already: no reason to gather.
        spacing = PASS_SPACING if self._gate.serializes and not self._last_full else 0.0
        early = self._last_pass + spacing - time.monotonic()
        if early > 0:
            await asyncio.sleep(early)
        self._last_full = False
        try:
            self._last_full = await self._deliver_batch()
            return self._last_full
        finally:
            self._last_pass = time.monotonic()

    async def _deliver_batch(self) -> bool:
        async with self._session_factory() as session:
            async with self._gate.turn():
                mails = await self._claim(session)
            if not mails:
                await self._measure_backlog(session, idle=True)
                return False
            # Read after the claim, not in its turn at the write lock: a file is megabytes.
            files = await files_for(session, mails)
            stopped = await _unsubscribed(session, mails)
            refused = await _refused_invitations(session, mails)  # since they were queued
            await session.commit()  # ends the read: nothing stays open while SMTP answers
            sendable = [m for m in mails if m not in stopped and m not in refused]
            outcomes = await self._send_all(sendable, files)
            outcomes |= {mail: _not_sent(mail) for mail in stopped}
            for mail in refused:
                withhold(mail)
                outcomes[mail] = Delivery.FAILED
            for mail in mails:
                mail.claimed_until = None  # the ones not tried go to whoever comes next
                _forget_secret(mail)
            # One commit for the batch: a crash before it sends these mails again, with
            # the same Message-IDs, which mail clients show once.
            async with self._gate.turn():
                await session.commit()
            for mail, outcome in outcomes.items():
                if outcome is Delivery.FAILED:
                    await self._tell_recipient(session, mail)
            for outcome in outcomes.values():
                MAILS.labels(outcome.value).inc()
            await self._measure_backlog(session)
            unavailable = Delivery.SERVER_UNAVAILABLE in outcomes.values()
            return len(mails) == self._batch_size and not unavailable

    async def _measure_backlog(self, session: AsyncSession, *, idle: bool = False) -> None:
        """The backlog gauge, counted at most every BACKLOG_EVERY seconds while mail flows
        (a count per pass was two of the statements an agreement's mails cost), and on an
        idle pass whenever the last count was not zero, so it never stays stale."""
        now = time.monotonic()
        if now - self._backlog_measured_at >= BACKLOG_EVERY or (idle and self._backlog):
            self._backlog_measured_at = now
            self._backlog = await _backlog(session)
            OUTBOX_BACKLOG.set(self._backlog)

    async def _claim(self, session: AsyncSession) -> Sequence[Mail]:
        """Take due mails nobody else holds, in a short transaction of its own.

        On PostgreSQL, rows another replica is taking at this moment are skipped (SKIP
        LOCKED) rather than waited for; SQLite has a single writer anyway.
        """
        now = self._clock()
        mails = (
            await session.scalars(
                select(Mail)
                .where(
                    Mail.status == MailStatus.PENDING,
                    Mail.next_attempt_at <= now,
                    or_(Mail.claimed_until.is_(None), Mail.claimed_until <= now),
                )
                .order_by(Mail.next_attempt_at, Mail.id)
                .limit(self._batch_size)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for mail in mails:
            mail.claimed_until = now + self._claim_for
        await session.commit()  # no transaction stays open while the SMTP server answers
        return mails

    async def _send_all(
        self, mails: Sequence[Mail], files: Mapping[int, bytes]
    ) -> dict[Mail, Delivery]:
        """A few SMTP sessions at once, each over its share of the batch (one connection
        per lane, reused); stops early when the server is down or the bot is stopping."""
        queue = deque(mails)
        outcomes: dict[Mail, Delivery] = {}

        async def lane() -> None:
            async with self._transport.batch() as smtp:
                while queue and not self._loop.stopping:
                    mail = queue.popleft()
                    outcomes[mail] = outcome = await self._deliver(mail, smtp, files)
                    if outcome is Delivery.SERVER_UNAVAILABLE:
                        queue.clear()  # the others would fail the same way; next round

        async with asyncio.TaskGroup() as lanes:
            for _ in range(min(self._connections, len(mails))):
                lanes.create_task(lane())
        return outcomes

    async def _deliver(self, mail: Mail, smtp: RawSender, files: Mapping[int, bytes]) -> Delivery:
        now = self._clock()
        if mail.expires_at is not None and mail.expires_at <= now:
            mail.status = MailStatus.FAILED
            mail.last_error = "expired before it could be sent"
            logger.warning(
                "mail expired mail=%s kind=%s user=%s", mail.id, mail.kind, mail.user_id
            )
            return Delivery.EXPIRED
        if now - mail.created_at > self._max_age:
            mail.status = MailStatus.FAILED
            mail.last_error = f"not accepted by the mail server within {self._max_age}: " + (
                mail.last_error or "never tried"
            )
            logger.error("mail given up mail=%s kind=%s user=%s", mail.id, mail.kind, mail.user_id)
            return Delivery.FAILED
        if self._limiter is not None:
            await self._limiter.acquire()
            if self._loop.stopping:  # the pause outlasted the stop: leave it for next time
                return Delivery.DEFERRED
        try:
            raw = wire_bytes(mail, files)
        except LookupError as exc:
            # Its file is gone (a database changed by hand): no later try can find it.
            mail.status = MailStatus.FAILED
            mail.last_error = f"cannot be sent: {exc}"
            logger.error(
                "mail failed mail=%s kind=%s agreement=%s user=%s: %s",
                mail.id,
                mail.kind,
                mail.agreement_id,
                mail.user_id,
                mail.last_error,
            )
            return Delivery.FAILED
        mail.attempts += 1
        try:
            await smtp.send_raw(self._envelope_from, [mail.to_address], raw)
        except Exception as exc:
            mail.last_error = str(exc)[:2000] or type(exc).__name__
            temporary = getattr(exc, "temporary", True)
            if temporary:
                mail.next_attempt_at = now + self._backoff(mail.attempts)
            else:
                mail.status = MailStatus.FAILED
            logger.error(
                "mail %s mail=%s kind=%s agreement=%s user=%s attempt=%s: %s",
                "deferred" if temporary else "rejected",
                mail.id,
                mail.kind,
                mail.agreement_id,
                mail.user_id,
                mail.attempts,
                mask_addresses(mail.last_error),  # relays name the recipient
            )
            if isinstance(exc, SmtpConnectionError):
                return Delivery.SERVER_UNAVAILABLE
            return Delivery.DEFERRED if temporary else Delivery.FAILED
        mail.status = MailStatus.SENT
        mail.sent_at = self._clock()
        forget_bytes(mail)
        logger.info(
            "mail sent mail=%s kind=%s agreement=%s user=%s message_id=%s",
            mail.id,
            mail.kind,
            mail.agreement_id,
            mail.user_id,
            mail.message_id,
        )
        return Delivery.SENT

    async def _tell_recipient(self, session: AsyncSession, mail: Mail) -> None:
        """Best effort: a chat message must not stop the mail worker."""
        if self._notifier is None or mail.user_id is None:
            return  # an address with no chat behind it has nobody to tell
        user = await session.get(User, mail.user_id)
        failure = UndeliveredMail(
            user_id=mail.user_id,
            address=mail.to_address,
            kind=mail.kind,
            reason=None if mail.kind in SECRET_KINDS else mail.last_error or "",
            language_code=user.language_code if user else None,
        )
        try:
            await self._notifier.mail_undelivered(failure)
        except Exception:
            logger.exception("could not tell user=%s about mail=%s", mail.user_id, mail.id)

    def _backoff(self, attempts: int) -> timedelta:
        """Doubling pauses from MAIL_RETRY_SECONDS up to an hour, each up to a fifth shorter
        at random, so mails that failed together don't all come back together."""
        seconds = min(self._retry_interval * 2 ** min(attempts - 1, 16), MAX_RETRY_PAUSE)
        return timedelta(seconds=seconds * random.uniform(1 - JITTER, 1))


async def _unsubscribed(session: AsyncSession, mails: Sequence[Mail]) -> set[Mail]:
    """The mails whose address unsubscribed after they were queued (a code's never)."""
    concerned = [mail for mail in mails if mail.kind not in ALWAYS_SENT]
    stopped = await unsubscribed_among(session, [mail.to_address for mail in concerned])
    return {mail for mail in concerned if normalized(mail.to_address) in stopped}


async def _refused_invitations(session: AsyncSession, mails: Sequence[Mail]) -> list[Mail]:
    invitations = [mail for mail in mails if mail.kind == kinds.INVITATION]
    refused = await refused_among(session, [mail.to_address for mail in invitations])
    return [mail for mail in invitations if mail.to_address in refused]


def _not_sent(mail: Mail) -> Delivery:
    """Failed, not sent: subscribing again writes an agreement's mail anew (deliveries.py)."""
    mail.status = MailStatus.FAILED
    mail.last_error = "not sent: the address unsubscribed"
    logger.info(
        "mail not sent, address unsubscribed mail=%s kind=%s agreement=%s user=%s",
        mail.id,
        mail.kind,
        mail.agreement_id,
        mail.user_id,
    )
    return Delivery.UNSUBSCRIBED


def _forget_secret(mail: Mail) -> None:
    if mail.kind in SECRET_KINDS and mail.status is not MailStatus.PENDING:
        mail.raw = b""


async def _backlog(session: AsyncSession) -> int:
    pending = select(func.count()).select_from(Mail).where(Mail.status == MailStatus.PENDING)
    return int(await session.scalar(pending) or 0)
