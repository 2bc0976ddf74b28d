"""The evidence pack buttons in Chromium: on one agreement's view, and for a chat while the
list shows that chat. A Telegram client of Bot API 8.0 is handed a short-lived signed link
that it fetches itself (WebApp.downloadFile); an older one gets the pack by a fetch with the
signed initData, saved from a blob: URL, under the page's policy."""

from __future__ import annotations

import hashlib
import io
import zipfile

from playwright.async_api import Browser, Page, expect

from tests.support.browser import PHONE, WIDE, open_page, screenshot
from tests.support.mini_app import DARK_THEME, LIGHT_THEME, agreements_in_two_groups, app_url
from tests.support.site import Site


async def downloaded(page: Page, button: str) -> tuple[str, dict[str, bytes]]:
    async with page.expect_download() as waiting:
        await page.click(button)
    download = await waiting.value
    path = await download.path()
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return download.suggested_filename, {n: archive.read(n) for n in archive.namelist()}


async def test_an_older_client_saves_an_agreements_and_a_chats_pack_from_a_blob(
    site: Site, browser: Browser
) -> None:
    story = await agreements_in_two_groups(site)
    kitchen = story.kitchen.id
    older = app_url(site, story.ann, LIGHT_THEME, version="7.10")
    opened = await open_page(browser, older, width=PHONE)
    page = opened.page
    await expect(page.locator("#items .item")).to_have_count(4)
    assert await page.is_hidden("#chat-pack")  # all chats: no chat's pack

    await page.locator(".item", has_text="Stage 2").click()
    await page.wait_for_selector("#pack-button")
    assert await page.inner_text("#pack-button") == "Download evidence pack"
    name, files = await downloaded(page, "#pack-button")
    assert name == f"evidence-agreement-{kitchen}-3.zip"
    digest = await page.inner_text("#detail .record code.digest")
    record = files[f"agreement-{kitchen}-3/agreement-{kitchen}-3.json"]
    assert hashlib.sha256(record).hexdigest() == digest
    await expect(page.locator("#detail .pack-note")).to_have_text("The pack is downloaded.")
    await screenshot(page, "mini-app-pack-downloaded-en-390-light")

    await page.click("#back")
    await page.select_option("#chat-filter", str(kitchen))
    await page.wait_for_selector("#chat-pack-button")
    await screenshot(page, "mini-app-chat-pack-en-390-light")
    name, files = await downloaded(page, "#chat-pack-button")
    assert name == f"evidence-chat{kitchen}.zip"
    assert len([n for n in files if n.endswith(".json")]) == 5
    await page.select_option("#chat-filter", "")
    assert await page.is_hidden("#chat-pack")
    assert opened.errors == []  # the policy let the blob: download through


async def test_the_buttons_in_russian_dark_and_wide(site: Site, browser: Browser) -> None:
    story = await agreements_in_two_groups(site)
    for width in (PHONE, WIDE):
        opened = await open_page(
            browser, app_url(site, story.ben, DARK_THEME), width=width, scheme="dark"
        )
        page = opened.page
        await expect(page.locator("#items .item")).to_have_count(4)
        await page.select_option("#chat-filter", str(story.kitchen.id))
        await page.wait_for_selector("#chat-pack-button")
        assert (
            await page.inner_text("#chat-pack-button") == "Скачать пакет доказательств этого чата"
        )
        await screenshot(page, f"mini-app-chat-pack-ru-{width}-dark")
        await page.locator(".item", has_text="Stage 1").click()
        await page.wait_for_selector("#pack-button")
        assert await page.inner_text("#pack-button") == "Скачать пакет доказательств"
        await screenshot(page, f"mini-app-pack-button-ru-{width}-dark")
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        assert opened.errors == []
        await page.context.close()


async def test_telegram_is_handed_a_link_it_fetches_itself(site: Site, browser: Browser) -> None:
    story = await agreements_in_two_groups(site)
    kitchen = story.kitchen.id
    opened = await open_page(browser, app_url(site, story.ann, LIGHT_THEME), width=PHONE)
    page = opened.page
    await page.locator(".item", has_text="Stage 2").click()
    await page.click("#pack-button")
    await expect(page.locator("#detail .pack-note")).to_have_text("Telegram is saving the pack.")
    [asked] = await page.evaluate("window.__telegram.downloads")
    assert asked["file_name"] == f"evidence-agreement-{kitchen}-3.zip"
    assert asked["url"].startswith(f"{site.base_url}/p/")

    # What the Telegram client then does: a plain GET, no initData.
    async with site.http.get(asked["url"]) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/zip"
        content = await response.read()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        record = archive.read(f"agreement-{kitchen}-3/agreement-{kitchen}-3.json")
    digest = await page.inner_text("#detail .record code.digest")
    assert hashlib.sha256(record).hexdigest() == digest
    assert opened.errors == []
