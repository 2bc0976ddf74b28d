"""The mail server being down or refusing never loses an agreement; failures are recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import Agreement, MailStatus
from tests.support.eventually import eventually
from tests.support.harness import Harness
from tests.support.logs import watching
from tests.support.mails import is_agreement
from tests.support.stored import recorded_sent, session_on, stored_mails


@pytest.mark.expected_errors(r"ERROR bot\.mail\.outbox: mail deferred .*cannot connect")
async def test_mail_server_down_then_back(harness: Harness, database_url: str) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    await harness.register(ann, "ann@example.com")
    await mailbox.stop()

    offer = ben.says(group, "Deal at 100")
    with watching("bot.mail.outbox") as log:
        ann.says(group, "/agree", reply_to=offer)
        card = await world.bot_reply(group)
        assert "Agreement #1 recorded" in card["text"]  # recorded first, mailed after
        line = await log.wait_for("mail deferred")
    assert "kind=agreement" in line and "cannot connect" in line

    async def attempt_recorded() -> bool:  # the pass commits after it logged
        return all(mail.attempts >= 1 for mail in await stored_mails(database_url))

    await eventually(attempt_recorded, what="the failed attempt recorded")
    [pending] = await stored_mails(database_url)
    assert pending.status is MailStatus.PENDING
    assert "127.0.0.1" in (pending.last_error or "")

    await mailbox.start()  # same port
    [mail] = await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    sent = await recorded_sent(database_url)
    assert mail.message["Message-ID"] == sent.message_id


@pytest.mark.expected_errors(r"ERROR bot\.mail\.outbox: mail rejected .*550")
async def test_permanent_refusal_is_recorded_not_retried(
    harness: Harness, database_url: str
) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    await harness.register(ann, "ann@example.com")
    mailbox.reject_with = "550 5.1.1 No such user here"

    offer = ben.says(group, "Deal at 200")
    with watching("bot.mail.outbox") as log:
        ann.says(group, "/agree", reply_to=offer)
        await world.bot_reply(group)
        line = await log.wait_for("mail rejected")
    assert "550" in line
    warning = await world.bot_reply(ann, lambda m: "could not be delivered" in m.get("text", ""))
    assert "ann@example.com" in warning["text"] and "550" in warning["text"]

    [failed] = await stored_mails(database_url)
    assert failed.status is MailStatus.FAILED
    assert "550" in (failed.last_error or "") and failed.attempts == 1
    async with session_on(database_url) as session:
        assert await session.scalar(select(Agreement.number)) == 1
