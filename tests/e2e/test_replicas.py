"""Two bot processes on one PostgreSQL database, behind webhooks: no number twice or
missing, no mail twice or lost, and a dead replica's mails sent by the other."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.core.directory import remember_user
from bot.core.people import Person
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Agreement, EmailBinding
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.e2e.test_agreement_flow import is_agreement
from tests.e2e.test_black_box import servers_environment, start_bot
from tests.e2e.test_webhook import free_port, local_api  # noqa: F401  (a fixture)
from tests.support.database import TEST_DATABASE_URL
from tests.support.mailbox import Mailbox

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="replicas share PostgreSQL: runs in CI's PostgreSQL leg"
)
SECRET = "replica-secret"
MARKS = 12


class Replica:
    def __init__(self, name: str, api: BotAPIServer, mailbox: Mailbox, url: str, cwd: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cwd = cwd / name
        self.cwd.mkdir()
        self.env = servers_environment(
            api,
            mailbox,
            url,
            WEBHOOK_URL=f"{self.base}/hook",
            WEBHOOK_HOST="127.0.0.1",
            WEBHOOK_PORT=str(self.port),
            WEBHOOK_SECRET=SECRET,
            AUTO_MIGRATE="false",
            OUTBOX_CLAIM_SECONDS="2",
            MAIL_RETRY_SECONDS="0.5",
            EDIT_ALERT_COALESCE_SECONDS="0",
        )
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, client: aiohttp.ClientSession) -> None:
        self.process = await start_bot(self.env, self.cwd)
        for _ in range(600):
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with client.get(f"{self.base}/healthz") as reply:
                    if reply.status == 200:
                        return
            if self.process.returncode is not None:
                pytest.fail((self.cwd / "bot.log").read_text())
            await asyncio.sleep(0.05)
        pytest.fail("the replica did not come up")

    async def post(self, client: aiohttp.ClientSession, update: dict[str, Any]) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with client.post(f"{self.base}/hook", json=update, headers=headers) as reply:
            return reply.status

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        await asyncio.wait_for(self.process.wait(), timeout=15)


def taken(api: BotAPIServer) -> list[dict[str, Any]]:
    """The updates the scenario made, as Telegram would POST them."""
    updates = list(api.pending_updates)
    api.updates.clear()
    return updates


async def bind(url: str, *people: tuple[Person, str]) -> None:
    from datetime import UTC, datetime

    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            now = datetime.now(UTC)
            for person, address in people:
                await remember_user(session, person, now)
                session.add(EmailBinding(user_id=person.id, address=address, verified_at=now))
            await session.commit()
    finally:
        await engine.dispose()


async def test_two_replicas_share_the_work_and_lose_nothing(
    local_api: BotAPIServer,  # noqa: F811
    mailbox: Mailbox,
    database_url: str,
    tmp_path: Path,
) -> None:
    api = local_api
    world = TelegramWorld(api)
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Replicas")
    await bind(
        database_url,
        (Person(ann.id, "Ann", username="ann"), "ann@example.com"),
        (Person(ben.id, "Ben", username="ben"), "ben@example.com"),
    )
    first = Replica("first", api, mailbox, database_url, tmp_path)
    second = Replica("second", api, mailbox, database_url, tmp_path)
    async with aiohttp.ClientSession() as client:
        try:
            await asyncio.gather(first.start(client), second.start(client))
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
                    posts.append(
                        second.post(client, update) if m == 0 else first.post(client, update)
                    )
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
        finally:
            for replica in (first, second):
                if replica.process is not None and replica.process.returncode is None:
                    await replica.stop()

    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            agreements = (await session.scalars(select(Agreement))).all()
    finally:
        await engine.dispose()
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
    logs = "".join((tmp_path / n / "bot.log").read_text() for n in ("first", "second"))
    assert "Traceback" not in logs, logs[logs.find("Traceback") - 300 :][:3000]
