"""Bot processes behind webhooks on one PostgreSQL database, as replicas run: each
``python -m bot`` in a folder of its own, the test POSTing updates to whichever it chooses."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bot.core.people import Person
from bot.db.engine import create_engine, create_session_factory
from tests.botapi import BotAPIServer
from tests.botapi.scenario import Person as ChatPerson
from tests.botapi.scenario import TelegramWorld
from tests.support.addresses import bind
from tests.support.mailbox import Mailbox
from tests.support.ports import free_port
from tests.support.processes import servers_environment, start_bot
from tests.support.webhooks import SECRET_HEADER, until_healthy

SECRET = "replica-secret"
NAMES = ("first", "second")


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

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self, client: aiohttp.ClientSession) -> None:
        self.process = await start_bot(self.env, self.cwd)
        await until_healthy(client, self.base, self._exited)

    def _exited(self) -> str | None:
        if self.running:
            return None
        return f"the replica exited: {(self.cwd / 'bot.log').read_text()}"

    async def post(self, client: aiohttp.ClientSession, update: dict[str, Any]) -> int:
        headers = {SECRET_HEADER: SECRET}
        async with client.post(f"{self.base}/hook", json=update, headers=headers) as reply:
            return reply.status

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        await asyncio.wait_for(self.process.wait(), timeout=15)


async def ann_and_ben(world: TelegramWorld, url: str) -> tuple[ChatPerson, ChatPerson]:
    """Ann and Ben, each with an address verified (ann@ and ben@example.com)."""
    ann, ben = world.user("Ann"), world.user("Ben")
    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        now = datetime.now(UTC)
        await bind(sessions, Person(ann.id, "Ann", username="ann"), "ann@example.com", now)
        await bind(sessions, Person(ben.id, "Ben", username="ben"), "ben@example.com", now)
    finally:
        await engine.dispose()
    return ann, ben


@asynccontextmanager
async def two_replicas(
    api: BotAPIServer, mailbox: Mailbox, url: str, folder: Path
) -> AsyncIterator[tuple[Replica, Replica, aiohttp.ClientSession]]:
    """Two replicas (in folder/first and folder/second), both up, and a client to POST to
    them with; whichever still runs at the end is stopped."""
    first, second = (Replica(name, api, mailbox, url, folder) for name in NAMES)
    async with aiohttp.ClientSession() as client:
        try:
            await asyncio.gather(first.start(client), second.start(client))
            yield first, second, client
        finally:
            for replica in (first, second):
                if replica.running:
                    await replica.stop()


def replica_logs(folder: Path) -> str:
    """What both replicas logged."""
    return "".join((folder / name / "bot.log").read_text() for name in NAMES)
