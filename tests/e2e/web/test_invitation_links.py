"""The pages behind an invitation's links over HTTP: only a press acts, once; forged,
expired and other-purpose links are refused and change nothing; "not me" stops mail."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models import EmailConfirmation, EmailParty, RefusedAddress, TermsAcceptance
from bot.evidence.chain import chat_chain, check_chain
from bot.telegram.formatting import entities_to_html
from bot.terms.texts import current_terms
from bot.verify.commands import verify_content
from tests.botapi import BotAPIServer
from tests.support.invitation_links import CLIENT, SIGNER, invited_client, link
from tests.support.mailbox import Mailbox
from tests.support.mails import is_confirmation, is_edit_alert
from tests.support.site import Site, serving
from tests.support.stored import database_contents, session_on
from tests.support.tsa import LocalTsa
from tests.support.verify_command import says, verify

CONFIRMED = "Подтверждено. Спасибо."  # the invitation speaks its adder's... here Russian
STAMP = "application/timestamp-reply"
DIGEST = re.compile(r'name="digest" value="([0-9a-f]{64})"')


async def confirmations(database_url: str) -> int:
    async with session_on(database_url) as session:
        count = await session.scalar(select(func.count()).select_from(EmailConfirmation))
    return count or 0


async def party(database_url: str, party_id: int) -> EmailParty:
    async with session_on(database_url) as session:
        found = await session.get(EmailParty, party_id)
    assert found is not None
    return found


async def shown_digest(site: Site, path: str) -> str:
    async with site.http.get(path) as page:
        assert page.status == 200
        found = DIGEST.search(await page.text())
    assert found, "the confirm page has no button"
    return found.group(1)


async def test_opening_the_link_confirms_nothing_and_a_press_confirms_once(
    site: Site, database_url: str
) -> None:
    story = await invited_client(site, database_url)
    path = story.invited.confirm
    for _ in range(2):  # a link scanner, then the client
        async with site.http.get(path) as page:
            html = await page.text()
            assert page.status == 200
    assert "Подтвердить договорённость №1" in html
    assert "Stage 1: 150 000 RUB" in html and story.digest in html
    assert "c…@example.com" in html and CLIENT not in html
    russian_terms = current_terms("ru")
    assert f"SHA-256 {russian_terms.sha256[:12]}…" in html  # what the press accepts
    assert await confirmations(database_url) == 0

    async with site.http.post(path, data={"digest": story.digest}) as press:
        assert press.status == 200
        assert CONFIRMED in await press.text()
    async with site.http.post(path, data={"digest": story.digest}) as again:
        assert again.status == 200
        assert "Уже подтверждено" in await again.text()
    assert await confirmations(database_url) == 1
    assert (await party(database_url, story.invited.party_id)).confirmed_at is not None
    # The press accepted the terms the page showed, once, and the record names them.
    async with session_on(database_url) as session:
        by_address = TermsAcceptance.user_id.is_(None)
        accepted = list(await session.scalars(select(TermsAcceptance).where(by_address)))
        record = json.loads(await session.scalar(select(EmailConfirmation.record)) or b"")
    assert [(a.address, a.user_id, a.language, a.sha256) for a in accepted] == [
        (CLIENT, None, "ru", russian_terms.sha256)
    ]
    assert record["terms"]["sha256"] == russian_terms.sha256
    async with session_on(database_url) as session:
        chain = await chat_chain(session, story.group.id)
    assert [link.label for link in chain] == [
        "agreement #1",
        "email confirmation 1 of agreement #1",
    ]
    assert check_chain(chain) == []

    # The page speaks English when asked; the record page lists the confirmation, masked.
    async with site.http.get(f"{path}?lang=en") as page:
        assert "Already confirmed" in await page.text()
    async with site.http.get(f"/r/{story.digest}", headers={"Accept-Language": "en"}) as page:
        html = await page.text()
    assert "Confirmed by email" in html and "c…@example.com confirmed #1" in html
    assert CLIENT not in html


async def test_bad_links_are_refused_and_change_nothing(site: Site, database_url: str) -> None:
    story = await invited_client(site, database_url)
    party_id = story.invited.party_id
    token = story.invited.confirm.removeprefix("/i/")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    other_purpose = SIGNER.sign("unsubscribe", str(party_id), datetime.now(UTC) + timedelta(1))
    someone_else = link("confirm", party_id + 1000)
    before = await database_contents(database_url)
    cases = {
        f"/i/{forged}": (400, "This link doesn't work"),
        f"/i/{other_purpose}": (400, "This link doesn't work"),
        someone_else: (400, "This link doesn't work"),
        "/i/not-a-token": (400, "This link doesn't work"),
        link("confirm", party_id, days=-1): (410, "This link has expired"),
        link("refuse", party_id, days=-1): (410, "This link has expired"),
    }
    for path, (status, words) in cases.items():
        for method in ("GET", "POST"):
            async with site.http.request(
                method, f"{path}?lang=en", data={"digest": story.digest}
            ) as page:
                assert (page.status, method, path) == (status, method, path)
                assert words in await page.text()
    assert await database_contents(database_url) == before


async def test_a_press_after_the_agreement_changed_confirms_nothing(
    site: Site, database_url: str
) -> None:
    story = await invited_client(site, database_url)
    async with site.http.post(story.invited.confirm, data={"digest": "0" * 64}) as press:
        assert press.status == 409
        assert "Договорённость изменилась" in await press.text()
    assert await confirmations(database_url) == 0


async def test_not_me_stops_mail_and_then_the_confirm_link_is_dead(
    site: Site, database_url: str
) -> None:
    story = await invited_client(site, database_url)
    async with site.http.get(f"{story.invited.refuse}?lang=en") as page:
        html = re.sub(r"<[^>]+>", "", await page.text())  # as a reader sees it
    assert "stops every email from this bot to c…@example.com about what Ann Lee adds" in html
    async with site.http.post(f"{story.invited.refuse}?lang=en") as press:
        assert press.status == 200
        assert "is no longer invited to agreement #1" in await press.text()
    notice = await site.harness.world.bot_reply(story.group, lambda m: "🚫" in m["text"])
    assert "c…@example.com" in notice["text"] and CLIENT not in notice["text"]
    assert "Ann Lee" in notice["text"]  # the one who added it, told in the card's language

    async with site.http.post(story.invited.refuse) as again:
        assert "Уже сделано" in await again.text()
    async with site.http.get(story.invited.confirm) as page:
        assert page.status == 410
        assert "больше нельзя подтвердить" in await page.text()
    async with site.http.post(story.invited.confirm, data={"digest": story.digest}) as press:
        assert press.status == 410
    assert await confirmations(database_url) == 0
    stored = await party(database_url, story.invited.party_id)
    assert stored.refused_at is not None and stored.confirmed_at is None
    async with session_on(database_url) as session:
        refusal = await session.get(RefusedAddress, (CLIENT, story.ann.id))
    assert refusal is not None


async def test_not_me_after_confirming_keeps_the_record_and_stops_mail(
    site: Site, database_url: str
) -> None:
    story = await invited_client(site, database_url)
    mailbox = site.harness.mailbox
    async with site.http.post(story.invited.confirm, data={"digest": story.digest}):
        pass
    story.ben.edits(story.offer, "Stage 1: 140 000 RUB, due 15 December.")
    await mailbox.wait_for(to=CLIENT, where=is_edit_alert)  # confirmed: it reaches the client

    async with site.http.post(f"{story.invited.refuse}?lang=en") as press:
        assert press.status == 200
        assert "stays on record" in await press.text()
    story.ben.edits(story.offer, "Stage 1: 130 000 RUB, due 15 December.")
    await mailbox.wait_for(to="ann@example.com", where=is_edit_alert, count=2)
    await site.harness.mail_barrier()
    assert len([m for m in mailbox.to(CLIENT) if is_edit_alert(m.message)]) == 1
    stored = await party(database_url, story.invited.party_id)
    assert stored.confirmed_at is not None and stored.refused_at is None
    assert await confirmations(database_url) == 1  # what was recorded stands


async def test_two_presses_at_once_record_one_confirmation(
    site: Site,
    database_url: str,
    verify_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    story = await invited_client(site, database_url)
    digest = await shown_digest(site, story.invited.confirm)

    async def press() -> str:
        async with site.http.post(
            f"{story.invited.confirm}?lang=en", data={"digest": digest}
        ) as answer:
            assert answer.status == 200
            return await answer.text()

    answers = await asyncio.gather(*(press() for _ in range(4)))
    assert sum("Confirmed. Thank you." in answer for answer in answers) == 1
    assert sum("Already confirmed" in answer for answer in answers) == 3
    assert await confirmations(database_url) == 1
    code, report = await verify("--chain", str(story.group.id), capsys=capsys)
    assert code == 0, report
    assert says(report, "VALID", "chain")


async def test_with_a_timestamp_authority_the_confirmation_is_stamped_and_verifies(
    api: BotAPIServer,
    mailbox: Mailbox,
    database_url: str,
    tsa: LocalTsa,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with serving(api, mailbox, database_url, tsa_url=tsa.url) as stamped:
        story = await invited_client(stamped, database_url)
        async with stamped.http.post(story.invited.confirm, data={"digest": story.digest}):
            pass
        [mail] = await mailbox.wait_for(to=CLIENT, where=is_confirmation)
    tokens = [p for p in mail.message.iter_attachments() if p.get_content_type() == STAMP]
    assert [p.get_filename() for p in tokens] == [f"email-confirmation-{story.group.id}-1-1.tsr"]
    assert tsa.requests == 2  # the agreement, then the confirmation

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TSA_CA_FILE", str(tsa.ca_certificate_path))
    assert await verify_content(mail.raw, entities_html=entities_to_html) == 0
    report = capsys.readouterr().out
    assert report.startswith("VALID"), report
    assert "whose certificate TSA_CA_FILE trusts" in report
