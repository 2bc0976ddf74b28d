"""A client confirms from the invitation in Chromium; what follows: the chain and verify,
the chat, every party's mail and the client's own, and the next edit reaching the client.
Both pages in Russian and English, on a phone and wide."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser

from tests.support.browser import PHONE, WIDE, open_page, screenshot, show_html
from tests.support.invitation_links import CLIENT, invited_client
from tests.support.mails import (
    header_digest,
    html_of,
    is_agreement,
    is_confirmation,
    is_edit_alert,
    record_bytes,
    record_of,
)
from tests.support.site import Site
from tests.support.verify_command import says, verify


async def test_a_client_confirms_in_the_browser_and_gets_the_next_edit(
    site: Site,
    browser: Browser,
    database_url: str,
    verify_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    story = await invited_client(site, database_url)
    mailbox, world = site.harness.mailbox, site.harness.world
    url = site.base_url + story.invited.confirm
    for language, width in (("ru", PHONE), ("en", WIDE), ("en", PHONE), ("ru", WIDE)):
        opened = await open_page(browser, f"{url}?lang={language}", width=width)
        await screenshot(opened.page, f"invitation-confirm-{language}-{width}")
        assert await opened.page.evaluate("document.documentElement.scrollWidth") <= width
        assert opened.errors == []
        await opened.page.context.close()

    opened = await open_page(browser, url)  # the invitation's language: Russian
    page = opened.page
    assert await page.inner_text("h1") == "Подтвердить договорённость №1"
    await page.click("text=Подтверждаю договорённость")
    await page.wait_for_selector(".standing-intact")
    assert "Подтверждено. Спасибо." in await page.inner_text(".standing-intact")
    assert await page.is_hidden("form.press")  # no second button
    await screenshot(page, "invitation-confirmed-ru-390")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE
    await page.context.close()

    notice = await world.bot_reply(story.group, lambda m: "by email" in m.get("text", ""))
    assert notice["text"].startswith("✅ Agreement #1 was confirmed by email by c…@example.com")
    assert CLIENT not in notice["text"]

    [client] = await mailbox.wait_for(to=CLIENT, where=is_confirmation)
    [ann] = await mailbox.wait_for(to="ann@example.com", where=is_confirmation)
    [ben] = await mailbox.wait_for(to="ben@example.com", where=is_confirmation)
    record = record_of(client.message)
    assert record["format"] == "email-confirmation-record/1"
    assert record["kind"] == "email-confirmation"
    assert record["address"] == CLIENT
    assert record["agreement"]["digest"] == story.digest
    assert record["previous_digest"] == story.digest  # the chain's head before it
    for mail in (ann, ben):
        assert record_bytes(mail.message) == record_bytes(client.message)
        assert header_digest(mail.message) == header_digest(client.message)
    assert str(client.message["In-Reply-To"]).startswith("<invitation-")
    [ben_agreement] = [m for m in mailbox.to("ben@example.com") if is_agreement(m.message)]
    assert ben.message["In-Reply-To"] == ben_agreement.message["Message-ID"]
    assert str(client.message["Subject"]).startswith("Подтверждено по почте")  # ru
    assert str(ann.message["Subject"]).startswith("Confirmed by email: Agreement #1")
    for mail, language in ((client, "ru"), (ann, "en")):
        assert CLIENT not in html_of(mail.message)  # masked; the attached record holds it
        for width in (PHONE, WIDE):
            shown = await show_html(browser, html_of(mail.message), width=width)
            await screenshot(shown, f"mail-email-confirmation-{language}-{width}")
            await shown.context.close()

    code, report = await verify("--chain", str(story.group.id), capsys=capsys)
    assert code == 0, report
    assert says(report, "VALID", "2 records")
    saved = tmp_path / "email-confirmation.json"
    saved.write_bytes(record_bytes(client.message))
    code, report = await verify(str(saved), capsys=capsys)
    assert code == 0, report
    assert says(report, "VALID", "store")

    story.ben.edits(story.offer, "Stage 1: 120 000 RUB, due 20 December.")
    [alert] = await mailbox.wait_for(to=CLIENT, where=is_edit_alert)
    assert alert.message["In-Reply-To"] == client.message["In-Reply-To"]  # its own thread
    assert "120" in str(alert.message.get_body(("plain",)).get_content())


async def test_not_me_in_the_browser(site: Site, browser: Browser, database_url: str) -> None:
    story = await invited_client(site, database_url, language="en")
    url = site.base_url + story.invited.refuse
    for language, width in (("en", PHONE), ("ru", WIDE), ("ru", PHONE), ("en", WIDE)):
        opened = await open_page(browser, f"{url}?lang={language}", width=width)
        await screenshot(opened.page, f"invitation-refuse-{language}-{width}")
        assert await opened.page.evaluate("document.documentElement.scrollWidth") <= width
        await opened.page.context.close()
    opened = await open_page(browser, url)
    await opened.page.click("text=This is not me: don't write to me again")
    await opened.page.wait_for_selector(".standing-intact")
    assert "no longer invited" in await opened.page.inner_text(".standing-intact")
    await screenshot(opened.page, "invitation-refused-en-390")
    assert await opened.page.evaluate("document.documentElement.scrollWidth") <= PHONE
    notice = await site.harness.world.bot_reply(story.group, lambda m: "🚫" in m["text"])
    assert "c…@example.com" in notice["text"]
