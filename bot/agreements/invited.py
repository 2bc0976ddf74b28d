"""The addresses invited to an agreement, as the Mini App and the answers show them:
masked (c…@example.com), with what became of each."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.addresses import masked
from bot.db.models import EmailParty


class InvitedState(enum.StrEnum):
    INVITED = "invited"  # mailed (or about to be), no answer yet
    CONFIRMED = "confirmed"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class InvitedAddress:
    address: str  # masked
    state: InvitedState
    added_at: datetime


async def invited_addresses(session: AsyncSession, agreement_id: int) -> list[InvitedAddress]:
    """In the order they were added."""
    parties = await session.scalars(
        select(EmailParty)
        .where(EmailParty.agreement_id == agreement_id)
        .order_by(EmailParty.added_at, EmailParty.id)
    )
    return [
        InvitedAddress(masked(party.address), _state(party), party.added_at) for party in parties
    ]


def _state(party: EmailParty) -> InvitedState:
    if party.confirmed_at is not None:
        return InvitedState.CONFIRMED
    if party.refused_at is not None:
        return InvitedState.REFUSED
    return InvitedState.INVITED
