"""Unsubscribing as a person does it: the link from the mail opened in Chromium, the
button pressed, then "Subscribe again"; the mails' footers as a mail program shows them;
and the Mini App's switch. Phone and wide, Russian and English."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.support.browser import PHONE, WIDE, open_page, screenshot
from tests.support.mails import html_of, is_agreement, is_edit_alert
from tests.support.mini_app import LIGHT_THEME, app_url
from tests.support.site import Site, agreed
from tests.support.unsubscribing import page_link, unsubscribed_addresses

DONE = {"en": "Done: the bot sends no more emails to", "ru": "Готово: бот больше не присылает"}
AGAIN = {"en": "are on again", "ru": "снова включены"}
BUTTON = {"en": "Unsubscribe", "ru": "Отписаться"}
RESUBSCRIBE = {"en": "Subscribe again", "ru": "Подписаться снова"}


async def test_the_button_unsubscribes_and_the_next_one_subscribes_again(
    site: Site, browser: Browser, database_url: str
) -> None:
    story = await agreed(site)
    mailbox = site.harness.mailbox
    [ben_mail] = await mailbox.wait_for(to="ben@example.com", where=is_agreement)
    link = page_link(ben_mail.message)
    for language, width in (("ru", PHONE), ("en", WIDE)):
        opened = await open_page(browser, link, width=width, language=language)
        page = opened.page
        await screenshot(page, f"unsubscribe-page-{language}-{width}")
        assert "b…@example.com" in await page.inner_text("main")
        assert await unsubscribed_addresses(database_url) == {}  # opening it did nothing

        await page.get_by_role("button", name=BUTTON[language]).click()
        await expect(page.locator(".standing")).to_contain_text(DONE[language])
        await screenshot(page, f"unsubscribe-done-{language}-{width}")
        assert await unsubscribed_addresses(database_url) == {"ben@example.com": "link"}

        await page.get_by_role("button", name=RESUBSCRIBE[language]).click()
        await expect(page.locator(".standing")).to_contain_text(AGAIN[language])
        await screenshot(page, f"unsubscribe-again-{language}-{width}")
        assert await unsubscribed_addresses(database_url) == {}
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        assert opened.errors == []  # the page's policy let its form post
        await page.context.close()

    forged = await open_page(browser, link[:-3] + "xyz", width=PHONE, language="ru")
    await screenshot(forged.page, "unsubscribe-forged-ru-390")
    assert "Эта ссылка не работает" in await forged.page.inner_text("h1")
    await forged.page.context.close()

    # Subscribed again: the next edit's alert reaches Ben.
    story.ben.edits(story.offer, "Stage 1: 120 000 RUB, due 20 December.")
    await mailbox.wait_for(to="ben@example.com", where=is_edit_alert)


async def test_the_footer_as_a_mail_program_shows_it(site: Site, browser: Browser) -> None:
    story = await agreed(site)
    mailbox = site.harness.mailbox
    story.ben.edits(story.offer, "Stage 1: 120 000 RUB, due 20 December.")
    for address, language in (("ben@example.com", "ru"), ("ann@example.com", "en")):
        [alert] = await mailbox.wait_for(to=address, where=is_edit_alert)
        [record] = await mailbox.wait_for(to=address, where=is_agreement)
        for kind, mail in (("agreement", record), ("edit-alert", alert)):
            for width in (PHONE, WIDE):
                context = await browser.new_context(viewport={"width": width, "height": 900})
                page = await context.new_page()
                await page.set_content(html_of(mail.message))
                await screenshot(page, f"mail-{kind}-footer-{language}-{width}")
                link = page.get_by_role(
                    "link", name="отписаться" if language == "ru" else "unsubscribe"
                )
                assert await link.get_attribute("href") == page_link(mail.message)
                assert "/unsubscribe" in await page.inner_text("body")
                await context.close()


async def test_the_mini_app_switch(site: Site, browser: Browser, database_url: str) -> None:
    story = await agreed(site)
    for language, width in (("ru", PHONE), ("en", WIDE)):
        person = (
            story.ben if language == "ru" else site.harness.world.user("Ann", language_code="en")
        )
        opened = await open_page(browser, app_url(site, person, LIGHT_THEME), width=width)
        page = opened.page
        await expect(page.locator("#mail")).to_be_visible()
        await screenshot(page, f"mini-app-mail-{language}-{width}")
        if language == "en":  # a stranger to the bot: no address, no button
            assert "send /email to the bot" in await page.inner_text("#mail-state")
            assert await page.is_hidden("#mail-button")
            await page.context.close()
            continue
        assert "b…@example.com" in await page.inner_text("#mail-state")
        await page.click("#mail-button")
        await expect(page.locator("#mail-state")).to_contain_text("отключены")
        await screenshot(page, f"mini-app-mail-off-{language}-{width}")
        assert await unsubscribed_addresses(database_url) == {"ben@example.com": "mini_app"}
        await page.click("#mail-button")
        await expect(page.locator("#mail-button")).to_have_text("Отключить письма")
        assert await unsubscribed_addresses(database_url) == {}
        assert opened.errors == []
        await page.context.close()
