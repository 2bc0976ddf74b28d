"""Pages in a real browser: Debian's chromium, driven by Playwright.

``SCREENSHOTS=/some/dir`` keeps a picture of each page a test shoots, for a person to look
at; without it the pictures are still taken (so a page that cannot render fails) and
dropped.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from playwright.async_api import Browser, Page, async_playwright

PHONE = 390  # a common phone's CSS width
NARROWEST = 320  # the narrowest phones Telegram runs on
WIDE = 1280

Scheme = Literal["light", "dark"]


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        raise RuntimeError("chromium is missing: apt-get install chromium (scripts/test does)")
    return found


async def launched() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        # --no-sandbox: CI runs as root, where chromium's sandbox cannot start.
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Opened:
    page: Page
    errors: list[str] = field(default_factory=list)  # console errors: a refused script...


async def open_page(
    browser: Browser,
    url: str,
    *,
    width: int = PHONE,
    language: str = "en",
    scheme: Scheme = "light",
) -> Opened:
    context = await browser.new_context(
        viewport={"width": width, "height": 900},
        locale=language,
        color_scheme=scheme,
        accept_downloads=True,
        extra_http_headers={"Accept-Language": language},
    )
    opened = Opened(await context.new_page())
    opened.page.on(
        "console", lambda m: opened.errors.append(m.text) if m.type == "error" else None
    )
    opened.page.on("pageerror", lambda e: opened.errors.append(str(e)))
    await opened.page.goto(url)
    return opened


async def screenshot(page: Page, name: str) -> bytes:
    picture = await page.screenshot(full_page=True)
    keep = os.environ.get("SCREENSHOTS")
    if keep:
        await asyncio.to_thread(_keep, Path(keep) / f"{name}.png", picture)
    return picture


def _keep(path: Path, picture: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(picture)


async def show_html(browser: Browser, html: str, *, width: int = PHONE) -> Page:
    """A mail's HTML part as a mail client shows it: no script, nothing fetched."""
    context = await browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    page = await context.new_page()
    await page.set_content(html)
    return page
