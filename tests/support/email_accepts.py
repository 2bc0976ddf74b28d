"""For the accept-by-email stories: a client who confirmed the invitation, and the accept
link its edit alert carries."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from bot.db.models import Amendment, EmailAcceptance
from tests.support.invitation_links import Story, invited_client
from tests.support.mails import text_of
from tests.support.site import Site
from tests.support.stored import session_on

_ACCEPT = re.compile(r"(https?://\S+)(/a/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")


async def confirmed_client(site: Site, database_url: str, *, language: str = "ru") -> Story:
    """invited_client, and client@example.com pressed "I confirm this agreement"."""
    story = await invited_client(site, database_url, language=language)
    async with site.http.post(story.invited.confirm, data={"digest": story.digest}) as press:
        assert press.status == 200
    return story


def accept_path(message: Any, base_url: str) -> str | None:
    """The path of the accept link in an alert mail's text part, if it has one."""
    found = _ACCEPT.findall(text_of(message))
    if not found:
        return None
    [(base, path)] = found
    assert base == base_url
    return str(path)


async def counts(database_url: str) -> tuple[int, int]:
    """How many acceptances by email, and amendments, are stored."""
    async with session_on(database_url) as session:
        accepted = await session.scalar(select(func.count()).select_from(EmailAcceptance))
        amended = await session.scalar(select(func.count()).select_from(Amendment))
    return accepted or 0, amended or 0
