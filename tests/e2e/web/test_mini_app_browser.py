"""The Mini App in Chromium, opened the way a Telegram client opens it: initData and the
theme in the address, Telegram's script (a local stand-in) loaded under the page's policy.
Phone and wide, light and dark (Telegram's theme), Russian and English."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from tests.support.browser import NARROWEST, PHONE, WIDE, open_page, screenshot
from tests.support.mini_app import (
    DARK_THEME,
    LIGHT_THEME,
    agreements_in_two_groups,
    app_url,
    recorded,
)
from tests.support.site import Site


async def items(page: Page, count: int) -> None:
    # Playwright's own polling: the page's policy refuses the eval of wait_for_function.
    await expect(page.locator("#items .item")).to_have_count(count)


async def test_a_member_filters_opens_an_agreement_and_sees_the_diff(
    site: Site, browser: Browser
) -> None:
    story = await agreements_in_two_groups(site)
    async with site.http.get("/app") as shell:
        policy = shell.headers["Content-Security-Policy"]
    assert f"script-src 'self' {site.script_url};" in policy

    opened = await open_page(browser, app_url(site, story.cat, LIGHT_THEME), width=PHONE)
    page = opened.page
    await items(page, 4)
    assert await page.evaluate("window.__telegram.ready") == 1
    theme = await page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--tg-theme-bg-color')"
    )
    assert theme.strip() == LIGHT_THEME["bg_color"]
    titles = await page.locator(".item-title").all_inner_texts()
    assert titles[0].startswith("Paint") and titles[1] == "Stage 2"
    assert await page.is_hidden("#more")  # four agreements: one page

    await page.select_option("#state-filter", "edited")
    await items(page, 1)
    await page.select_option("#state-filter", "")
    await items(page, 4)
    await page.fill("#search", "плитка")
    await items(page, 1)
    assert (await page.inner_text(".item-title")).startswith("Плитка")
    await page.fill("#search", "")
    await items(page, 4)
    await page.select_option("#state-filter", "edited")
    await items(page, 1)

    await page.click(".item")
    await page.wait_for_selector(".side-by-side")
    assert await page.inner_text("#detail h1") == "Agreement #1: Stage 1"
    assert await page.inner_text(".side-by-side del") == "150"
    assert await page.inner_text(".side-by-side ins") == "120"
    before, after = await page.locator(".side-by-side .diff").all_inner_texts()
    assert before == "Stage 1: 150 000 RUB, due 15 December."
    assert after == "Stage 1: 120 000 RUB, due 15 December."
    record_link = page.locator("#detail a", has_text="Open the record page").first
    assert await record_link.get_attribute("href") == f"/r/{await _digest(page)}"
    assert await page.evaluate("window.__telegram.backButtonVisible") is True

    await page.evaluate("window.__telegram.pressBack()")  # Telegram's own back button
    await page.wait_for_selector("#list-view", state="visible")
    await items(page, 1)
    assert await page.is_hidden("#status")  # no "Loading…" left from the agreement
    assert await page.evaluate("window.__telegram.backButtonVisible") is False
    assert opened.errors == []  # the policy let Telegram's script in, and nothing failed


async def _digest(page: Page) -> str:
    return await page.inner_text("#detail .record code.digest")


async def test_every_page_in_both_languages_both_themes_phone_and_wide(
    site: Site, browser: Browser
) -> None:
    story = await agreements_in_two_groups(site)
    looks = [
        # who opens it (their Telegram language), Telegram's theme, the system's, width
        (story.ben, "ru", DARK_THEME, "light", NARROWEST),
        (story.cat, "en", LIGHT_THEME, "light", PHONE),
        (story.ben, "ru", LIGHT_THEME, "dark", WIDE),
        (story.cat, "en", DARK_THEME, "light", WIDE),
    ]
    for person, language, theme, system, width in looks:
        scheme = "dark" if theme is DARK_THEME else "light"
        opened = await open_page(browser, app_url(site, person, theme), width=width, scheme=system)
        page = opened.page
        await items(page, 4)
        name = f"mini-app-list-{language}-{width}-{scheme}"
        await screenshot(page, name)
        assert await page.evaluate("document.documentElement.lang") == language
        heading = await page.inner_text("#app-title")
        assert heading == ("Договорённости" if language == "ru" else "Agreements")
        # Telegram's theme wins over the system's: the page's background is the theme's.
        background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == _rgb(theme["secondary_bg_color"]), name
        assert await page.evaluate("document.documentElement.scrollWidth") <= width, name

        await page.locator(".item", has_text="Stage 2").click()
        await page.wait_for_selector(".record + .record")  # the agreement's and #3.1's
        await screenshot(page, f"mini-app-amended-{language}-{width}-{scheme}")
        expected = "Изменение №3.1" if language == "ru" else "Amendment #3.1"
        assert expected in await page.inner_text("#detail .evidence")
        assert await page.evaluate("document.documentElement.scrollWidth") <= width, name
        await page.click("#back")
        await page.locator(".item", has_text="Stage 1").click()
        await page.wait_for_selector(".side-by-side")
        await screenshot(page, f"mini-app-edited-{language}-{width}-{scheme}")
        assert await page.evaluate("document.documentElement.scrollWidth") <= width, name
        assert opened.errors == [], name
        await page.context.close()


def _rgb(color: str) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


async def test_a_stale_or_missing_sign_in_says_what_to_do(site: Site, browser: Browser) -> None:
    ann = site.harness.world.user("Ann", language_code="ru")
    stale = await open_page(browser, app_url(site, ann, DARK_THEME, age=3700), width=PHONE)
    await stale.page.wait_for_selector("#status.bad")
    await screenshot(stale.page, "mini-app-expired-ru-390-dark")
    assert "Сеанс устарел" in await stale.page.inner_text("#status")
    assert await stale.page.is_hidden("#list-view")

    outside = await open_page(browser, f"{site.base_url}/app", width=PHONE, language="en")
    await outside.page.wait_for_selector("#status.bad")
    assert "Open this page from the bot in Telegram" in await outside.page.inner_text("#status")
    assert outside.errors == []


async def test_what_people_wrote_is_shown_as_text_never_run(site: Site, browser: Browser) -> None:
    world = site.harness.world
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("<i>Kitchen</i>")
    bait = '<img src="x" onerror="window.pwned = 1">Price <b>100</b>'
    ann.says(group, "/agree <script>window.pwned = 2</script>", reply_to=ben.says(group, bait))
    await world.bot_reply(group, recorded)

    opened = await open_page(browser, app_url(site, ann, LIGHT_THEME), width=PHONE)
    page = opened.page
    await items(page, 1)
    assert await page.inner_text(".item-title") == "<script>window.pwned = 2</script>"
    assert "<i>Kitchen</i>" in (await page.text_content(".item .eyebrow") or "")
    await page.click(".item")
    await page.wait_for_selector("#detail .agreed")
    assert await page.inner_text("#detail .agreed") == bait
    assert await page.locator("#detail img, #detail script, #detail b").count() == 0
    assert await page.evaluate("window.pwned") is None
