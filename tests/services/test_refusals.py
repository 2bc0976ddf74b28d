""" "Not me" holds for the mailbox, not one spelling of it: variants can't be invited, and
an invitation still waiting in the outbox never goes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.core.directory import remember_user
from bot.db.models import Mail, MailStatus
from bot.mail import kinds
from bot.mail.refusals import REFUSED, refuse, refused_among
from tests.support.clocks import FakeClock
from tests.support.mailbox import Mailbox
from tests.support.outbox import worker_for
from tests.support.people import ALICE


def invitation_to(address: str, topic: str, now: datetime) -> Mail:
    raw = f"From: bot@agreements.test\r\nTo: {address}\r\nSubject: x\r\n\r\nlinks\r\n".encode()
    return Mail(
        kind=kinds.INVITATION,
        topic=topic,
        user_id=None,
        to_address=address,
        message_id=f"<{topic}@agreements.test>",
        raw=raw,
        status=MailStatus.PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )


async def test_a_refusal_covers_tags_and_gmail_dots(session_factory, clock: FakeClock) -> None:
    async with session_factory() as session:
        await remember_user(session, ALICE, clock())
        await refuse(session, "c.lient+crm@gmail.com", ALICE.id, clock())
        await session.commit()
    async with session_factory() as session:
        found = await refused_among(
            session, ["client@gmail.com", "cl.ient+x@googlemail.com", "other@gmail.com"]
        )
    assert found == {"client@gmail.com", "cl.ient+x@googlemail.com"}


async def test_waiting_invitations_to_a_refused_mailbox_never_go(
    session_factory, clock: FakeClock, mailbox: Mailbox
) -> None:
    async with session_factory() as session:
        await remember_user(session, ALICE, clock())
        session.add(invitation_to("client+1@example.com", "invitation:1", clock()))
        session.add(invitation_to("client+2@example.com", "invitation:2", clock()))
        session.add(invitation_to("someone@example.com", "invitation:3", clock()))
        await session.commit()
    async with session_factory() as session:
        await refuse(session, "client@example.com", ALICE.id, clock())  # withdraws 1 and 2
        await session.commit()
    async with session_factory() as session:
        # queued after the refusal by a path that did not look: the outbox looks
        session.add(invitation_to("Client+3@example.com", "invitation:4", clock()))
        await session.commit()

    await worker_for(session_factory, mailbox, clock).deliver_pending()

    async with session_factory() as session:
        mails = {m.topic: m for m in await session.scalars(select(Mail))}
    for topic in ("invitation:1", "invitation:2", "invitation:4"):
        assert mails[topic].status is MailStatus.FAILED
        assert mails[topic].last_error == REFUSED and mails[topic].raw == b""
    assert mails["invitation:3"].status is MailStatus.SENT
    assert [m.recipients for m in mailbox.received] == [["someone@example.com"]]
