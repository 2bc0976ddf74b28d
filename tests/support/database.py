"""A fresh, migrated database per test: SQLite by default, PostgreSQL when
TEST_DATABASE_URL points at a server (a new database is created for each test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


@asynccontextmanager
async def fresh_database(tmp_path: Path) -> AsyncIterator[str]:
    if not TEST_DATABASE_URL:
        yield f"sqlite+aiosqlite:///{tmp_path / 'agreements.db'}"
        return
    async with postgres_database(TEST_DATABASE_URL, "test") as url:
        yield url


@asynccontextmanager
async def postgres_database(server_url: str, prefix: str) -> AsyncIterator[str]:
    """A new, empty database on the server ``server_url`` names, dropped afterwards."""
    server = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(
        host=server.host or "127.0.0.1",
        port=server.port or 5432,
        user=server.username or "postgres",
        password=server.password,
        database=server.database or "postgres",
    )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
