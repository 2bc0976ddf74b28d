"""The client accepts an edit in Chromium, from the link in its alert mail: the page in
Russian and English, on a phone and wide, the mails it reads, and the chat told."""

from __future__ import annotations

from playwright.async_api import Browser

from tests.support.browser import PHONE, WIDE, open_page, screenshot, show_html
from tests.support.email_accepts import accept_path, confirmed_client, counts
from tests.support.invitation_links import CLIENT
from tests.support.mails import html_of, is_amendment, is_edit_alert
from tests.support.site import Site

NEW = "Stage 1: 140 000 RUB, due 15 December.\nMaterials are on the client."


async def test_a_client_accepts_the_new_version_in_the_browser(
    site: Site, browser: Browser, database_url: str
) -> None:
    story = await confirmed_client(site, database_url)
    harness, world = site.harness, site.harness.world
    story.ben.edits(story.offer, NEW)
    [alert] = await harness.mailbox.wait_for(to=CLIENT, where=is_edit_alert)
    [ann_alert] = await harness.mailbox.wait_for(to="ann@example.com", where=is_edit_alert)
    path = accept_path(alert.message, site.base_url)
    assert path is not None
    for mail, language in ((alert, "ru"), (ann_alert, "en")):
        for width in (PHONE, WIDE):
            shown = await show_html(browser, html_of(mail.message), width=width)
            await screenshot(shown, f"mail-edit-alert-{language}-{width}")
            await shown.context.close()
    chat_alert = await world.bot_reply(story.group, lambda m: "edited" in m.get("text", ""))
    story.ann.presses(chat_alert, "✅ Accept new version")
    await harness.api.wait_for_call("answerCallbackQuery")

    url = site.base_url + path
    for language, width in (("ru", PHONE), ("en", WIDE), ("en", PHONE), ("ru", WIDE)):
        opened = await open_page(browser, f"{url}?lang={language}", width=width)
        await screenshot(opened.page, f"accept-{language}-{width}")
        assert await opened.page.evaluate("document.documentElement.scrollWidth") <= width
        assert opened.errors == []
        await opened.page.context.close()
    assert await counts(database_url) == (0, 0)  # opening accepted nothing

    opened = await open_page(browser, url)  # the invitation's language: Russian
    page = opened.page
    assert await page.inner_text("h1") == "Принять новую версию договорённости №1"
    assert "Materials are on the client." in await page.inner_text("main")
    await page.click("text=Принимаю новую версию")
    await page.wait_for_selector(".standing-intact")
    assert "Принято. Спасибо." in await page.inner_text(".standing-intact")
    assert await page.is_hidden("form.press")  # no second button
    await screenshot(page, "accepted-ru-390")
    await page.context.close()
    notice = await world.bot_reply(story.group, lambda m: "✅ c…@example.com" in m["text"])
    assert "Still waiting for: Ben" in notice["text"]  # the card speaks Ann's English

    story.ben.presses(chat_alert, "✅ Accept new version")
    [amendment] = await harness.mailbox.wait_for(to=CLIENT, where=is_amendment)
    assert await counts(database_url) == (1, 1)
    for width in (PHONE, WIDE):
        shown = await show_html(browser, html_of(amendment.message), width=width)
        await screenshot(shown, f"mail-amendment-ru-{width}")
        await shown.context.close()
    opened = await open_page(browser, f"{url}?lang=en", width=WIDE)
    assert "This version is amendment #1.1 now." in await opened.page.inner_text("main")
    await screenshot(opened.page, "accept-amended-en-1280")
    await opened.page.context.close()
