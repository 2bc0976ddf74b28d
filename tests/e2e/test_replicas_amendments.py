"""Two bot processes on one PostgreSQL database: the last two parties press "Accept" at
the same moment through different replicas while new marks race in the same chat. Each
amendment is recorded once, and the chat's chain holds."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.models import Amendment
from bot.evidence.chain import chat_chain, check_chain
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.support.database import TEST_DATABASE_URL
from tests.support.mailbox import Mailbox
from tests.support.replicas import ann_and_ben, replica_logs, two_replicas
from tests.support.stored import session_on
from tests.support.webhooks import taken

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="replicas share PostgreSQL: runs in CI's PostgreSQL leg"
)
OFFERS = 4
ACCEPT = "✅ Accept new version"


async def test_accepts_at_once_through_two_replicas_amend_once(
    local_api: BotAPIServer, mailbox: Mailbox, database_url: str, tmp_path: Path
) -> None:
    api = local_api
    world = TelegramWorld(api)
    ann, ben = await ann_and_ben(world, database_url)
    group = world.group("Replicas")
    async with two_replicas(api, mailbox, database_url, tmp_path) as (first, second, client):
        offers = [ben.says(group, f"Offer {n}: {100 * n} EUR") for n in range(OFFERS)]
        for offer in offers:
            ann.says(group, "/agree", reply_to=offer)
        for update in taken(api):
            assert await first.post(client, update) == 200
        for n, offer in enumerate(offers):
            ben.edits(offer, f"Offer {n}: {100 * n + 50} EUR")
        for update in taken(api):
            assert await first.post(client, update) == 200
        alerts = [m for m in api.bot_messages(group.id) if "edited" in m["text"]]
        assert len(alerts) == OFFERS

        # Ann's and Ben's presses each go to another replica at once, and new offers
        # are marked through both meanwhile.
        for alert in alerts:
            ann.presses(alert, ACCEPT)
            ben.presses(alert, ACCEPT)
        presses = taken(api)
        for press in presses:  # Telegram knows a query it delivered, by webhook too
            api.state.delivered_queries[press["callback_query"]["id"]] = press["callback_query"]
        for n in range(OFFERS):
            ann.says(group, "/agree", reply_to=ben.says(group, f"Extra {n}"))
        marks = taken(api)
        replicas = (first, second)
        posts = [replicas[i % 2].post(client, update) for i, update in enumerate(presses)]
        posts += [replicas[i % 2].post(client, update) for i, update in enumerate(marks)]
        assert set(await asyncio.gather(*posts)) == {200}

    async with session_on(database_url) as session:
        amendments = (await session.scalars(select(Amendment))).all()
        chain = await chat_chain(session, group.id)
    assert sorted((a.agreement_id, a.number) for a in amendments) == [
        (n, 1) for n in range(1, OFFERS + 1)
    ]
    assert len(chain) == 3 * OFFERS and check_chain(chain) == []
    notices = Counter(
        match[1]
        for m in api.bot_messages(group.id)
        if (match := re.search(r"Amendment #(\d+\.\d+)", m["text"]))
    )
    assert notices == {f"{n}.1": 1 for n in range(1, OFFERS + 1)}
    logs = replica_logs(tmp_path)
    assert "Traceback" not in logs, logs[logs.find("Traceback") - 300 :][:3000]
