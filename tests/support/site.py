"""The bot with its web pages on, as the tests in tests/e2e/web reach it, and the story
most of them start from."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.botapi import BotAPIServer
from tests.botapi.scenario import Person, TelegramWorld
from tests.support.bot_in_process import bot_settings, running_bot
from tests.support.harness import Harness
from tests.support.mailbox import Mailbox
from tests.support.mails import header_digest, is_agreement
from tests.support.ports import free_port
from tests.support.telegram_script import serving_telegram_script

OFFER = "Stage 1: 150 000 RUB, due 15 December."


@dataclass
class Site:
    harness: Harness
    http: aiohttp.ClientSession  # requests go to base_url
    base_url: str
    script_url: str  # the stand-in of Telegram's telegram-web-app.js


@dataclass
class Agreed:
    digest: str  # from Ann's mail
    offer: dict[str, Any]
    ben: Person


async def agreed(site: Site) -> Agreed:
    """Ann (English) marks Ben's (Russian) offer in a group; both have addresses."""
    harness = site.harness
    ann = harness.world.user("Ann", "Lee", username="ann", language_code="en")
    ben = harness.world.user("Ben", username="ben", language_code="ru")
    group = harness.world.group("Kitchen renovation")
    await harness.register(ann, "ann@example.com")
    await harness.register(ben, "ben@example.com")
    offer = ben.says(group, OFFER)
    ann.says(group, "/agree Stage 1", reply_to=offer)
    [mail] = await harness.mailbox.wait_for(to="ann@example.com", where=is_agreement)
    return Agreed(header_digest(mail.message), offer, ben)


@contextlib.asynccontextmanager
async def serving(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, **extra: Any
) -> AsyncIterator[Site]:
    """The bot with its pages on a free port; ``extra``: more settings."""
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
            **extra,
        )
        async with running_bot(settings, api), aiohttp.ClientSession(base_url) as http:
            yield Site(Harness(api, TelegramWorld(api), mailbox), http, base_url, script_url)
    assert api.errors == [], f"the bot made requests Telegram would refuse: {api.errors}"
