"""Each chat's records form a hash chain: every record names the digest of the one before.

A history rewritten in the database afterwards no longer matches the digests the parties
hold in their mailboxes, nor the chain itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agreement, Amendment
from bot.services.records import digest_of


@dataclass(frozen=True, slots=True)
class ChainLink:
    label: str  # "agreement #3", "amendment #3.1"
    recorded_at: datetime
    record: bytes
    digest: str
    # Orders records made at the same moment: agreements before amendments, then by
    # number (as numbers: #9 before #10).
    rank: tuple[int, int, int]

    @property
    def order(self) -> tuple[datetime, tuple[int, int, int]]:
        return self.recorded_at, self.rank


def _agreement_link(number: int, at: datetime, record: bytes, digest: str) -> ChainLink:
    return ChainLink(f"agreement #{number}", at, record, digest, (0, number, 0))


def _amendment_link(number: int, k: int, at: datetime, record: bytes, digest: str) -> ChainLink:
    return ChainLink(f"amendment #{number}.{k}", at, record, digest, (1, number, k))


async def chat_chain(session: AsyncSession, chat_id: int) -> list[ChainLink]:
    """The chat's records in the order they were made."""
    links = [
        _agreement_link(a.number, a.marked_at, a.record, a.digest)
        for a in await session.scalars(select(Agreement).where(Agreement.chat_id == chat_id))
    ]
    amended = await session.execute(
        select(Amendment, Agreement.number)
        .join(Agreement, Agreement.id == Amendment.agreement_id)
        .where(Agreement.chat_id == chat_id)
    )
    links += [
        _amendment_link(number, a.number, a.created_at, a.record, a.digest)
        for a, number in amended
    ]
    return sorted(links, key=lambda link: link.order)


async def latest_digest(session: AsyncSession, chat_id: int) -> str | None:
    """What the chat's next record names as its predecessor: the last link of
    ``chat_chain``, looked for among the records of the chat's latest moment only, so that
    marking costs the same in a chat with a long history."""
    newest_agreement = (
        select(func.max(Agreement.marked_at)).where(Agreement.chat_id == chat_id)
    ).scalar_subquery()
    agreements = await session.execute(
        select(Agreement.number, Agreement.marked_at, Agreement.digest).where(
            Agreement.chat_id == chat_id, Agreement.marked_at == newest_agreement
        )
    )
    in_chat = select(Amendment).join(Agreement, Agreement.id == Amendment.agreement_id)
    newest_amendment = (
        in_chat.with_only_columns(func.max(Amendment.created_at))
        .where(Agreement.chat_id == chat_id)
        .scalar_subquery()
    )
    amendments = await session.execute(
        in_chat.with_only_columns(
            Agreement.number, Amendment.number, Amendment.created_at, Amendment.digest
        ).where(Agreement.chat_id == chat_id, Amendment.created_at == newest_amendment)
    )
    candidates = [_agreement_link(n, at, b"", digest) for n, at, digest in agreements]
    candidates += [_amendment_link(n, k, at, b"", digest) for n, k, at, digest in amendments]
    return max(candidates, key=lambda link: link.order).digest if candidates else None


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
