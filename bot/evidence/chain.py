"""Each chat's records form a hash chain: every record names the digest of the one before.

A history rewritten in the database afterwards no longer matches the digests the parties
hold in their mailboxes, nor the chain itself. The chain's order is the order its links
were made in: each record takes the chat's next place (``chain_entries``) while it holds
the chat's lock (``lock_chain``), so records made at once by several replicas never name
the same predecessor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.labels import confirmation_name, record_name
from bot.db.dialect import locks_rows
from bot.db.models import Agreement, Amendment, ChainEntry, Chat, EmailConfirmation
from bot.evidence.records import digest_of


@dataclass(frozen=True, slots=True)
class ChainLink:
    label: str  # "agreement #3", "amendment #3.1"
    recorded_at: datetime
    record: bytes
    digest: str
    position: int | None  # its place in the chat's chain; None: a record given none
    agreement_id: int | None = None  # the agreement, or the amendment's (confirmation's)
    amendment_id: int | None = None
    confirmation_id: int | None = None


@dataclass(frozen=True, slots=True)
class ChainHead:
    """Where a chat's next record goes, and the digest it must name."""

    next_position: int
    digest: str | None


async def lock_chain(session: AsyncSession, chat_id: int) -> None:
    """Hold the chat's chain until the transaction ends: on PostgreSQL the chat's row
    (FOR UPDATE), which markings lock too. On SQLite the caller holds the process' write
    turn (bot/db/gate.py) instead, and this is a no-op."""
    if locks_rows(session):
        await session.execute(select(Chat.id).where(Chat.id == chat_id).with_for_update())


async def chain_head(session: AsyncSession, chat_id: int) -> ChainHead:
    """Read under the chat's lock (``lock_chain``), so that nobody takes the place first."""
    last = (
        await session.execute(
            select(ChainEntry.position, ChainEntry.digest)
            .where(ChainEntry.chat_id == chat_id)
            .order_by(ChainEntry.position.desc())
            .limit(1)
        )
    ).first()
    return ChainHead(1, None) if last is None else ChainHead(last.position + 1, last.digest)


def add_link(
    session: AsyncSession,
    chat_id: int,
    head: ChainHead,
    record: Agreement | Amendment | EmailConfirmation,
) -> None:
    """The record takes the place ``head`` named, in the record's own flush; the key
    refuses a second record there."""
    entry = ChainEntry(chat_id=chat_id, position=head.next_position, digest=record.digest)
    if isinstance(record, Agreement):
        entry.agreement = record
    elif isinstance(record, Amendment):
        entry.amendment = record
    else:
        entry.confirmation = record
    session.add(entry)


async def latest_digest(session: AsyncSession, chat_id: int) -> str | None:
    """What the chat's next record names as its predecessor: the last link of
    ``chat_chain``."""
    return (await chain_head(session, chat_id)).digest


async def chat_chain(session: AsyncSession, chat_id: int) -> list[ChainLink]:
    """The chat's records in the order they were made; any record without a place comes
    last, for ``check_chain`` to report."""
    places = {
        (entry.agreement_id, entry.amendment_id, entry.confirmation_id): entry.position
        for entry in await session.scalars(select(ChainEntry).where(ChainEntry.chat_id == chat_id))
    }
    links = [
        ChainLink(
            record_name(a.number),
            a.marked_at,
            a.record,
            a.digest,
            places.get((a.id, None, None)),
            agreement_id=a.id,
        )
        for a in await session.scalars(select(Agreement).where(Agreement.chat_id == chat_id))
    ]
    amended = await session.execute(
        select(Amendment, Agreement.number)
        .join(Agreement, Agreement.id == Amendment.agreement_id)
        .where(Agreement.chat_id == chat_id)
    )
    links += [
        ChainLink(
            record_name(number, a.number),
            a.created_at,
            a.record,
            a.digest,
            places.get((None, a.id, None)),
            agreement_id=a.agreement_id,
            amendment_id=a.id,
        )
        for a, number in amended
    ]
    confirmed = await session.execute(
        select(EmailConfirmation, Agreement.number)
        .join(Agreement, Agreement.id == EmailConfirmation.agreement_id)
        .where(Agreement.chat_id == chat_id)
    )
    links += [
        ChainLink(
            confirmation_name(number, c.id),
            c.created_at,
            c.record,
            c.digest,
            places.get((None, None, c.id)),
            agreement_id=c.agreement_id,
            confirmation_id=c.id,
        )
        for c, number in confirmed
    ]
    unplaced = 1 << 62  # after every place
    return sorted(links, key=lambda link: (link.position or unplaced, link.recorded_at))


def check_chain(links: list[ChainLink]) -> list[str]:
    """Every problem found, in plain words; an empty list means the chain holds."""
    problems = []
    previous: str | None = None
    for expected, link in enumerate(links, start=1):
        if link.position is None:
            problems.append(f"{link.label}: has no place in the chat's chain")
        elif link.position != expected:
            problems.append(f"{link.label}: is at place {link.position}, not {expected}")
        if digest_of(link.record) != link.digest:
            problems.append(f"{link.label}: its record no longer hashes to its digest")
        named = json.loads(link.record).get("previous_digest")
        if named != previous:
            problems.append(f"{link.label}: names {named} as the previous record, not {previous}")
        previous = link.digest
    return problems
