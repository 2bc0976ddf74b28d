"""The Mini App's list answer with a million stored agreements: one user a party to 1,000
of them across 50 chats (20 each, as the one who marked), a member of those chats; the other
999,000 in 1,000 other chats, each with two parties; an edit for every tenth agreement and
an amendment for every hundredth; a journal of a million messages.

``--layout old`` puts the user's agreements first (the oldest ids), ``spread`` among the
others: the list reads newest first, so "old" is the hard case for a scan that walks back
from the newest agreement, and the one ``python -m bench --only mini_app`` runs. Times what
one list answer does (the candidate chats, then a page: ids, rows, parties, edits,
amendments, and its JSON), not HTTP, Telegram or sign-in.

    .venv/bin/python -m bench.mini_app_list --db sqlite --layout old   # each case on its own
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from bench.databases import fresh_database
from bot.agreements.overview import overview_page
from bot.agreements.page_query import OverviewQuery, State
from bot.agreements.visibility import Reach, candidate_chats
from bot.db.engine import create_engine, create_session_factory
from bot.web.app_json import item_json

TOTAL = 1_000_000
MINE = 1_000
MY_CHATS = [-(1_002_000_000_000 + n) for n in range(50)]
OTHER_CHATS = [-(1_003_000_000_000 + n) for n in range(1000)]
ME = 7_000_000
OTHERS = 2000
FIRST_OTHER = 8_000_000
RUNS = 200
UTC_ZONE = ZoneInfo("UTC")
Rows = Iterator[tuple[Any, ...]]


def rows(layout: str, now: datetime, at: Any) -> dict[str, tuple[str, Rows]]:
    stamp = at(now)
    # "spread": a step prime to the chats' and the edits' cycles, so they fall everywhere.
    mine = set(range(1, MINE + 1) if layout == "old" else list(range(1, TOTAL, 997))[:MINE])
    numbers: dict[int, int] = {}

    def chats() -> Rows:
        for chat_id in MY_CHATS + OTHER_CHATS:
            yield chat_id, "supergroup", f"Chat {chat_id}", False, stamp, stamp

    def users() -> Rows:
        yield ME, "Me", "me", "en", stamp, stamp
        for n in range(OTHERS):
            yield FIRST_OTHER + n, f"User{n}", f"user{n}", "en", stamp, stamp

    def placed(n: int) -> tuple[int, int, int]:
        """(chat, author, marker) of agreement ``n``."""
        other = FIRST_OTHER + n % OTHERS
        if n in mine:
            return MY_CHATS[n % len(MY_CHATS)], other, ME
        return OTHER_CHATS[n % len(OTHER_CHATS)], other, FIRST_OTHER + (n + 1) % OTHERS

    def agreements() -> Rows:
        for n in range(1, TOTAL + 1):
            chat, author, marker = placed(n)
            numbers[chat] = number = numbers.get(chat, 0) + 1
            date = at(now - timedelta(seconds=TOTAL - n))
            yield (
                n, chat, number, number, f"Agreement text {n}: price {n % 977} RUB", "[]",
                author, f"User{author}", date, marker, date, b"{}", f"{n:064x}", f"{n:064x}",
                "en", "user",
            )  # fmt: skip

    def parties() -> Rows:
        for n in range(1, TOTAL + 1):
            _, author, marker = placed(n)
            yield n, author, "author", stamp
            yield n, marker, "marker", stamp

    def alerts() -> Rows:
        for n in range(1, TOTAL + 1, 10):
            yield n, n, stamp, stamp, stamp, "en"

    def versions() -> Rows:
        for n in range(1, TOTAL + 1, 10):
            yield n, n, 1, f"Agreement text {n}: edited", "[]", f"{n:064x}", stamp, stamp, n

    def amendments() -> Rows:
        for n in range(1, TOTAL + 1, 100):
            yield n, n, 1, n, "amended", b"{}", f"a{n:063x}", f"{n:064x}", stamp

    def journal() -> Rows:
        for n in range(1, TOTAL + 1):
            chat, author, _ = placed(n)
            yield n, chat, n, author, False, stamp, stamp, f"message {n}", "[]", f"{n:064x}", stamp
        for n, chat in enumerate(MY_CHATS, start=TOTAL + 1):
            yield n, chat, n, ME, False, stamp, stamp, "hello", "[]", f"{n:064x}", stamp

    return {
        "chats": ("id type title is_forum created_at updated_at", chats()),
        "users": ("id first_name username language_code created_at updated_at", users()),
        "agreements": (
            "id chat_id number message_id text entities author_id author_name message_date "
            "marked_by_id marked_at record digest content_hash answer_language author_kind",
            agreements(),
        ),
        "parties": ("agreement_id user_id role joined_at", parties()),
        "edit_alerts": ("id agreement_id opened_at due_at mailed_at language", alerts()),
        "message_versions": (
            "id agreement_id number text entities content_hash edit_date received_at alert_id",
            versions(),
        ),
        "amendments": (
            "id agreement_id number version_id text record digest previous_digest created_at",
            amendments(),
        ),
        "journal": (
            "id chat_id message_id author_id author_is_bot date version_at text entities "
            "content_hash seen_at",
            journal(),
        ),
    }


async def seed(database_url: str, layout: str) -> None:
    now = datetime.now(UTC)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database
        await asyncio.to_thread(_seed_sqlite, url.database, layout, now)
        return
    connection = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, database=url.database
    )
    try:
        # The append-only guards refuse nothing an insert does; COPY runs them per row.
        for table, (columns, data) in rows(layout, now, lambda t: t).items():
            await connection.copy_records_to_table(table, records=data, columns=columns.split())
        # What autovacuum does to a database that has run a while: the visibility map too,
        # without which no index-only scan stays one.
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


def _seed_sqlite(path: str, layout: str, now: datetime) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-262144")
        with connection:
            for table, (columns, data) in rows(layout, now, _sqlite_time).items():
                names = columns.split()
                marks = ", ".join("?" * len(names))
                connection.executemany(
                    f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", data
                )
        connection.execute("ANALYZE")
    finally:
        connection.close()


def _sqlite_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass(frozen=True, slots=True)
class ListTimes:
    """Milliseconds of each kind of list request, RUNS of each, sorted."""

    by_case: dict[str, list[float]]

    def p99(self, case: str) -> float:
        times = self.by_case[case]
        return times[math.ceil(len(times) * 0.99) - 1]

    def worst_p99(self) -> tuple[str, float]:
        case = max(self.by_case, key=self.p99)
        return case, self.p99(case)


async def measure(database_url: str) -> ListTimes:
    """Each request as the API's list answer makes it: the chats the user may see, the
    page, and its JSON (bot/web/app_api.py); not HTTP, sign-in or Telegram's answers."""
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    reach = Reach(ME, frozenset(MY_CHATS))
    async with sessions() as session:
        deep = await overview_page(session, reach, OverviewQuery(limit=20 * 10))
        cursor = deep.items[-1].view.id
    cases = {
        "first page": OverviewQuery(),
        "page 11 (cursor)": OverviewQuery(before=cursor),
        "one chat": OverviewQuery(chat_id=MY_CHATS[7]),
        "state edited": OverviewQuery(state=State.EDITED),
        "state amended": OverviewQuery(state=State.AMENDED),
        "search 'price 5'": OverviewQuery(search="PRICE 5"),
        "search, no match": OverviewQuery(search="nothing like this"),
    }
    by_case = {}
    for name, query in cases.items():
        times = []
        for _ in range(RUNS):
            async with sessions() as session:
                started = time.perf_counter()
                chats = await candidate_chats(session, ME)
                page = await overview_page(session, Reach(ME, frozenset(chats)), query)
                json.dumps([item_json(item, UTC_ZONE) for item in page.items])
                times.append((time.perf_counter() - started) * 1000)
        by_case[name] = sorted(times)
    await engine.dispose()
    return ListTimes(by_case)


async def mini_app_list(database: str, workdir: Path, layout: str = "old") -> ListTimes:
    """Seeds a fresh database of ``database``'s kind and times the list on it (the part of
    ``python -m bench``)."""
    async with fresh_database(database, workdir) as url:
        await seed(url, layout)
        return await measure(url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--layout", choices=("spread", "old"), default="spread")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        async with fresh_database(args.db, Path(workdir)) as url:
            started = time.perf_counter()
            await seed(url, args.layout)
            print(
                f"{args.db}, layout {args.layout}: seeded in {time.perf_counter() - started:.0f} s"
            )
            times = await measure(url)
    for name, runs in times.by_case.items():
        print(f"  {name:<20} p50 {statistics.median(runs):6.1f} ms  p99 {times.p99(name):6.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
