"""The bot behind a webhook: its health to wait for, and the updates a scenario made,
taken from the Bot API test server to be POSTed as Telegram would."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import aiohttp

from tests.botapi import BotAPIServer

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


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
