"""Requests about one email address take turns on PostgreSQL, whatever account or chat
they come from (codes to it, invitations of it), so that limits per address hold under
concurrency. A transaction-scoped advisory lock: held until the commit, taken after any row
lock the caller holds, always in that order. SQLite's writers take turns anyway."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import locks_rows

ADDRESS_LOCKS = 0x0E3A11  # the class of these advisory locks


async def lock_address(session: AsyncSession, address: str) -> None:
    if locks_rows(session):
        key = func.hashtext(address.lower())
        await session.execute(select(func.pg_advisory_xact_lock(ADDRESS_LOCKS, key)))
