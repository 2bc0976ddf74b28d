"""Ingest: plain group messages a second across 100 chats, and the process's peak memory.

The messages are queued before the process starts and fed to the fake 1,000 at a time;
the rate runs from the first getUpdates that hands one out to the getUpdates that
confirms the last. Part of ``python -m bench`` (``--only ingest``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bench.databases import fresh_database
from bench.processes import BotProcess, bot_environment
from bench.servers import ServedClock, frozen_heap, servers
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import JournalEntry
from tests.botapi.scenario import TelegramWorld

CHATS = 100
PEOPLE = 10
CEILING = "bench.ceiling"


@dataclass(frozen=True, slots=True)
class IngestRun:
    rate: float  # messages a second
    peak_mb: float  # VmHWM of the process that took them
    journal_rows: int | None  # None for the ceiling, which keeps nothing


async def ingest(
    database: str, messages: int, workdir: Path, module: str = "bot", **settings: str
) -> IngestRun:
    """``module`` "bot" (the bot, journal on unless JOURNAL="false") or CEILING."""
    async with fresh_database(database, workdir) as url, servers() as (api, mailbox):
        world = TelegramWorld(api)
        people = [world.user(f"User{n}") for n in range(PEOPLE)]
        groups = [world.group(f"Chat {n}") for n in range(CHATS)]
        first = api.updates.next_update_id
        for n in range(messages):
            people[n % PEOPLE].says(groups[n % CHATS], f"message {n}")
        last = api.updates.next_update_id - 1
        clock = ServedClock(api)
        clock.hold()
        env = bot_environment(api, mailbox, url) | settings
        log = workdir / f"{module}-ingest.log"
        async with BotProcess(module, env, log) as process:
            await process.until_polling(api)
            with frozen_heap():
                clock.release()
                await clock.until_confirmed(last, timeout=max(120, messages / 20))
            peak = process.peak_rss_mb()
        rows = None if module == CEILING else await _journal_rows(url)
    return IngestRun(messages / clock.window_of(first, last), peak, rows)


async def _journal_rows(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return await session.scalar(select(func.count()).select_from(JournalEntry)) or 0
    finally:
        await engine.dispose()
