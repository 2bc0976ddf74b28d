"""Two bot processes on one PostgreSQL database, behind webhooks: no number twice or
missing, no mail twice or lost, and a dead replica's mails sent by the other."""

from __future__ import annotations

import asyncio
import re
import signal
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.models import Agreement
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.support.database import TEST_DATABASE_URL
from tests.support.mailbox import Mailbox
from tests.support.mails import is_agreement
from tests.support.replicas import ann_and_ben, replica_logs, two_replicas
from tests.support.stored import session_on
from tests.support.webhooks import taken

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="replicas share PostgreSQL: runs in CI's PostgreSQL leg"
)
MARKS = 12


async def test_two_replicas_share_the_work_and_lose_nothing(
    local_api: BotAPIServer, mailbox: Mailbox, database_url: str, tmp_path: Path
) -> None:
    api = local_api
    world = TelegramWorld(api)
    ann, ben = await ann_and_ben(world, database_url)
    group = world.group("Replicas")
    async with two_replicas(api, mailbox, database_url, tmp_path) as (first, second, client):
        offers = [ben.says(group, f"Offer {n}: {100 * n} EUR") for n in range(MARKS)]
        for update in taken(api):
            assert await first.post(client, update) == 200
        # Each /agree reaches both replicas at once (a resend racing the first try),
        # and Ben agrees to every other offer through the other replica meanwhile.
        posts = []
        for n, offer in enumerate(offers):
            ann.says(group, "/agree", reply_to=offer)
            if n % 2:
                ben.says(group, "/agree", reply_to=offer)
            for m, update in enumerate(taken(api)):
                posts.append(first.post(client, update))
                posts.append(second.post(client, update) if m == 0 else first.post(client, update))
        assert set(await asyncio.gather(*posts)) == {200}
        for address in ("ann@example.com", "ben@example.com"):
            await mailbox.wait_for(address, MARKS, where=is_agreement, timeout=30)

        # The first replica dies while the mail server holds its mail; the other one
        # sends it once the claim runs out.
        await second.stop()
        mailbox.hold = asyncio.Event()
        late = ben.says(group, "Late offer: 999 EUR")
        ann.says(group, "/agree", reply_to=late)
        for update in taken(api):
            assert await first.post(client, update) == 200
        await mailbox.wait_for_transactions(1)
        await first.stop(signal.SIGKILL)
        mailbox.hold.set()
        await second.start(client)
        for address in ("ann@example.com", "ben@example.com"):
            await mailbox.wait_for(address, MARKS + 1, where=is_agreement, timeout=30)

    async with session_on(database_url) as session:
        agreements = (await session.scalars(select(Agreement))).all()
    assert sorted(a.number for a in agreements) == list(range(1, MARKS + 2))
    assert len({a.message_id for a in agreements}) == MARKS + 1
    for address in ("ann@example.com", "ben@example.com"):
        ids = Counter(
            str(m.message["Message-ID"]) for m in mailbox.to(address) if is_agreement(m.message)
        )
        assert len(ids) == MARKS + 1  # one mail per agreement...
        # ...sent twice only if the dead replica's transaction got through before it died
        assert sum(ids.values()) - len(ids) <= 1, ids
    cards = Counter(
        int(match[1])
        for m in api.bot_messages(group.id)
        if (match := re.search(r"Agreement #(\d+) recorded", m["text"]))
    )
    assert sorted(cards) == list(range(1, MARKS + 2))  # a card for every agreement...
    # ...and twice only for the late one, if the dead replica posted it but died before it
    # stored the card's id: the other one posts what it finds unanswered (at least once)
    assert all(count == 1 for number, count in cards.items() if number <= MARKS), cards
    assert cards[MARKS + 1] <= 2
    logs = replica_logs(tmp_path)
    assert "Traceback" not in logs, logs[logs.find("Traceback") - 300 :][:3000]
