"""One agreement's whole story for review: the original, every later version with its
word diff and who accepted it, the amendments, the parties and the evidence of each record.

It tells names, never addresses. Whether the reader may see it is the caller's to check
(bot/agreements/visibility.py): an id alone is never enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.chain_standing import ChainPlace, ChainVerdicts, chain_places
from bot.agreements.history import History, agreement_history
from bot.agreements.overview import OverviewItem, is_awaiting, state_of
from bot.agreements.record_status import StampInfo, stamp_info
from bot.agreements.views import load_views
from bot.core.labels import label
from bot.core.people import full_name
from bot.db.loading import with_parties
from bot.db.models import (
    Acceptance,
    Agreement,
    Amendment,
    MessageDeletion,
    MessageVersion,
    PartyRole,
    User,
)


@dataclass(frozen=True, slots=True)
class AcceptanceEntry:
    name: str
    accepted_at: datetime


@dataclass(frozen=True, slots=True)
class PartyEntry:
    name: str
    username: str | None
    role: PartyRole
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class RecordEvidence:
    label: str  # "3", or "3.1" for an amendment
    is_amendment: bool
    digest: str
    recorded_at: datetime
    chain: ChainPlace
    stamp: StampInfo | None  # None: no timestamp was asked for


@dataclass(frozen=True, slots=True)
class AgreementDetails:
    item: OverviewItem
    entities: list[dict[str, Any]]
    topic: str | None
    marked_by: str
    history: History  # the original, every version with its diff, the amendments
    acceptances: dict[int, list[AcceptanceEntry]]  # by version number
    parties: list[PartyEntry]
    records: list[RecordEvidence]  # the agreement's, then each amendment's
    deleted_at: datetime | None


async def agreement_details(
    session: AsyncSession,
    agreement_id: int,
    tsa_roots: list[bytes] | None,
    verdicts: ChainVerdicts | None = None,
) -> AgreementDetails | None:
    agreement = await session.scalar(
        with_parties(select(Agreement)).where(Agreement.id == agreement_id)
    )
    if agreement is None:
        return None
    [view] = await load_views(session, [agreement], with_chat=True)
    history = await agreement_history(session, agreement.chat_id, agreement.number)
    assert history is not None  # the agreement was just read
    deletion = await session.get(MessageDeletion, agreement.id)
    marker = await session.get(User, agreement.marked_by_id)
    return AgreementDetails(
        item=OverviewItem(view, state_of(view), is_awaiting(view), deletion is not None),
        entities=agreement.entities,
        topic=agreement.topic,
        marked_by=full_name(marker.first_name, marker.last_name) if marker else "?",
        history=history,
        acceptances=await _acceptances(session, agreement.id),
        parties=[
            PartyEntry(
                full_name(p.user.first_name, p.user.last_name),
                p.user.username,
                p.role,
                p.joined_at,
            )
            for p in agreement.parties
        ],
        records=await _records(session, agreement, tsa_roots, verdicts),
        deleted_at=deletion.deleted_at if deletion else None,
    )


async def _acceptances(
    session: AsyncSession, agreement_id: int
) -> dict[int, list[AcceptanceEntry]]:
    rows = await session.execute(
        select(MessageVersion.number, User.first_name, User.last_name, Acceptance.accepted_at)
        .join(Acceptance, Acceptance.version_id == MessageVersion.id)
        .join(User, User.id == Acceptance.user_id)
        .where(MessageVersion.agreement_id == agreement_id)
        .order_by(MessageVersion.number, Acceptance.accepted_at, Acceptance.user_id)
    )
    accepted: dict[int, list[AcceptanceEntry]] = {}
    for number, first_name, last_name, accepted_at in rows:
        accepted.setdefault(number, []).append(
            AcceptanceEntry(full_name(first_name, last_name), accepted_at)
        )
    return accepted


async def _records(
    session: AsyncSession,
    agreement: Agreement,
    tsa_roots: list[bytes] | None,
    verdicts: ChainVerdicts | None,
) -> list[RecordEvidence]:
    amendments = list(
        await session.scalars(
            select(Amendment)
            .where(Amendment.agreement_id == agreement.id)
            .order_by(Amendment.number)
        )
    )
    sealed = [
        (label(agreement.number), False, agreement.digest, agreement.marked_at, agreement.record)
    ]
    sealed += [
        (label(agreement.number, a.number), True, a.digest, a.created_at, a.record)
        for a in amendments
    ]
    places = await chain_places(session, agreement.chat_id, [s[2] for s in sealed], verdicts)
    return [
        RecordEvidence(
            name,
            is_amendment,
            digest,
            recorded_at,
            places[digest],
            await stamp_info(session, digest, record, tsa_roots),
        )
        for name, is_amendment, digest, recorded_at, record in sealed
    ]
