"""A client who confirmed by email accepts an edit from its alert mail: the link opens a
page that only shows; its button accepts once; the amendment is recorded only when the
parties in Telegram and the client all accepted. Forged, expired and stale links change
nothing, and an address that said "not me" is no longer waited for."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.email_accepts import accept_path, confirmed_client, counts
from tests.support.invitation_links import CLIENT, SIGNER
from tests.support.mails import is_amendment, is_edit_alert, record_of, text_of
from tests.support.site import Site
from tests.support.stored import database_contents
from tests.support.verify_command import says, verify

NEW = "Stage 1: 140 000 RUB, due 15 December."
ACCEPT = "✅ Accept new version"


def edited(m: dict) -> bool:
    return "edited" in m.get("text", "")


async def test_the_client_accepts_the_edit_and_the_last_acceptance_amends(
    site: Site,
    database_url: str,
    verify_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    story = await confirmed_client(site, database_url)
    harness, world = site.harness, site.harness.world
    story.ben.edits(story.offer, NEW)
    [alert] = await harness.mailbox.wait_for(to=CLIENT, where=is_edit_alert)
    path = accept_path(alert.message, site.base_url)
    assert path is not None and "Прочитайте новую версию" in text_of(alert.message)
    assert "подтвердил договорённость №1 по почте" in text_of(alert.message)
    [ann_alert] = await harness.mailbox.wait_for(to="ann@example.com", where=is_edit_alert)
    assert accept_path(ann_alert.message, site.base_url) is None  # she accepts in Telegram

    for _ in range(2):  # a link scanner, then the client: opening changes nothing
        async with site.http.get(path) as page:
            assert page.status == 200
            html = await page.text()
    assert "Принять новую версию договорённости №1" in html
    assert "<ins>140</ins>" in html and "<del>150</del>" in html  # the word diff
    assert "Принимаю новую версию" in html and CLIENT not in html
    assert await counts(database_url) == (0, 0)

    chat_alert = await world.bot_reply(story.group, edited)
    story.ann.presses(chat_alert, ACCEPT)
    answer = await harness.api.wait_for_call("answerCallbackQuery")
    assert answer.params["text"] == "Accepted. Waiting for: Ben, and by email: c…@example.com."
    query = story.ben.presses(chat_alert, ACCEPT)
    answer = await harness.api.wait_for_call(
        "answerCallbackQuery", lambda p: p["callback_query_id"] == query
    )
    assert answer.params["text"].startswith(  # Ben speaks Russian
        "Принято. Ждём c…@example.com — подтвердил(а) по почте"
    )
    assert await counts(database_url) == (0, 0)  # the client has not accepted yet

    async with site.http.post(path) as press:
        assert press.status == 200
        assert "Принято. Поправка №1.1 записана." in await press.text()
    notice = await world.bot_reply(story.group, lambda m: "📝" in m.get("text", ""))
    assert "c…@example.com accepted the new version of agreement #1 by email" in notice["text"]
    assert CLIENT not in notice["text"]
    [amendment] = await harness.mailbox.wait_for(to=CLIENT, where=is_amendment)
    await harness.mailbox.wait_for(to="ben@example.com", where=is_amendment)
    record = record_of(amendment.message)
    [by_email] = [e for e in record["accepted_by"] if e.get("kind") == "email"]
    assert by_email["address"] == "c…@example.com" and by_email["terms"]["language"] == "ru"
    assert CLIENT not in json.dumps(record, ensure_ascii=False)
    assert "c…@example.com" in text_of(amendment.message)  # among who accepted it

    async with site.http.post(path) as again:  # a replay changes nothing
        assert again.status == 200
        assert "Эта версия теперь — поправка №1.1." in await again.text()
    assert await counts(database_url) == (1, 1)
    code, report = await verify("--chain", str(story.group.id), capsys=capsys)
    assert code == 0, report
    assert says(report, "VALID", "3 records")


async def test_forged_expired_and_foreign_links_change_nothing(
    site: Site, database_url: str
) -> None:
    story = await confirmed_client(site, database_url, language="en")
    story.ben.edits(story.offer, NEW)
    [alert] = await site.harness.mailbox.wait_for(to=CLIENT, where=is_edit_alert)
    path = accept_path(alert.message, site.base_url)
    assert path is not None
    party, version = story.invited.party_id, 1
    token = path.removeprefix("/a/")
    later = datetime.now(UTC) + timedelta(days=1)
    cases = {
        f"/a/{token[:-2]}{'AA' if not token.endswith('AA') else 'BB'}": 400,
        f"/a/{SIGNER.sign('confirm', f'{party}:{version}', later)}": 400,  # other purpose
        f"/a/{story.invited.confirm.removeprefix('/i/')}": 400,  # the invitation's link
        f"/a/{SIGNER.sign('accept', f'{party + 1000}:{version}', later)}": 400,  # nobody's
        f"/a/{SIGNER.sign('accept', f'{party}:{version + 1000}', later)}": 400,
        f"/a/{SIGNER.sign('accept', f'{party}:{version}', datetime.now(UTC))}": 410,
        "/a/not-a-token": 400,
    }
    before = await database_contents(database_url)
    for bad, status in cases.items():
        for method in ("GET", "POST"):
            async with site.http.request(method, bad) as page:
                assert (page.status, method, bad) == (status, method, bad)
                words = "has expired" if status == 410 else "doesn't work"
                assert words in await page.text()
    assert await database_contents(database_url) == before


async def test_a_newer_edit_makes_the_link_stale(site: Site, database_url: str) -> None:
    story = await confirmed_client(site, database_url, language="en")
    mailbox = site.harness.mailbox
    story.ben.edits(story.offer, NEW)
    [first] = await mailbox.wait_for(to=CLIENT, where=is_edit_alert)
    old = accept_path(first.message, site.base_url)
    story.ben.edits(story.offer, "Stage 1: 130 000 RUB, due 15 December.")
    alerts = await mailbox.wait_for(to=CLIENT, where=is_edit_alert, count=2)
    new = accept_path(alerts[-1].message, site.base_url)
    assert old and new and old != new
    async with site.http.post(old) as press:
        assert press.status == 409
        assert "The message was edited again since this email." in await press.text()
    assert await counts(database_url) == (0, 0)
    async with site.http.post(new) as press:
        assert press.status == 200
        assert "Accepted. Thank you." in await press.text()
    assert await counts(database_url) == (1, 0)  # Ann and Ben have not accepted


async def test_not_me_after_confirming_no_longer_blocks(site: Site, database_url: str) -> None:
    story = await confirmed_client(site, database_url, language="en")
    harness, world = site.harness, site.harness.world
    story.ben.edits(story.offer, NEW)
    [alert] = await harness.mailbox.wait_for(to=CLIENT, where=is_edit_alert)
    path = accept_path(alert.message, site.base_url)
    assert path is not None
    async with site.http.post(story.invited.refuse) as refused:
        assert refused.status == 200

    chat_alert = await world.bot_reply(story.group, edited)
    story.ann.presses(chat_alert, ACCEPT)
    story.ben.presses(chat_alert, ACCEPT)
    notice = await world.bot_reply(story.group, lambda m: "Amendment #1.1" in m.get("text", ""))
    assert "every party accepted" in notice["text"]
    async with site.http.post(path) as press:
        assert press.status == 200  # the version is the amendment now
        assert "This version is amendment #1.1 now." in await press.text()
    assert await counts(database_url) == (0, 1)
