"""The record page behind every mail: what a client who got the mail sees, with no login."""

from __future__ import annotations

import hashlib

import aiohttp
import pytest

from tests.botapi import BotAPIServer
from tests.support.bot_in_process import bot_settings, running_bot
from tests.support.mailbox import Mailbox
from tests.support.mails import is_agreement, is_edit_alert, record_bytes
from tests.support.ports import free_port
from tests.support.site import OFFER, Site, agreed
from tests.support.webhooks import webhook_bot


async def test_the_record_page_shows_the_record_and_no_address(site: Site) -> None:
    digest = (await agreed(site)).digest

    async with site.http.get(f"/r/{digest}", headers={"Accept-Language": "en"}) as page:
        assert page.status == 200
        html = await page.text()
        policy = page.headers["Content-Security-Policy"]
    assert "Agreement #1: Stage 1" in html
    assert "Kitchen renovation" in html
    assert OFFER in html
    assert "Ann Lee" in html and "Ben" in html
    assert "Unchanged." in html and "The chain holds." in html
    assert digest in html
    assert "@example.com" not in html  # never an address
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy

    async with site.http.get(f"/r/{digest}.json") as download:
        record = await download.read()
        assert download.headers["Content-Disposition"].endswith('.json"')
    assert hashlib.sha256(record).hexdigest() == digest
    [mail] = await site.harness.mailbox.wait_for(to="ben@example.com", where=is_agreement)
    assert record == record_bytes(mail.message)


async def test_an_edit_shows_on_the_page_in_the_readers_language(site: Site) -> None:
    story = await agreed(site)
    story.ben.edits(story.offer, "Stage 1: 120 000 RUB, due 15 December.")
    await site.harness.mailbox.wait_for(to="ann@example.com", where=is_edit_alert)

    async with site.http.get(
        f"/r/{story.digest}", headers={"Accept-Language": "ru-RU,ru;q=0.9"}
    ) as page:
        html = await page.text()
    assert "Изменено 1 раз после согласования." in html
    assert "<del>150</del><ins>120</ins> 000 RUB" in html
    assert OFFER in html  # what was agreed still stands


async def test_an_unknown_digest_is_a_plain_not_found(site: Site) -> None:
    async with site.http.get("/r/" + "0" * 64) as page:
        assert page.status == 404
        assert "No such record" in await page.text()
    for path in ("/r/" + "0" * 64 + ".json", "/r/" + "0" * 64 + ".tsr", "/r/not-a-digest"):
        async with site.http.get(path) as answer:
            assert answer.status == 404, path
            assert "Content-Security-Policy" in answer.headers


async def test_walking_digests_is_cut_off(site: Site) -> None:
    statuses = []
    for n in range(65):
        async with site.http.get(f"/r/{n:064x}") as page:
            statuses.append(page.status)
    assert statuses[:60] == [404] * 60
    assert set(statuses[60:]) == {429}


async def test_without_web_base_url_nothing_listens(
    api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> None:
    port = free_port()
    settings = bot_settings(api, mailbox, database_url, web_port=port)
    async with running_bot(settings, api), aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(f"http://127.0.0.1:{port}/r/" + "0" * 64)


async def test_in_webhook_mode_the_pages_share_the_webhooks_server(
    local_api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> None:
    async with webhook_bot(local_api, mailbox, database_url, web_base_url="https://a.example") as (
        http,
        base,
    ):
        async with http.get(f"{base}/r/" + "0" * 64) as page:
            assert page.status == 404 and "No such record" in await page.text()
        async with http.get(f"{base}/healthz") as health:
            assert health.status == 200
