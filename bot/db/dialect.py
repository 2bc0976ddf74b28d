"""Which database the bot writes to, asked in one place.

The bot runs on two: PostgreSQL, where replicas and concurrent updates race and rows are
locked (``FOR UPDATE``, advisory locks, savepoints); and SQLite, where the process' writers
take turns (bot/db/gate.py) and nothing needs locking.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

POSTGRESQL = "postgresql"


def is_postgres(target: AsyncSession | AsyncEngine | AsyncConnection | Engine) -> bool:
    """True when ``target`` (a session, an engine or a connection) writes to PostgreSQL."""
    bind = target.get_bind() if isinstance(target, AsyncSession) else target
    return bind.dialect.name == POSTGRESQL


def locks_rows(target: AsyncSession | AsyncEngine | AsyncConnection | Engine) -> bool:
    """True when concurrent writers race and must lock what decides (PostgreSQL); False
    when they take turns in the process' write gate (SQLite)."""
    return is_postgres(target)
