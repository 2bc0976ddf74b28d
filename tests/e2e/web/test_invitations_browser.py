"""Inviting by email as people see it, in Chromium: "Add by email" in the Mini App (a
party invites, the address shows masked with its state, a refusal reads in the reader's
words, a member who is no party gets no form), and the invitation mail itself, phone and
wide, Russian and English."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from tests.support.browser import PHONE, WIDE, open_page, screenshot
from tests.support.invitations import bot_may_delete
from tests.support.mails import html_of, is_invitation
from tests.support.mini_app import LIGHT_THEME, app_url, recorded
from tests.support.site import Site

OFFER = "Stage 1: 150 000 RUB, due 15 December.\nTiles: white, 20×20 — Ben buys them."


async def open_agreement(site: Site, browser: Browser, person, width: int) -> Page:
    opened = await open_page(browser, app_url(site, person, LIGHT_THEME), width=width)
    page = opened.page
    await expect(page.locator("#items .item")).to_have_count(1)
    await page.click(".item")
    await page.wait_for_selector(".email-parties")
    return page


async def test_a_party_adds_a_client_by_email_in_the_mini_app(
    site: Site, browser: Browser
) -> None:
    harness = site.harness
    world = harness.world
    ann = world.user("Ann", "Lee", username="ann", language_code="en")
    ben = world.user("Ben", username="ben", language_code="ru")
    cat = world.user("Cat", language_code="en")
    group = world.group("Kitchen renovation")
    ann.says(group, "/agree", reply_to=ben.says(group, OFFER))
    await world.bot_reply(group, recorded)
    cat.says(group, "Looks good to me.")

    page = await open_agreement(site, browser, ann, PHONE)
    assert (await page.inner_text(".email-parties")).startswith("Invited by email")
    await screenshot(page, "mini-app-invite-empty-en-390")
    await page.fill("#invite-address", "Client@Example.com")
    await page.click("#invite-button")
    await expect(page.locator("#invite-note")).to_have_text("Invitation mailed to c…@example.com.")
    await expect(page.locator(".invited li")).to_have_text("c…@example.com" + "invited")
    await screenshot(page, "mini-app-invite-sent-en-390")
    [mail] = await harness.mailbox.wait_for(to="client@example.com", where=is_invitation)
    await page.fill("#invite-address", "client@example")
    await page.click("#invite-button")
    await expect(page.locator("#invite-note.bad")).to_have_text(
        "That is not an email address the bot can send to. Check it for typos."
    )
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE

    wide = await open_agreement(site, browser, ben, WIDE)  # a party, in Russian
    assert (await wide.inner_text(".email-parties h2")) == "Приглашены по email"
    await expect(wide.locator(".invited li")).to_have_text("c…@example.com" + "приглашён")
    await wide.fill("#invite-address", "client@example.com")
    await wide.click("#invite-button")
    await expect(wide.locator("#invite-note.bad")).to_have_text(
        "Этот адрес уже приглашён к этой договорённости."
    )
    await screenshot(wide, "mini-app-invite-again-ru-1280")

    member = await open_agreement(site, browser, cat, PHONE)  # sees the list, no form
    await expect(member.locator(".invited li")).to_have_count(1)
    assert await member.locator("#invite-address").count() == 0

    said = [call.params.get("text", "") for call in harness.api.calls("sendMessage")]
    assert not any("client@" in text.lower() for text in said)
    assert is_invitation(mail.message)


async def test_the_invitation_mail_reads_well_phone_and_wide(site: Site, browser: Browser) -> None:
    harness = site.harness
    world = harness.world
    group = world.group("Kitchen renovation")
    bot_may_delete(harness.api, group)
    ben = world.user("Ben", username="ben", language_code="en")
    offer = ben.says(group, OFFER)
    for language, address in (("en", "client@example.com"), ("ru", "klient@example.com")):
        adder = world.user("Anna" if language == "ru" else "Ann", language_code=language)
        adder.says(group, f"/agree {address}", reply_to=offer)
        [mail] = await harness.mailbox.wait_for(to=address, where=is_invitation)
        html = html_of(mail.message)
        for width in (PHONE, WIDE):
            opened = await open_page(browser, "about:blank", width=width, language=language)
            await opened.page.set_content(html)
            await screenshot(opened.page, f"invitation-mail-{language}-{width}")
            confirm = "I confirm this agreement" if language == "en" else "Я подтверждаю"
            link = opened.page.locator("a", has_text=confirm)
            assert (await link.get_attribute("href") or "").startswith(f"{site.base_url}/i/")
            assert await opened.page.evaluate("document.documentElement.scrollWidth") <= width
            await opened.page.context.close()
