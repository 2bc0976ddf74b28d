"""How fast the bot takes plain group messages, with the journal on and off.

Runs the real bot in-process against the Bot API test server (tests/botapi) on 127.0.0.1
and an SQLite database in a temporary folder (or BENCH_DATABASE_URL, a PostgreSQL server
whose database is created and dropped), pushes MESSAGES updates across 100 chats, and
times until the bot has confirmed them all.

    .venv/bin/python -m bench.journal_ingest [MESSAGES]
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.db.models import JournalEntry
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.e2e.conftest import TOKEN, bot_settings, running_bot
from tests.support.database import fresh_database
from tests.support.mailbox import Mailbox

CHATS = 100


async def ingest(messages: int, journal: bool, workdir: Path) -> tuple[float, int]:
    """Messages a second, and how many journal rows were stored."""
    os.environ["TEST_DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "")
    async with fresh_database(workdir) as url:
        await asyncio.to_thread(upgrade, url)
        mailbox = Mailbox()
        await mailbox.start()
        async with BotAPIServer(
            token=TOKEN, bot_user={"username": "bench_bot"}, can_read_all_group_messages=True
        ) as api:
            world = TelegramWorld(api)
            people = [world.user(f"User{n}") for n in range(10)]
            groups = [world.group(f"Chat {n}") for n in range(CHATS)]
            settings = bot_settings(api, mailbox, url, journal=journal)
            async with running_bot(settings, api):
                started = time.perf_counter()
                for n in range(messages):
                    people[n % len(people)].says(groups[n % CHATS], f"message {n}")
                update_id = api.updates.next_update_id - 1
                await api.wait_for_call(
                    "getUpdates", lambda p: int(p.get("offset", 0)) > update_id, timeout=600
                )
                elapsed = time.perf_counter() - started
            engine = create_engine(url)
            async with create_session_factory(engine)() as session:
                stored = await session.scalar(select(func.count()).select_from(JournalEntry))
            await engine.dispose()
        await mailbox.stop()
    return messages / elapsed, stored or 0


async def main(messages: int) -> None:
    logging.disable(logging.INFO)
    database = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    print(f"{messages} plain messages across {CHATS} chats, {database}")
    print(f"{'journal':<10}{'messages/s':>12}{'journal rows':>14}")
    for journal in (False, True):
        with tempfile.TemporaryDirectory() as workdir:
            rate, rows = await ingest(messages, journal, Path(workdir))
        print(f"{'on' if journal else 'off':<10}{rate:>12.0f}{rows:>14}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
