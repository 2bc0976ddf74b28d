"""The bot with its web pages on, in-process, against the Bot API test server, the SMTP
server and the database; pages fetched over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser

from tests.botapi import BotAPIServer
from tests.support.bot_in_process import settings_for
from tests.support.browser import launched
from tests.support.mailbox import Mailbox
from tests.support.site import Site, serving


@pytest.fixture
async def site(
    request: pytest.FixtureRequest, api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> AsyncIterator[Site]:
    async with serving(api, mailbox, database_url, **settings_for(request)) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async for launched_browser in launched():
        yield launched_browser
