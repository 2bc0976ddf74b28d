"""The mail worker: sends stored mails after the transaction that wrote them commits.

Mails are written first and sent after, so a mail server that is down never loses an
agreement. A temporary failure leaves the mail pending for the next round; a permanent
one (a 5xx reply) marks it failed with the server's answer.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Mail, MailStatus
from bot.services.background import Periodic

logger = logging.getLogger(__name__)

BATCH_SIZE = 50


class MailWaker(Protocol):
    def wake(self) -> None: ...


class MailTransport(Protocol):
    async def send_raw(self, sender: str, recipients: list[str], raw: bytes) -> None: ...


class MailWorker:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        transport: MailTransport,
        envelope_from: str,
        clock: Callable[[], datetime],
        retry_interval: float = 30.0,
    ) -> None:
        self._session_factory = session_factory
        self._transport = transport
        self._envelope_from = envelope_from
        self._clock = clock
        self._loop = Periodic("mail-worker", self.deliver_pending, retry_interval)

    def wake(self) -> None:
        self._loop.wake()

    def running(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self._loop.running()

    async def deliver_pending(self) -> bool:
        """Send one batch; True when every mail in a full batch went out (look for more)."""
        async with self._session_factory() as session:
            mails = (
                await session.scalars(
                    select(Mail)
                    .where(Mail.status == MailStatus.PENDING)
                    .order_by(Mail.id)
                    .limit(BATCH_SIZE)
                )
            ).all()
            all_sent = True
            for mail in mails:
                all_sent &= await self._deliver(mail)
                await session.commit()
            return bool(mails) and all_sent and len(mails) == BATCH_SIZE

    async def _deliver(self, mail: Mail) -> bool:
        mail.attempts += 1
        try:
            await self._transport.send_raw(self._envelope_from, [mail.to_address], mail.raw)
        except Exception as exc:
            mail.last_error = str(exc)[:2000] or type(exc).__name__
            temporary = getattr(exc, "temporary", True)
            if not temporary:
                mail.status = MailStatus.FAILED
            logger.error(
                "mail %s failed mail=%s kind=%s agreement=%s user=%s: %s",
                "deferred" if temporary else "rejected",
                mail.id,
                mail.kind,
                mail.agreement_id,
                mail.user_id,
                mail.last_error,
            )
            return False
        mail.status = MailStatus.SENT
        mail.sent_at = self._clock()
        logger.info(
            "mail sent mail=%s kind=%s agreement=%s user=%s message_id=%s",
            mail.id,
            mail.kind,
            mail.agreement_id,
            mail.user_id,
            mail.message_id,
        )
        return True
