"""Mails to an address with no Telegram user behind it (an invited client, a chat's
archive): the worker sends them, a failure tells nobody, and the database keeps them to one
per address and topic as it keeps a user's to one per user and topic."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.exc import IntegrityError

from bot.db.models import Mail, MailStatus
from tests.support.clocks import FakeClock
from tests.support.mailbox import Mailbox
from tests.support.outbox import mails, worker_for


def mail_to(address: str, topic: str, now: datetime, message_id: str) -> Mail:
    raw = (
        f"From: bot@agreements.test\r\nTo: {address}\r\nSubject: copy\r\n"
        f"Message-ID: <{message_id}>\r\n\r\nA copy.\r\n"
    ).encode()
    return Mail(
        kind="agreement",
        topic=topic,
        user_id=None,
        to_address=address,
        message_id=f"<{message_id}>",
        raw=raw,
        status=MailStatus.PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )


async def test_a_mail_with_no_user_is_sent(session_factory, clock: FakeClock, mailbox: Mailbox):
    async with session_factory() as session:
        session.add(mail_to("archive@example.com", "agreement:1", clock(), "a1@agreements.test"))
        await session.commit()

    await worker_for(session_factory, mailbox, clock).deliver_pending()

    assert (await mails(session_factory))["archive@example.com"].status is MailStatus.SENT
    assert len(mailbox.to("archive@example.com")) == 1


async def test_a_refused_mail_with_no_user_is_given_up_quietly(
    session_factory, clock: FakeClock, mailbox: Mailbox
):
    mailbox.reject["gone@example.com"] = "550 5.1.1 No such user"
    async with session_factory() as session:
        session.add(mail_to("gone@example.com", "agreement:1", clock(), "g1@agreements.test"))
        await session.commit()

    await worker_for(session_factory, mailbox, clock).deliver_pending()

    assert (await mails(session_factory))["gone@example.com"].status is MailStatus.FAILED


async def test_one_mail_per_address_and_topic_when_no_user(session_factory, clock: FakeClock):
    async with session_factory() as session:
        session.add(mail_to("client@example.com", "agreement:1", clock(), "c1@agreements.test"))
        session.add(mail_to("client@example.com", "agreement:2", clock(), "c2@agreements.test"))
        await session.commit()
    async with session_factory() as session:
        session.add(mail_to("client@example.com", "agreement:1", clock(), "c3@agreements.test"))
        with pytest.raises(IntegrityError):
            await session.commit()
