"""Bulk history for the edit-lookup part: ``size`` journal rows (messages) in 100 chats,
an agreement for every tenth message (two parties and two sent mails each) and an edit
alert with a version for every tenth agreement.

SQLite gets one transaction of executemany over plain tuples (stdlib sqlite3); PostgreSQL
gets COPY (asyncpg), then ANALYZE, as autovacuum would after a load. Part of
``python -m bench`` (``--only edits``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

CHAT_IDS = [-(1_001_000_000_000 + n) for n in range(1, 101)]  # TelegramWorld's first groups
FIRST_MESSAGE_ID = 10_000_000  # far above the ids the fake gives out
USERS = 1000
FIRST_USER_ID = 5_000_000
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DateTime on SQLite

Rows = Iterator[tuple[Any, ...]]
Time = Callable[[datetime], Any]


def tables(size: int, now: datetime, at: Time) -> dict[str, tuple[list[str], Rows]]:
    """Columns and rows per table, in an order that satisfies the foreign keys."""
    agreements = size // 10
    chat_count = len(CHAT_IDS)
    stamp = at(now)

    def user(n: int) -> int:
        return FIRST_USER_ID + n % USERS

    def chats() -> Rows:
        for n, chat_id in enumerate(CHAT_IDS):
            yield chat_id, "supergroup", f"Chat {n}", False, stamp, stamp

    def users() -> Rows:
        for n in range(USERS):
            yield FIRST_USER_ID + n, f"User{n}", f"user{n}", "en", stamp, stamp

    def journal() -> Rows:
        date = stamp
        for n in range(size):
            if n % chat_count == 0:  # a message in every chat each second, up to now
                date = at(now - timedelta(seconds=(size - n) // chat_count))
            yield (
                n + 1, CHAT_IDS[n % chat_count], FIRST_MESSAGE_ID + n // chat_count,
                user(n), f"User{n % USERS}", False, date, date, f"message {n}", "[]",
                f"{n:064x}", date,
            )  # fmt: skip

    def agreement_rows() -> Rows:
        for n in range(agreements):
            date = at(now - timedelta(seconds=(size - 10 * n) // chat_count))
            message_id = FIRST_MESSAGE_ID + (n // chat_count) * 10
            yield (
                n + 1, CHAT_IDS[n % chat_count], n // chat_count + 1, message_id,
                f"message {n}", "[]", user(n), f"User{n % USERS}", date, user(n + 1), date,
                b"{}", f"{n:064x}", f"{n:064x}", n + 1, "en", "user",
            )  # fmt: skip

    def parties() -> Rows:
        for n in range(agreements):
            yield n + 1, user(n), "author", stamp
            yield n + 1, user(n + 1), "marker", stamp

    def mails() -> Rows:
        for n in range(2 * agreements):
            to, agreement = user(n // 2 + n % 2), n // 2 + 1
            yield (
                n + 1, "agreement", f"agreement:{agreement}", to, agreement,
                f"user{to}@example.com", f"<seed.{n}@agreements.test>", b"seed", "sent", 1,
                stamp, stamp, stamp,
            )  # fmt: skip

    def alerts() -> Rows:
        for n in range(agreements // 10):
            yield n + 1, 10 * n + 1, stamp, stamp, stamp, None, "en"

    def versions() -> Rows:
        for n in range(agreements // 10):
            yield n + 1, 10 * n + 1, 1, "edited", "[]", f"{n:064x}", None, stamp, stamp, n + 1

    return {
        "chats": (_names("id type title is_forum created_at updated_at"), chats()),
        "users": (_names("id first_name username language_code created_at updated_at"), users()),
        "journal": (
            _names(
                "id chat_id message_id author_id author_first_name author_is_bot date "
                "version_at text entities content_hash seen_at"
            ),
            journal(),
        ),
        "agreements": (
            _names(
                "id chat_id number message_id text entities author_id author_name message_date "
                "marked_by_id marked_at record digest content_hash answer_message_id "
                "answer_language author_kind"
            ),
            agreement_rows(),
        ),
        "parties": (_names("agreement_id user_id role joined_at"), parties()),
        "mails": (
            _names(
                "id kind topic user_id agreement_id to_address message_id raw status attempts "
                "created_at next_attempt_at sent_at"
            ),
            mails(),
        ),
        "edit_alerts": (
            _names("id agreement_id opened_at due_at mailed_at chat_message_id language"),
            alerts(),
        ),
        "message_versions": (
            _names(
                "id agreement_id number text entities content_hash editor_id edit_date "
                "received_at alert_id"
            ),
            versions(),
        ),
    }


def _names(columns: str) -> list[str]:
    return columns.split()


async def seed(database_url: str, size: int) -> None:
    now = datetime.now(UTC) - timedelta(minutes=1)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database
        await asyncio.to_thread(_seed_sqlite, url.database, size, now)
        return
    connection = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password,
        database=url.database,
    )  # fmt: skip
    try:
        for table, (columns, rows) in tables(size, now, lambda t: t).items():
            await connection.copy_records_to_table(table, records=rows, columns=columns)
            if "id" in columns and table not in ("chats", "users"):
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def _seed_sqlite(path: str, size: int, now: datetime) -> None:
    connection = sqlite3.connect(path)
    try:
        # Setup only: the bot's engine turns WAL and synchronous=NORMAL back on at connect.
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-262144")  # 256 MiB for the index builds
        with connection:  # one transaction
            for table, (columns, rows) in tables(size, now, _sqlite_time).items():
                marks = ", ".join("?" * len(columns))
                connection.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                )
    finally:
        connection.close()


def _sqlite_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(SQLITE_TIME)
