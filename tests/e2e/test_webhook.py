"""Webhook mode: updates POSTed by Telegram, answered only once handled; /healthz."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import run
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Agreement, JournalEntry
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.e2e.conftest import TOKEN, bot_settings
from tests.support.mailbox import Mailbox

SECRET = "s3cret_token-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


@contextlib.asynccontextmanager
async def webhook_bot(api: BotAPIServer, mailbox: Mailbox, database_url: str, **extra: Any):
    port = free_port()
    settings = bot_settings(
        api,
        mailbox,
        database_url,
        webhook_url=f"http://127.0.0.1:{port}/tg/hook",
        webhook_host="127.0.0.1",
        webhook_port=port,
        webhook_secret=SECRET,
        **extra,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run(settings, handle_signals=False, stop=stop))
    await api.wait_for_call("setWebhook", timeout=15)
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as client:
        for _ in range(100):  # the site starts listening right after setWebhook
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with client.get(f"{base}/healthz") as reply:
                    if reply.status == 200:
                        break
            await asyncio.sleep(0.05)
        try:
            yield client, base
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=10)


def take_update(api: BotAPIServer) -> dict[str, Any]:
    """What Telegram would POST: the update the scenario just made."""
    update = api.pending_updates[-1]
    api.updates.clear()
    return update


async def test_an_update_is_answered_only_after_it_was_handled(
    local_api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> None:
    api = local_api
    world = TelegramWorld(api)
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Hooks")
    async with webhook_bot(api, mailbox, database_url) as (client, base):
        [call] = api.calls("setWebhook")
        assert call.params["url"].endswith("/tg/hook") and call.params["secret_token"] == SECRET
        assert "message" in call.params["allowed_updates"]

        offer = ben.says(group, "Price 100")
        take_update(api)
        ann.says(group, "/agree", reply_to=offer)
        update = take_update(api)
        headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        async with client.post(f"{base}/tg/hook", json=update, headers=headers) as reply:
            assert reply.status == 401
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with client.post(f"{base}/tg/hook", json=update, headers=headers) as reply:
            assert reply.status == 200
        # The answer came after the handler: the agreement is stored and the card posted.
        engine = create_engine(database_url)
        try:
            async with create_session_factory(engine)() as session:
                [agreement] = (await session.scalars(select(Agreement))).all()
        finally:
            await engine.dispose()
        assert agreement.answer_message_id is not None
        assert any("Agreement #1 recorded" in m["text"] for m in api.bot_messages(group.id))

        # Telegram resending it (the answer got lost) changes nothing.
        async with client.post(f"{base}/tg/hook", json=update, headers=headers) as reply:
            assert reply.status == 200
        assert len([m for m in api.bot_messages(group.id) if "recorded" in m["text"]]) == 1

        async with client.get(f"{base}/healthz") as reply:
            assert reply.status == 200 and (await reply.json()) == {"database": "ok"}
        async with client.get(f"{base}/metrics") as reply:
            metrics = await reply.text()
        assert 'agreement_bot_updates_total{type="message"}' in metrics
        assert "agreement_bot_handler_seconds_bucket" in metrics
        assert "agreement_bot_outbox_backlog" in metrics
    assert api.errors == []


async def test_a_plain_message_is_journaled_before_the_answer(
    local_api: BotAPIServer,
    mailbox: Mailbox,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    api = local_api
    world = TelegramWorld(api)
    ben = world.user("Ben")
    group = world.group("Hooks")
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with webhook_bot(api, mailbox, database_url) as (client, base):
        said = ben.says(group, "Price 100, delivery on Friday")
        async with client.post(f"{base}/tg/hook", json=take_update(api), headers=headers) as reply:
            assert reply.status == 200
        # No wait: the answer itself means the row is stored.
        async with session_factory() as session:
            [entry] = (await session.scalars(select(JournalEntry))).all()
    assert (entry.chat_id, entry.message_id, entry.text) == (
        group.id,
        said["message_id"],
        "Price 100, delivery on Friday",
    )
    assert api.bot_messages(group.id) == []  # a plain message gets no answer
