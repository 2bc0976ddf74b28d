"""The bot with its web pages on, in-process, against the Bot API test server, the SMTP
server and the database; pages fetched over real HTTP."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from playwright.async_api import Browser

from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.e2e.conftest import Harness, bot_settings, running_bot, settings_for
from tests.support.browser import launched
from tests.support.mailbox import Mailbox


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    harness: Harness
    http: aiohttp.ClientSession
    base_url: str


@contextlib.asynccontextmanager
async def serving(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, **extra: Any
) -> AsyncIterator[Site]:
    """The bot with its pages on a free port; ``extra``: more settings."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = bot_settings(
        api, mailbox, database_url, web_base_url=base_url, web_port=port, **extra
    )
    async with running_bot(settings, api), aiohttp.ClientSession(base_url) as http:
        yield Site(Harness(api, TelegramWorld(api), mailbox), http, base_url)
    assert api.errors == [], f"the bot made requests Telegram would refuse: {api.errors}"


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
