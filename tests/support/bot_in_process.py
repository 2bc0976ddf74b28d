"""The bot under test in the test's own process: settings that point it at the test
servers, and running it as ``python -m bot`` does, minus the signal handlers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import run
from bot.config import Settings, load_settings
from tests.botapi import BotAPIServer
from tests.support.identity import MAIL_FROM, TOKEN
from tests.support.mailbox import Mailbox


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


def settings_for(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Extra settings from ``@pytest.mark.bot_settings(name=value, ...)``."""
    marker = request.node.get_closest_marker("bot_settings")
    return dict(marker.kwargs) if marker else {}
