"""A mail keeps its Message-ID across attempts, so a resend is the same mail to its reader."""

from __future__ import annotations

import pytest

from tests.support.harness import Harness
from tests.support.mails import is_agreement
from tests.support.stored import recorded_sent


@pytest.mark.expected_errors(r"mail deferred .*451")
async def test_a_retry_after_a_temporary_refusal_keeps_the_message_id(
    harness: Harness, database_url: str
) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    await harness.register(ann, "ann@example.com")
    # The server takes the whole message, then refuses it for now (as greylisting does).
    mailbox.refuse_data = ["451 4.7.1 Greylisted, please try again later"]

    ann.says(group, "/agree", reply_to=ben.says(group, "Deal at 300"))
    await world.bot_reply(group)
    [accepted] = await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    [refused] = mailbox.refused
    assert refused.recipients == ["ann@example.com"] and is_agreement(refused.message)
    assert accepted.message["Message-ID"] == refused.message["Message-ID"]
    stored = await recorded_sent(database_url)
    assert stored.message_id == accepted.message["Message-ID"] and stored.attempts == 2
