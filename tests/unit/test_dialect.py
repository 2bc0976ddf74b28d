"""One flag says which database the bot writes to; no module asks by the dialect's name."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bot.db.dialect import is_postgres, locks_rows

BOT = Path(__file__).resolve().parents[2] / "bot"


async def test_postgres_locks_rows_and_sqlite_does_not() -> None:
    postgres = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    sqlite = create_async_engine("sqlite+aiosqlite://")
    try:
        for engine, expected in ((postgres, True), (sqlite, False)):
            async with AsyncSession(engine) as session:
                assert is_postgres(session) is expected
                assert locks_rows(session) is expected
            assert is_postgres(engine) is expected
            assert locks_rows(engine.sync_engine) is expected
    finally:
        await postgres.dispose()
        await sqlite.dispose()


def test_no_module_compares_the_dialect_name_to_postgresql() -> None:
    asks = re.compile(r"""dialect\.name\s*[!=]=\s*["']postgresql["']""")
    found = [
        str(path.relative_to(BOT.parent))
        for path in BOT.rglob("*.py")
        if asks.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
