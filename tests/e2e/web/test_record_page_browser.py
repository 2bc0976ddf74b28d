"""The record page as a client opens it from the mail: in Chromium, phone and wide, light
and dark, Russian and English."""

from __future__ import annotations

import hashlib

import pytest
from playwright.async_api import Browser

from tests.support.browser import PHONE, WIDE, open_page, screenshot
from tests.support.mails import is_edit_alert
from tests.support.site import Site, agreed


async def test_a_client_reads_an_edited_record_and_downloads_it(
    site: Site, browser: Browser
) -> None:
    story = await agreed(site)
    story.ben.edits(story.offer, "Stage 1: 120 000 RUB, due 20 December.")
    await site.harness.mailbox.wait_for(to="ann@example.com", where=is_edit_alert)
    url = f"{site.base_url}/r/{story.digest}"

    for language, width, scheme in (("ru", PHONE, "dark"), ("en", WIDE, "light")):
        opened = await open_page(browser, url, width=width, language=language, scheme=scheme)
        page = opened.page
        await screenshot(page, f"record-edited-{language}-{width}-{scheme}")
        banner = await page.inner_text(".standing")
        assert ("Изменено 1 раз" if language == "ru" else "Edited 1 time") in banner
        assert await page.inner_text(".diff del") == "150"
        assert await page.inner_text(".diff ins") == "120"
        # Nothing is wider than the screen: the digest and long words wrap.
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        assert opened.errors == []  # the policy refused nothing the page needs

        async with page.expect_download() as waiting:
            await page.click("a[href$='.json']")
        download = await waiting.value
        saved = await download.path()
        assert hashlib.sha256(saved.read_bytes()).hexdigest() == story.digest
        assert download.suggested_filename.endswith("-1.json")
        await page.context.close()


@pytest.mark.parametrize("width", [320])
async def test_the_narrowest_phone_shows_everything(
    site: Site, browser: Browser, width: int
) -> None:
    story = await agreed(site)
    opened = await open_page(browser, f"{site.base_url}/r/{story.digest}", width=width)
    await screenshot(opened.page, f"record-intact-en-{width}-light")
    assert await opened.page.evaluate("document.documentElement.scrollWidth") <= width
    assert await opened.page.is_visible("text=Download the record (.json)")
