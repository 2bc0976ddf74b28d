"""Databases for the benchmark parts: SQLite in a folder, or a PostgreSQL database created
for the run (BENCH_DATABASE_URL names the server), and verified addresses for people.

Not run directly; ``python -m bench`` uses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from bot.core import people
from bot.core.directory import remember_user
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.db.models import EmailBinding
from tests.botapi import Person
from tests.support.database import postgres_database

POSTGRES_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
DATABASES = ("sqlite", "postgresql")


@contextlib.asynccontextmanager
async def fresh_database(kind: str, workdir: Path) -> AsyncIterator[str]:
    """A migrated, empty database: a file in ``workdir``, or a PostgreSQL database, created
    for the run and removed after it."""
    if kind == "sqlite":
        path = workdir / f"agreements-{uuid.uuid4().hex[:12]}.db"
        url = f"sqlite+aiosqlite:///{path}"
        try:
            await asyncio.to_thread(upgrade, url)
            yield url
        finally:
            _remove_with_journals(path)
        return
    async with postgres_database(POSTGRES_URL, "bench") as url:
        await asyncio.to_thread(upgrade, url)
        yield url


def _remove_with_journals(database: Path) -> None:
    for file in database.parent.glob(f"{database.name}*"):  # with its -wal and -shm
        file.unlink()


class HasId(Protocol):
    @property
    def id(self) -> int: ...


def address_of(person: HasId) -> str:
    return f"user{person.id}@example.com"


def known_person(person: Person) -> people.Person:
    """A scenario's person as the bot's services know them."""
    user = person.user
    return people.Person(
        id=person.id,
        first_name=user["first_name"],
        username=user.get("username"),
        language_code=user.get("language_code"),
    )


async def bind_addresses(database_url: str, persons: Sequence[people.Person]) -> None:
    """Verified addresses for these people, written directly as tests' ``bind`` does."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            for person in persons:
                await remember_user(session, person, now)
                session.add(
                    EmailBinding(user_id=person.id, address=address_of(person), verified_at=now)
                )
            await session.commit()
    finally:
        await engine.dispose()
