"""The membership cache: under 429 Too Many Requests, a press doesn't ask Telegram again
for a moment (asking again would only prolong the 429), and then it does."""

from __future__ import annotations

import asyncio
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


async def test_an_answer_asked_for_before_a_member_left_is_not_kept() -> None:
    """The bot asks whether Ann is a member; before Telegram answers "member", the bot sees
    her leave (forget). That answer may predate her leaving: the next question asks again."""
    answering, asked = asyncio.Event(), asyncio.Event()
    calls: list[str] = []

    async def chat_member(request: web.Request) -> web.Response:
        calls.append(request.match_info["method"])
        asked.set()
        await answering.wait()
        member = {"status": "member", "user": {"id": 7, "is_bot": False, "first_name": "Ann"}}
        return web.json_response({"ok": True, "result": member}, dumps=json.dumps)

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", chat_member)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    bot = Bot(
        TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(f"http://127.0.0.1:{port}"))
    )
    membership = Membership(Clock())
    try:
        first = asyncio.create_task(membership.standing(bot, -100, 7))
        await asyncio.wait_for(asked.wait(), timeout=5)
        membership.forget(-100, 7)  # she left while the question was out
        answering.set()
        assert await first is Standing.MEMBER  # what Telegram said when asked
        assert await membership.standing(bot, -100, 7) is Standing.MEMBER
        assert len(calls) == 2  # asked again, not answered from the cache
    finally:
        await bot.session.close()
        await runner.cleanup()
