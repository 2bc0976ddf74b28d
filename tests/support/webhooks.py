"""The bot behind a webhook: its health to wait for, and the updates a scenario made,
taken from the Bot API test server to be POSTed as Telegram would."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp

from bot.app import run
from tests.botapi import BotAPIServer
from tests.support.bot_in_process import bot_settings
from tests.support.mailbox import Mailbox
from tests.support.ports import free_port

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET = "s3cret_token-1"


async def until_healthy(
    client: aiohttp.ClientSession,
    base: str,
    gone: Callable[[], str | None] = lambda: None,
    timeout: float = 30,
) -> None:
    """Returns once ``base``/healthz answers 200. Fails after ``timeout`` seconds, or as soon
    as ``gone()`` says why the server will never answer."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        with contextlib.suppress(aiohttp.ClientConnectionError):
            async with client.get(f"{base}/healthz") as reply:
                if reply.status == 200:
                    return
        if (reason := gone()) is not None:
            raise AssertionError(reason)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{base} did not come up within {timeout} s")


def taken(api: BotAPIServer) -> list[dict[str, Any]]:
    """The updates the scenario made, as Telegram would POST them, in order."""
    updates = list(api.pending_updates)
    api.updates.clear()
    return updates


def take_update(api: BotAPIServer) -> dict[str, Any]:
    """What Telegram would POST: the update the scenario just made."""
    return taken(api)[-1]


@contextlib.asynccontextmanager
async def webhook_bot(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, **extra: Any
) -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    """The bot in webhook mode, with WEBHOOK_SECRET=SECRET unless ``extra`` says otherwise."""
    port = free_port()
    settings = bot_settings(
        api,
        mailbox,
        database_url,
        **{
            "webhook_url": f"http://127.0.0.1:{port}/tg/hook",
            "webhook_host": "127.0.0.1",
            "webhook_port": port,
            "webhook_secret": SECRET,
        }
        | extra,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run(settings, handle_signals=False, stop=stop))
    await api.wait_for_call("setWebhook", timeout=15)
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as client:
        try:
            await until_healthy(client, base)  # it listens right after setWebhook
            yield client, base
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=10)
