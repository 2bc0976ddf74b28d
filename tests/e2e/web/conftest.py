"""The bot with its web pages on, in-process, against the Bot API test server, the SMTP
server and the database; pages fetched over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from playwright.async_api import Browser

from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.e2e.conftest import settings_for
from tests.support.bot_in_process import bot_settings, running_bot
from tests.support.browser import launched
from tests.support.harness import Harness
from tests.support.mailbox import Mailbox
from tests.support.ports import free_port
from tests.support.site import Site


@pytest.fixture
async def site(
    request: pytest.FixtureRequest, api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> AsyncIterator[Site]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = bot_settings(
        api,
        mailbox,
        database_url,
        web_base_url=base_url,
        web_port=port,
        **settings_for(request),
    )
    async with running_bot(settings, api), aiohttp.ClientSession(base_url) as http:
        yield Site(Harness(api, TelegramWorld(api), mailbox), http, base_url)
    assert api.errors == [], f"the bot made requests Telegram would refuse: {api.errors}"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async for launched_browser in launched():
        yield launched_browser
