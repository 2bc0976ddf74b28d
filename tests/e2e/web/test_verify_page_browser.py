"""The verify page as a client uses it, in Chromium: the mail chosen with the form (no script
needed) or dropped on the page, on a phone and wide, light and dark, Russian and English."""

from __future__ import annotations

import base64

from playwright.async_api import Browser, Page

from tests.support.browser import PHONE, WIDE, open_page, screenshot
from tests.support.forgery import tampered
from tests.support.mails import is_agreement
from tests.support.site import Site, agreed

DROP = """([name, data]) => {
    const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
    const files = new DataTransfer();
    files.items.add(new File([bytes], name, {type: "message/rfc822"}));
    return files;
}"""


async def dropped(page: Page, name: str, content: bytes) -> None:
    """A file dragged from the desktop and let go over the page."""
    files = await page.evaluate_handle(DROP, [name, base64.b64encode(content).decode()])
    async with page.expect_navigation():
        await page.dispatch_event("#drop", "dragover", {"dataTransfer": files})
        await page.dispatch_event("#drop", "drop", {"dataTransfer": files})


async def test_a_client_checks_their_mail_and_a_doctored_one(site: Site, browser: Browser) -> None:
    story = await agreed(site)
    [mail] = await site.harness.mailbox.wait_for(to="ben@example.com", where=is_agreement)
    forged = tampered(mail.raw, "150 000", "950 000", parts=("plain", "html"))
    url = f"{site.base_url}/verify"

    for language, width, scheme in (
        ("ru", PHONE, "dark"),
        ("en", WIDE, "light"),
        ("en", PHONE, "light"),
        ("ru", WIDE, "dark"),
    ):
        opened = await open_page(browser, url, width=width, language=language, scheme=scheme)
        page = opened.page
        await screenshot(page, f"verify-form-{language}-{width}-{scheme}")
        kept = "Что сохраняется: ничего" if language == "ru" else "What is kept: nothing"
        assert await page.is_visible(f"text={kept}")

        await page.set_input_files("#evidence", files=[_file("письмо.eml", mail.raw)])
        async with page.expect_navigation():
            await page.click("button[type=submit]")
        await screenshot(page, f"verify-valid-{language}-{width}-{scheme}")
        verdict = await page.inner_text(".verdict h2")
        assert verdict == ("ВЕРНО" if language == "ru" else "VALID")
        assert "письмо.eml" in await page.inner_text(".verdict")
        assert await page.get_attribute(".verdict a", "href") == f"/r/{story.digest}"

        await dropped(page, "forged.eml", forged)
        await screenshot(page, f"verify-invalid-{language}-{width}-{scheme}")
        assert await page.inner_text(".verdict h2") == (
            "НЕВЕРНО" if language == "ru" else "INVALID"
        )
        failed = await page.locator(".check-invalid").all_inner_texts()
        assert len(failed) == 2 and all("950 000" in line for line in failed), failed
        # Nothing is wider than the screen: digests and long words wrap.
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        assert opened.errors == []  # the policy refused nothing the page needs
        await page.context.close()


async def test_the_record_page_leads_to_the_verify_page(site: Site, browser: Browser) -> None:
    story = await agreed(site)
    opened = await open_page(browser, f"{site.base_url}/r/{story.digest}", language="ru")
    async with opened.page.expect_navigation():
        await opened.page.click("a[href='/verify']")
    assert opened.page.url.endswith("/verify")
    assert await opened.page.inner_text("h1") == "Проверка письма о договорённости"
    await opened.page.context.close()


def _file(name: str, content: bytes) -> dict[str, object]:
    return {"name": name, "mimeType": "message/rfc822", "buffer": content}
