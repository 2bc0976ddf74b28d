"""INSERT ... ON CONFLICT, in the dialect of the database a session writes to."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from bot.db.dialect import is_postgres


def insert_for(
    session: AsyncSession, model: type[DeclarativeBase]
) -> postgresql.Insert | sqlite.Insert:
    """An insert that can say what to do ON CONFLICT: both databases the bot runs on
    have it, with the same shape, but SQLAlchemy builds it per dialect."""
    if is_postgres(session):
        return postgresql.insert(model)
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"no upsert for the {dialect} dialect")


def insert_ignoring_duplicates(
    session: AsyncSession, model: type[DeclarativeBase]
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that adds nothing, and raises nothing, when the row's key is taken
    (its result's rowcount tells which)."""
    return insert_for(session, model).on_conflict_do_nothing()
