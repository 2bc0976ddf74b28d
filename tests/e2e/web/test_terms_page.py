"""The signing terms on the web, for anyone: the page in Chromium (ru and en, phone and
wide), the file whose SHA-256 parties accept, and each party's terms on the record page."""

from __future__ import annotations

import hashlib

from playwright.async_api import Browser

from tests.support.browser import PHONE, WIDE, open_page, screenshot
from tests.support.site import Site, agreed
from tests.support.terms import shipped_digest


async def test_the_terms_page_shows_the_text_and_the_digest_of_its_file(
    site: Site, browser: Browser
) -> None:
    for language, width, title in (
        ("ru", PHONE, "Условия подписания, версия 1"),
        ("en", PHONE, "Signing terms, version 1"),
        ("ru", WIDE, "Условия подписания, версия 1"),
        ("en", WIDE, "Signing terms, version 1"),
    ):
        opened = await open_page(browser, f"{site.base_url}/terms", width=width, language=language)
        page = opened.page
        await screenshot(page, f"terms-{language}-{width}")
        assert await page.inner_text("h1") == title
        assert await page.inner_text(".evidence .digest") == shipped_digest(language)
        assert await page.locator(".terms h2").count() == 5  # the numbered sections
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        assert opened.errors == []

        async with page.expect_download() as waiting:
            await page.click("a[href$='.txt']")
        saved = await (await waiting.value).path()
        assert hashlib.sha256(saved.read_bytes()).hexdigest() == shipped_digest(language)
        await page.context.close()


async def test_only_shipped_texts_are_served(site: Site) -> None:
    async with site.http.get("/terms/v1.ru.txt") as found:
        assert found.status == 200 and found.charset == "utf-8"
        assert hashlib.sha256(await found.read()).hexdigest() == shipped_digest("ru")
    for missing in ("/terms/v2.en.txt", "/terms/v0.en.txt", "/terms/v1.de.txt", "/terms/x"):
        async with site.http.get(missing) as refused:
            assert refused.status == 404, missing


async def test_the_bot_links_the_page(site: Site) -> None:
    harness = site.harness
    ann = harness.world.user("Ann", language_code="en")
    ann.says_private("/terms")
    answer = (await harness.world.bot_reply(ann))["text"]
    assert f"{site.base_url}/terms?lang=en" in answer


async def test_the_record_page_names_the_terms_each_party_had_accepted(
    site: Site, browser: Browser
) -> None:
    story = await agreed(site)  # Ann (en) and Ben (ru) bound addresses, so accepted
    carl = site.harness.world.user("Carl", language_code="en")  # joins with no address
    carl.says(story.offer["chat"], "/agree", reply_to=story.offer)
    await site.harness.world.bot_reply(story.offer["chat"]["id"], lambda m: "Carl" in m["text"])

    en, ru = shipped_digest("en")[:12], shipped_digest("ru")[:12]
    expected = {
        "en": [
            f"Ben · accepted terms v1 · sha {ru}…",  # the author first, then who marked it
            f"Ann Lee · accepted terms v1 · sha {en}…",
            "Carl · had not accepted the signing terms",
        ],
        "ru": [
            f"Ben · условия v1 приняты · sha {ru}…",
            f"Ann Lee · условия v1 приняты · sha {en}…",
            "Carl · условия подписания не приняты",
        ],
    }
    for language, width in (("ru", PHONE), ("en", WIDE)):
        opened = await open_page(
            browser, f"{site.base_url}/r/{story.digest}", width=width, language=language
        )
        await screenshot(opened.page, f"record-terms-{language}-{width}")
        signers = await opened.page.locator(".signers li").all_inner_texts()
        assert [" ".join(s.split()) for s in signers] == expected[language]
        assert await opened.page.evaluate("document.documentElement.scrollWidth") <= width
        await opened.page.context.close()
