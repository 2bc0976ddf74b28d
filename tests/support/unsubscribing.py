"""What the unsubscribe tests read: the ways out a mail names (List-Unsubscribe, the
footer's link), the page behind the link, and the addresses the bot holds unsubscribed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from sqlalchemy import text

from tests.support.mails import html_of, text_of
from tests.support.site import Site
from tests.support.stored import connection_on

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def ways_out(message: EmailMessage) -> list[str]:
    """The URIs of the mail's List-Unsubscribe, in order; none without the header."""
    value = message["List-Unsubscribe"]
    return re.findall(r"<([^<>]+)>", str(value)) if value is not None else []


def page_link(message: EmailMessage) -> str:
    """The https (here http) URI of List-Unsubscribe: the one-click and page address."""
    [link] = [uri for uri in ways_out(message) if uri.startswith("http")]
    return link


def footer_links(message: EmailMessage) -> tuple[list[str], list[str]]:
    """The unsubscribe links the text part and the HTML part show."""
    pattern = r"(?:https?://[^\s\"<>]+/u/[A-Za-z0-9_-]+|mailto:[^\s\"<>]+)"
    return re.findall(pattern, text_of(message)), re.findall(pattern, html_of(message))


def path_of(link: str) -> str:
    return urlsplit(link).path


@dataclass
class Page:
    status: int
    text: str
    redirected: bool


async def get_page(site: Site, link: str, language: str = "en") -> Page:
    headers = {"Accept-Language": language}
    async with site.http.get(path_of(link), headers=headers, allow_redirects=False) as response:
        return Page(response.status, await response.text(), bool(response.history))


async def post_form(site: Site, link: str, form: dict[str, str], language: str = "en") -> Page:
    """A POST as a mail program sends RFC 8058's one-click (form-encoded), or a page's form."""
    headers = {"Accept-Language": language}
    async with site.http.post(
        path_of(link), data=form, headers=headers, allow_redirects=False
    ) as response:
        return Page(response.status, await response.text(), bool(response.history))


async def unsubscribed_addresses(database_url: str) -> dict[str, str]:
    """Each unsubscribed address and how it was unsubscribed."""
    async with connection_on(database_url) as connection:
        rows = await connection.execute(text("SELECT address, via FROM unsubscribes"))
        return {address: via for address, via in rows}
