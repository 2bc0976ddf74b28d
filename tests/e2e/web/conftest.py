"""The bot with its web pages on, in-process, against the Bot API test server, the SMTP
server and the database; pages fetched over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from playwright.async_api import Browser

from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.e2e.conftest import Harness, bot_settings, running_bot, settings_for
from tests.e2e.test_webhook import free_port
from tests.support.browser import launched
from tests.support.mailbox import Mailbox
from tests.support.telegram_script import serving_telegram_script


@dataclass
class Site:
    harness: Harness
    http: aiohttp.ClientSession
    base_url: str
    script_url: str  # the stand-in of Telegram's telegram-web-app.js


@pytest.fixture
async def site(
    request: pytest.FixtureRequest, api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> AsyncIterator[Site]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    async with serving_telegram_script() as script_url:
        settings = bot_settings(
            api,
            mailbox,
            database_url,
            web_base_url=base_url,
            web_port=port,
            web_app_script_url=script_url,
            **settings_for(request),
        )
        async with running_bot(settings, api), aiohttp.ClientSession(base_url) as http:
            harness = Harness(api, TelegramWorld(api), mailbox)
            yield Site(harness, http, base_url, script_url)
    assert api.errors == [], f"the bot made requests Telegram would refuse: {api.errors}"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async for launched_browser in launched():
        yield launched_browser
