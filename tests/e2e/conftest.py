"""The real bot, in-process, against the Bot API test server, SMTP server and database."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import run
from bot.config import Settings, load_settings
from tests.botapi import BotAPIServer
from tests.botapi.scenario import Person, TelegramWorld
from tests.conftest import MAIL_FROM
from tests.support import bot_errors
from tests.support.mailbox import Mailbox

TOKEN = "123456789:AAtest-token-for-the-bot-api-test-server"


def bot_settings(api: BotAPIServer, mailbox: Mailbox, database_url: str, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "telegram_api_url": api.base_url,
        "database_url": database_url,
        "smtp_host": "127.0.0.1",
        "smtp_port": mailbox.port,
        "smtp_security": "none",
        "mail_from": MAIL_FROM,
        "timezone": "Europe/Moscow",
        "mail_retry_seconds": 0.2,
        # Tests of bursts set a window; the others want each edit's alert at once.
        "edit_alert_coalesce_seconds": 0,
    }
    return load_settings(_env_file=None, **(values | extra))


@dataclass
class Harness:
    api: BotAPIServer
    world: TelegramWorld
    mailbox: Mailbox
    _barriers: int = 0

    async def register(self, person: Person, address: str) -> None:
        """The person binds an address the way a user does: /email, read the mail, /verify."""
        person.says_private(f"/email {address}")
        await self.world.bot_reply(person)
        [mail] = await self.mailbox.wait_for(to=address)
        code = re.search(r"\b(\d{6})\b", text_of(mail.message))
        assert code, "no code in the verification mail"
        person.says_private(f"/verify {code.group(1)}")
        await self.world.bot_reply(person, lambda m: "✅" in m.get("text", ""))

    async def mail_barrier(self) -> None:
        """Returns once every mail queued so far was handed to the SMTP server.

        The worker sends in queue order, so when a fresh code mail arrives, all mails
        queued before it have been sent (or failed).
        """
        self._barriers += 1
        address = f"barrier{self._barriers}@example.com"
        self.world.user(f"Barrier{self._barriers}").says_private(f"/email {address}")
        await self.mailbox.wait_for(to=address)


def links_in(message: dict[str, Any]) -> list[str]:
    """The URLs of a bot message's links (Telegram turns <a href> into text_link entities)."""
    return [e["url"] for e in message.get("entities", []) if e["type"] == "text_link"]


def text_of(message: Any) -> str:
    """The plain-text body as a mail client shows it (line breaks as \\n)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, api: BotAPIServer) -> AsyncIterator[asyncio.Task[None]]:
    """The bot as ``python -m bot`` runs it, minus the signal handlers (pytest keeps those)."""
    stop = asyncio.Event()
    task = asyncio.create_task(run(settings, handle_signals=False, stop=stop))
    try:
        waiting = asyncio.create_task(api.wait_until_polling(timeout=15))
        done, _ = await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:  # it failed to start: show why
            waiting.cancel()
            task.result()
        await waiting
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


@pytest.fixture(autouse=True)
def no_unexpected_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the test when the bot logged an ERROR or a traceback the test did not declare
    with ``@pytest.mark.expected_errors("regex", ...)``: a bug can hide behind a test that
    only looks at what arrived."""
    with bot_errors.collecting() as errors:
        yield
    expected = [p for m in request.node.iter_markers("expected_errors") for p in m.args]
    if surprises := bot_errors.unexpected(errors, expected):
        listed = "\n---\n".join(error[:3000] for error in surprises)
        pytest.fail(f"the bot logged {len(surprises)} unexpected error(s):\n{listed}", False)


@pytest.fixture
async def api(request: pytest.FixtureRequest) -> AsyncIterator[BotAPIServer]:
    """Privacy mode off, as the README asks, unless the test is marked ``privacy_mode``."""
    privacy = request.node.get_closest_marker("privacy_mode") is not None
    async with BotAPIServer(
        token=TOKEN,
        bot_user={"username": "agreements_test_bot"},
        can_read_all_group_messages=not privacy,
    ) as server:
        yield server


@pytest.fixture
async def local_api() -> AsyncIterator[BotAPIServer]:
    """A self-hosted Bot API server: it takes plain-http webhooks on any port."""
    async with BotAPIServer(
        token=TOKEN,
        bot_user={"username": "agreements_test_bot"},
        can_read_all_group_messages=True,
        local=True,
    ) as server:
        yield server


def settings_for(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Extra settings from ``@pytest.mark.bot_settings(name=value, ...)``."""
    marker = request.node.get_closest_marker("bot_settings")
    return dict(marker.kwargs) if marker else {}


@pytest.fixture
async def harness(
    request: pytest.FixtureRequest, api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> AsyncIterator[Harness]:
    settings = bot_settings(api, mailbox, database_url, **settings_for(request))
    async with running_bot(settings, api):
        yield Harness(api, TelegramWorld(api), mailbox)
    assert api.errors == [], f"the bot made requests Telegram would refuse: {api.errors}"
