"""Which edits are real: the bot compares an edit with the latest version, not the original."""

from __future__ import annotations

import logging

from tests.botapi.scenario import Group, Person
from tests.support.harness import Harness
from tests.support.logs import watching
from tests.support.mailbox import ReceivedMail
from tests.support.mails import is_edit_alert, text_of
from tests.support.stored import stored_versions
from tests.support.stories import agreed_between

ORIGINAL = "We agreed on 150 000 for stage 1"  # what agreed_between has Bob write
EDITED = "We agreed on 120 000 for stage 1"


def alert_mails(harness: Harness) -> list[ReceivedMail]:
    return [m for m in harness.mailbox.to("alice@example.com") if is_edit_alert(m.message)]


async def assert_resave_ignored(
    harness: Harness, bob: Person, group: Group, offer: dict, text: str, database_url: str
) -> None:
    """Bob saves the message again unchanged, a minute later: Telegram sends a new
    edit_date, and nothing else may come of it (not even an error)."""
    api = harness.api
    alerts = [m for m in api.bot_messages(group.id) if "was edited" in m.get("text", "")]
    mails, versions = alert_mails(harness), await stored_versions(database_url)
    clock = api.now
    api.now = lambda: clock() + 60
    with watching("") as log:
        bob.edits(offer, text)
        bob.says(group, "/agreements")  # the next thing the bot says is the list
        assert "Договорённости чата" in (await harness.world.bot_reply(group))["text"]
    assert [r.getMessage() for r in log.records if r.levelno >= logging.ERROR] == []
    await harness.mail_barrier()
    assert [m for m in api.bot_messages(group.id) if "was edited" in m.get("text", "")] == alerts
    assert alert_mails(harness) == mails
    assert await stored_versions(database_url) == versions


async def test_a_resave_of_an_edit_is_ignored_and_a_revert_is_an_edit(
    harness: Harness, database_url: str
) -> None:
    world, mailbox = harness.world, harness.mailbox
    _alice, bob, group, offer, _card = await agreed_between(harness)
    bob.edits(offer, EDITED)
    await world.bot_reply(group, lambda m: "was edited" in m.get("text", ""))
    await mailbox.wait_for(to="alice@example.com", where=is_edit_alert)
    await assert_resave_ignored(harness, bob, group, offer, EDITED, database_url)

    # Back to the agreed text: the same as the original, yet a change from the latest.
    bob.edits(offer, ORIGINAL)
    revert = await world.bot_reply(group)
    assert "was edited" in revert["text"]
    assert await stored_versions(database_url) == 2
    [_, second] = await mailbox.wait_for(to="alice@example.com", count=2, where=is_edit_alert)
    assert "[-120-]{+150+}" in text_of(second.message)
    await assert_resave_ignored(harness, bob, group, offer, ORIGINAL, database_url)
