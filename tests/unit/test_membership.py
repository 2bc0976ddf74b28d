"""The membership cache: under 429 Too Many Requests, a press doesn't ask Telegram again
for a moment (asking again would only prolong the 429), and then it does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.telegram.membership import UNKNOWN_FOR_SECONDS, Membership, Standing

TOKEN = "42:TEST"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def flooded() -> AsyncIterator[tuple[Bot, list[str]]]:
    """A bot whose Bot API server answers every call with 429, and the calls it got."""
    calls: list[str] = []

    async def too_many(request: web.Request) -> web.Response:
        calls.append(request.match_info["method"])
        body = {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 5",
            "parameters": {"retry_after": 5},
        }
        return web.json_response(body, status=429, dumps=json.dumps)

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", too_many)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    api = TelegramAPIServer.from_base(f"http://127.0.0.1:{port}")
    bot = Bot(TOKEN, session=AiohttpSession(api=api))
    try:
        yield bot, calls
    finally:
        await bot.session.close()
        await runner.cleanup()


async def test_telegram_out_of_reach_is_kept_for_a_moment_only(
    flooded: tuple[Bot, list[str]],
) -> None:
    bot, calls = flooded
    clock = Clock()
    membership = Membership(clock=clock)
    assert await membership.standing(bot, -1, 7) is Standing.UNKNOWN
    clock.now += UNKNOWN_FOR_SECONDS - 0.5
    for _ in range(5):
        assert await membership.standing(bot, -1, 7) is Standing.UNKNOWN
    assert calls == ["getChatMember"]  # one question for the six presses
    assert await membership.standing(bot, -1, 8) is Standing.UNKNOWN  # someone else: asked
    clock.now += 0.5
    assert await membership.standing(bot, -1, 7) is Standing.UNKNOWN
    assert calls == ["getChatMember"] * 3
