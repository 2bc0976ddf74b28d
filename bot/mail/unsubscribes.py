"""Which addresses asked for no more mail. Every mail but a code's skips them: when it is
queued (queuing.py, deliveries.py) and, for one queued before, when it is sent (outbox.py).

An address is compared in lower case: mail servers treat the domain so, and in practice
the local part too; one row stands for every spelling of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Unsubscribe
from bot.db.upsert import insert_ignoring_duplicates
from bot.mail import kinds

# The mails an unsubscribed address still gets: a code someone asked for to bind it (as
# their own, or as a chat's archive), useless unless they read it there.
ALWAYS_SENT = frozenset({kinds.VERIFICATION_CODE, kinds.ARCHIVE_CODE})


def normalized(address: str) -> str:
    return address.strip().lower()


async def unsubscribed_among(session: AsyncSession, addresses: Iterable[str]) -> set[str]:
    """Those of ``addresses`` (normalized) that are unsubscribed, in one query."""
    wanted = {normalized(address) for address in addresses}
    if not wanted:
        return set()
    rows = await session.scalars(
        select(Unsubscribe.address).where(Unsubscribe.address.in_(wanted))
    )
    return set(rows)


async def subscribed(session: AsyncSession, addresses: Mapping[int, str]) -> dict[int, str]:
    """``addresses`` (by user id) without the unsubscribed ones."""
    stopped = await unsubscribed_among(session, addresses.values())
    return {key: value for key, value in addresses.items() if normalized(value) not in stopped}


async def is_unsubscribed(session: AsyncSession, address: str) -> bool:
    return bool(await unsubscribed_among(session, [address]))


async def unsubscribe(session: AsyncSession, address: str, now: datetime, via: str) -> bool:
    """Stop mail to ``address``; False when it already was (two at once: one row, no
    error, since the insert ignores a key that is taken)."""
    row = {"address": normalized(address), "unsubscribed_at": now, "via": via}
    inserted = await session.execute(insert_ignoring_duplicates(session, Unsubscribe).values(row))
    return bool(inserted.rowcount)  # type: ignore[attr-defined]


async def resubscribe(session: AsyncSession, address: str) -> bool:
    """Mail goes to ``address`` again; False when it was not unsubscribed."""
    removed = await session.execute(
        delete(Unsubscribe).where(Unsubscribe.address == normalized(address))
    )
    return bool(removed.rowcount)  # type: ignore[attr-defined]
