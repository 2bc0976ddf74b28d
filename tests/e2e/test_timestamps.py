"""TSA_URL set: agreement and amendment emails carry the authority's token, and verify
checks it, against TSA_CA_FILE when given."""

from __future__ import annotations

import pytest

from bot.telegram.formatting import entities_to_html
from bot.verify.commands import verify_content
from tests.botapi import BotAPIServer
from tests.support.bot_in_process import bot_settings
from tests.support.harness import running_harness
from tests.support.mailbox import Mailbox
from tests.support.mails import is_agreement, is_amendment
from tests.support.stories import amended_between
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
    async with running_harness(settings, api, mailbox) as harness:
        _alice, _bob, group, _offer, _alert = await amended_between(harness)
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
