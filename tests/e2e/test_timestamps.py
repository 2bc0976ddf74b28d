"""TSA_URL set: agreement and amendment emails carry the authority's token, and verify
checks it, against TSA_CA_FILE when given."""

from __future__ import annotations

import pytest

from bot.telegram.formatting import entities_to_html
from bot.verify.commands import verify_content
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.e2e.conftest import Harness, bot_settings, running_bot
from tests.e2e.test_agreement_flow import is_agreement
from tests.e2e.test_edits import agreed_between, is_amendment
from tests.support.mailbox import Mailbox
from tests.support.tsa import LocalTsa

STAMP = "application/timestamp-reply"


def stamps_in(message) -> list[str]:
    return [p.get_filename() for p in message.iter_attachments() if p.get_content_type() == STAMP]


async def test_agreement_and_amendment_mails_carry_a_verifiable_stamp(
    api: BotAPIServer,
    mailbox: Mailbox,
    database_url: str,
    tsa: LocalTsa,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = bot_settings(api, mailbox, database_url, tsa_url=tsa.url)
    async with running_bot(settings, api):
        harness = Harness(api, TelegramWorld(api), mailbox)
        alice, bob, group, offer, _card = await agreed_between(harness)
        bob.edits(offer, "We agreed on 120 000 for stage 1")
        alert = await harness.world.bot_reply(group)
        alice.presses(alert, "✅ Accept new version")
        bob.presses(alert, "✅ Accept new version")
        [amended] = await mailbox.wait_for(to="bob@example.com", where=is_amendment)

    [agreement] = [m for m in mailbox.to("alice@example.com") if is_agreement(m.message)]
    assert stamps_in(agreement.message) == [f"agreement-{group.id}-1.tsr"]
    assert stamps_in(amended.message) == [f"agreement-{group.id}-1.1.tsr"]
    assert tsa.requests == 2  # one per record, however many parties

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TSA_CA_FILE", str(tsa.ca_certificate_path))
    assert await verify_content(amended.raw, entities_html=entities_to_html) == 0
    report = capsys.readouterr().out
    assert report.startswith("VALID") and "whose certificate TSA_CA_FILE trusts" in report

    monkeypatch.delenv("TSA_CA_FILE")
    assert await verify_content(agreement.raw, entities_html=entities_to_html) == 0
    report = capsys.readouterr().out
    assert "its signature holds, but who signed it was not checked" in report
    assert "set TSA_CA_FILE" in report
