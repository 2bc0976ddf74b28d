"""Each chat's records form a hash chain: every record names the digest of the one before.

A history rewritten in the database afterwards no longer matches the digests the parties
hold in their mailboxes, nor the chain itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agreement, Amendment
from bot.services.records import digest_of


@dataclass(frozen=True, slots=True)
class ChainLink:
    label: str  # "agreement #3", "amendment #3.1"
    recorded_at: datetime
    record: bytes
    digest: str


async def chat_chain(session: AsyncSession, chat_id: int) -> list[ChainLink]:
    """The chat's records in the order they were made."""
    links = [
        ChainLink(f"agreement #{a.number}", a.marked_at, a.record, a.digest)
        for a in await session.scalars(select(Agreement).where(Agreement.chat_id == chat_id))
    ]
    amended = await session.execute(
        select(Amendment, Agreement.number)
        .join(Agreement, Agreement.id == Amendment.agreement_id)
        .where(Agreement.chat_id == chat_id)
    )
    links += [
        ChainLink(f"amendment #{number}.{a.number}", a.created_at, a.record, a.digest)
        for a, number in amended
    ]
    return sorted(links, key=lambda link: (link.recorded_at, link.label))


async def latest_digest(session: AsyncSession, chat_id: int) -> str | None:
    """What the chat's next record names as its predecessor."""
    chain = await chat_chain(session, chat_id)
    return chain[-1].digest if chain else None


def check_chain(links: list[ChainLink]) -> list[str]:
    """Every problem found, in plain words; an empty list means the chain holds."""
    problems = []
    previous: str | None = None
    for link in links:
        if digest_of(link.record) != link.digest:
            problems.append(f"{link.label}: its record no longer hashes to its digest")
        named = json.loads(link.record).get("previous_digest")
        if named != previous:
            problems.append(f"{link.label}: names {named} as the previous record, not {previous}")
        previous = link.digest
    return problems
