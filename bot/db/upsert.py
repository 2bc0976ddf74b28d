"""INSERT ... ON CONFLICT DO NOTHING on either database: insert-or-keep without a race."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def insert_ignoring_duplicates(
    session: AsyncSession, model: type[Any]
) -> PostgresInsert | SqliteInsert:
    """An INSERT that adds nothing, and raises nothing, when the row's key is taken
    (its result's rowcount tells which)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(model).on_conflict_do_nothing()
    return sqlite_insert(model).on_conflict_do_nothing()
