"""The outbox as service tests see it: mails queued the way the bot queues them, the
worker that sends them to the test's SMTP server, and what the queue holds."""

from __future__ import annotations

import email
import email.policy

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.people import Person
from bot.db.models import Mail
from bot.mail.letters import Letters
from bot.mail.outbox import MailWorker
from bot.registration.service import RegistrationService
from mailer import SmtpConfig, SmtpSender
from tests.support.clocks import FakeClock
from tests.support.identity import CODE_KEY
from tests.support.mailbox import Mailbox
from tests.support.mails import code_in
from tests.support.wakers import RecordingWaker


def worker_for(
    factory: async_sessionmaker[AsyncSession],
    mailbox: Mailbox,
    clock: FakeClock,
    port: int | None = None,
) -> MailWorker:
    """A worker sending to the mailbox (or to ``port``, where nothing may listen)."""
    config = SmtpConfig(host="127.0.0.1", port=port or mailbox.port, security="none")
    return MailWorker(factory, SmtpSender(config), "bot@agreements.test", clock, retry_interval=10)


async def queue_codes(
    factory: async_sessionmaker[AsyncSession], letters: Letters, clock: FakeClock, *addresses: str
) -> None:
    """Real mails, written the way the bot writes them: verification codes."""
    for number, address in enumerate(addresses):
        async with factory() as session:
            service = RegistrationService(
                session, letters, RecordingWaker(), clock, code_key=CODE_KEY
            )
            person = Person(id=500 + number, first_name=f"User{number}")
            await service.request_code(person, address)


async def mails(factory: async_sessionmaker[AsyncSession]) -> dict[str, Mail]:
    """The queued mails by address (the last to each)."""
    async with factory() as session:
        return {m.to_address: m for m in await session.scalars(select(Mail))}


async def code_sent_to(factory: async_sessionmaker[AsyncSession], address: str) -> str:
    """The code in the last mail queued to ``address``."""
    async with factory() as session:
        mail = await session.scalar(
            select(Mail).where(Mail.to_address == address).order_by(Mail.id.desc()).limit(1)
        )
    assert mail is not None
    return code_in(email.message_from_bytes(mail.raw, policy=email.policy.default))
