"""A code mail's bytes hold a live code: they are kept only while the mail may still go."""

from __future__ import annotations

from bot.db.models import MailStatus
from tests.support.mailbox import Mailbox
from tests.support.outbox import mails, queue_codes, worker_for


async def test_a_code_mail_is_kept_while_it_may_go_and_wiped_when_it_expires(
    session_factory, letters, clock, mailbox: Mailbox
) -> None:
    worker = worker_for(session_factory, mailbox, clock)
    mailbox.reject["grey@example.com"] = "451 4.7.1 Greylisted, try again later"
    await queue_codes(session_factory, letters, clock, "grey@example.com")

    await worker.deliver_pending()
    waiting = (await mails(session_factory))["grey@example.com"]
    assert waiting.status is MailStatus.PENDING and b"/verify " in waiting.raw  # for the retry

    clock.advance(minutes=16)
    await worker.deliver_pending()
    expired = (await mails(session_factory))["grey@example.com"]
    assert expired.status is MailStatus.FAILED and expired.raw == b""
    assert expired.last_error == "expired before it could be sent"
