"""The mail worker against a real SMTP server: backoff, no head-of-line blocking, expiry."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from bot.db.models import Mail, MailStatus
from bot.mail.outbox import PASS_SPACING, MailWorker
from bot.mail.status import describe, mail_status
from mailer import SmtpConfig, SmtpSender
from tests.support.clocks import FakeClock
from tests.support.mailbox import Mailbox
from tests.support.outbox import mails, queue_codes, worker_for


async def status_now(factory, clock: FakeClock):
    async with factory() as session:
        return await mail_status(session, clock())


@pytest.fixture
def worker(session_factory, mailbox: Mailbox, clock: FakeClock) -> MailWorker:
    return worker_for(session_factory, mailbox, clock)


async def test_a_refused_mail_backs_off_and_blocks_nobody(
    worker, session_factory, letters, clock, mailbox: Mailbox
) -> None:
    mailbox.reject["grey@example.com"] = "451 4.7.1 Greylisted, try again later"
    await queue_codes(session_factory, letters, clock, "grey@example.com", "ok@example.com")

    await worker.deliver_pending()
    state = await mails(session_factory)
    assert state["ok@example.com"].status is MailStatus.SENT
    grey = state["grey@example.com"]
    assert grey.status is MailStatus.PENDING and grey.attempts == 1
    assert 8 <= (grey.next_attempt_at - clock.now).total_seconds() <= 10  # 10 s, less jitter
    assert "451" in (grey.last_error or "")

    report = await status_now(session_factory, clock)
    assert (report.pending, report.sent, report.failed) == (1, 1, 0)
    assert report.oldest_pending_age == timedelta(0) and "451" in (report.last_error or "")
    assert "mails pending:       1" in describe(report)

    await worker.deliver_pending()  # not due yet: left alone
    assert (await mails(session_factory))["grey@example.com"].attempts == 1

    clock.advance(seconds=10)
    await worker.deliver_pending()
    grey = (await mails(session_factory))["grey@example.com"]
    assert grey.attempts == 2 and 16 <= (grey.next_attempt_at - clock.now).total_seconds() <= 20

    del mailbox.reject["grey@example.com"]
    clock.advance(seconds=20)
    await worker.deliver_pending()
    assert (await mails(session_factory))["grey@example.com"].status is MailStatus.SENT
    assert len(mailbox.to("grey@example.com")) == 1


async def test_an_unreachable_server_ends_the_round_at_the_first_mail(
    session_factory, letters, clock, mailbox: Mailbox
) -> None:
    await queue_codes(session_factory, letters, clock, "a@example.com", "b@example.com")
    down = worker_for(session_factory, mailbox, clock, port=1)
    await down.deliver_pending()
    attempts = sorted(m.attempts for m in (await mails(session_factory)).values())
    assert attempts == [0, 1]


async def test_a_code_is_not_sent_after_it_expired(
    worker, session_factory, letters, clock, mailbox: Mailbox
) -> None:
    await queue_codes(session_factory, letters, clock, "late@example.com")
    clock.advance(minutes=16)
    await worker.deliver_pending()
    late = (await mails(session_factory))["late@example.com"]
    assert (
        late.status is MailStatus.FAILED and late.last_error == "expired before it could be sent"
    )
    assert mailbox.received == []


async def test_mail_not_accepted_within_the_maximum_age_is_given_up(
    session_factory, letters, clock, mailbox: Mailbox
) -> None:
    mailbox.reject["slow@example.com"] = "451 4.3.0 Try again later"
    await queue_codes(session_factory, letters, clock, "slow@example.com")
    config = SmtpConfig(host="127.0.0.1", port=mailbox.port, security="none")
    worker = MailWorker(
        session_factory,
        SmtpSender(config),
        "bot@agreements.test",
        clock,
        retry_interval=60,
        max_age=timedelta(minutes=5),
    )
    await worker.deliver_pending()
    clock.advance(minutes=6)
    await worker.deliver_pending()
    slow = (await mails(session_factory))["slow@example.com"]
    assert slow.status is MailStatus.FAILED and slow.attempts == 1
    assert (slow.last_error or "").startswith("not accepted by the mail server within 0:05:00")
    assert "451" in (slow.last_error or "")


async def test_a_batch_goes_over_one_connection(
    worker, session_factory, letters, clock, mailbox: Mailbox
) -> None:
    addresses = [f"user{n}@example.com" for n in range(3)]
    mailbox.reject["user1@example.com"] = "550 5.1.1 No such user"
    await queue_codes(session_factory, letters, clock, *addresses)
    await worker.deliver_pending()
    assert mailbox.connections == 1  # a refused recipient does not end the session
    assert [len(mailbox.to(a)) for a in addresses] == [1, 0, 1]


def sender_for(mailbox: Mailbox) -> SmtpSender:
    return SmtpSender(SmtpConfig(host="127.0.0.1", port=mailbox.port, security="none"))


async def test_a_long_queue_goes_over_a_bounded_number_of_sessions_at_once(
    session_factory, letters, clock, mailbox: Mailbox
) -> None:
    addresses = [f"user{n}@example.com" for n in range(9)]
    await queue_codes(session_factory, letters, clock, *addresses)
    worker = MailWorker(
        session_factory, sender_for(mailbox), "bot@agreements.test", clock, connections=3
    )
    mailbox.hold = asyncio.Event()
    round_ = asyncio.create_task(worker.deliver_pending())
    await mailbox.wait_for_transactions(3)  # three sessions, each mid-transaction
    mailbox.hold.set()
    await round_
    assert mailbox.most_in_data == 3 and mailbox.connections == 3
    assert sorted(r for m in mailbox.received for r in m.recipients) == sorted(addresses)
    assert {m.status for m in (await mails(session_factory)).values()} == {MailStatus.SENT}


async def test_smtp_max_per_minute_spaces_the_mails_evenly(
    session_factory, letters, clock, mailbox: Mailbox
) -> None:
    await queue_codes(session_factory, letters, clock, *(f"u{n}@example.com" for n in range(4)))
    worker = MailWorker(
        session_factory,
        sender_for(mailbox),
        "bot@agreements.test",
        clock,
        connections=4,
        max_per_minute=600,  # one every 100 ms
    )
    while await worker.deliver_pending():
        pass
    assert len(mailbox.received) == 4
    times = sorted(m.at for m in mailbox.received)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # Four sessions, yet one mail after another (a gap is 100 ms, give or take how long
    # the server took over each).
    assert min(gaps) >= 0.05 and times[-1] - times[0] >= 0.25, gaps


async def test_a_stop_lets_the_transaction_under_way_finish_and_sends_nothing_more(
    session_factory, letters, clock, mailbox: Mailbox
) -> None:
    await queue_codes(session_factory, letters, clock, "first@example.com", "second@example.com")
    worker = worker_for(session_factory, mailbox, clock)
    mailbox.hold = asyncio.Event()
    async with worker.running():
        worker.wake()
        await mailbox.wait_for_transactions(1)
        worker.request_stop()
        asyncio.get_running_loop().call_later(0.2, mailbox.hold.set)
    # Leaving running() waited for the server to accept the first mail, and marked it sent.
    [sent] = mailbox.received
    state = await mails(session_factory)
    [first] = sent.recipients
    assert state[first].status is MailStatus.SENT
    [other] = set(state) - {first}
    assert state[other].status is MailStatus.PENDING and state[other].attempts == 0


async def test_a_claim_keeps_other_workers_off_until_it_runs_out(
    session_factory, letters, clock: FakeClock, mailbox: Mailbox
) -> None:
    await queue_codes(session_factory, letters, clock, "a@example.com", "b@example.com")
    first = worker_for(session_factory, mailbox, clock)
    second = worker_for(session_factory, mailbox, clock)
    mailbox.hold = asyncio.Event()
    dying = asyncio.create_task(first.deliver_pending())
    await mailbox.wait_for_transactions(1)
    assert await second.deliver_pending() is False  # everything due is the first's
    assert mailbox.received == []
    dying.cancel()  # the first replica dies in the middle of an SMTP transaction
    with contextlib.suppress(asyncio.CancelledError):
        await dying
    mailbox.hold.set()

    clock.advance(seconds=59)
    await second.deliver_pending()
    assert {m.status for m in (await mails(session_factory)).values()} == {MailStatus.PENDING}
    clock.advance(seconds=2)  # the claim ran out
    await second.deliver_pending()
    state = await mails(session_factory)
    assert {m.status for m in state.values()} == {MailStatus.SENT}
    # Whatever the dead worker got through went again with the same Message-ID.
    ids = {address: state[address].message_id for address in state}
    for received in mailbox.received:
        assert received.message["Message-ID"] == ids[received.recipients[0]]
    assert {r for m in mailbox.received for r in m.recipients} == set(ids)


async def test_the_backlog_gauge_reaches_zero_once_the_queue_is_empty(
    worker, session_factory, letters, clock, mailbox: Mailbox
) -> None:
    def backlog() -> float | None:
        return REGISTRY.get_sample_value("agreement_bot_outbox_backlog")

    mailbox.reject["late@example.com"] = "451 4.3.0 Try again later"
    await queue_codes(session_factory, letters, clock, "late@example.com")
    await worker.deliver_pending()
    assert backlog() == 1  # refused for now, still queued

    del mailbox.reject["late@example.com"]
    clock.advance(minutes=5)
    await worker.deliver_pending()  # sent; within seconds of the last count, none is made
    assert len(mailbox.to("late@example.com")) == 1
    await worker.deliver_pending()  # nothing due: the stale count is replaced
    assert backlog() == 0


async def test_on_sqlite_a_pass_right_after_another_waits_out_the_spacing(
    session_factory, letters, clock: FakeClock, mailbox: Mailbox, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's passes go back to back: no write lock to share")
    worker = worker_for(session_factory, mailbox, clock)
    await queue_codes(session_factory, letters, clock, "a@example.com")
    await worker.deliver_pending()
    first_done = time.monotonic()
    await queue_codes(session_factory, letters, clock, "b@example.com")
    await worker.deliver_pending()  # so under load a pass carries several marks' mails
    assert time.monotonic() - first_done >= PASS_SPACING
    assert len(mailbox.received) == 2


async def test_a_mail_whose_file_is_gone_fails_once_with_the_reason(
    worker, session_factory, letters, clock, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    await queue_codes(session_factory, letters, clock, "gone@example.com")
    async with session_factory() as session:  # as if its stored file were deleted by hand
        mail = (await session.scalars(select(Mail))).one()
        mail.file_at = 10
        await session.commit()

    for _ in range(3):
        await worker.deliver_pending()
        clock.advance(minutes=2)  # past each backoff, and the code still good
    gone = (await mails(session_factory))["gone@example.com"]
    assert gone.status is MailStatus.FAILED and gone.attempts == 0
    assert gone.last_error == "cannot be sent: the file of agreement None is not stored"
    assert mailbox.received == []
    failed = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(failed) == 1 and "mail failed" in failed[0], failed
