"""What the page behind an invitation's link shows: the invited address's state, and the
record that stands, as its record page would show it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.chain_standing import ChainVerdicts
from bot.agreements.record_status import RecordStatus, record_status
from bot.core.addresses import masked
from bot.core.people import full_name
from bot.db.models import Agreement, EmailConfirmation, EmailParty, RefusedAddress, User
from bot.mail.alerts import agreed_text


class State(enum.StrEnum):
    OPEN = "open"  # neither confirmed nor refused
    CONFIRMED = "confirmed"
    REFUSED = "refused"  # "not me" before confirming: the links are dead


@dataclass(frozen=True, slots=True)
class Invitation:
    party_id: int
    language: str  # the invitation's (the adder's): the page's unless the reader picks
    masked_address: str
    invited_by: str
    state: State
    confirmed_at: datetime | None
    confirmation_digest: str | None  # the confirmation's own record, once confirmed
    mail_stopped_at: datetime | None  # "not me": no more mail about what the adder adds
    record: RecordStatus  # the record that stands now (the agreement's or an amendment's)

    @property
    def dead(self) -> bool:
        """Its links can confirm nothing any more: "not me" came first (here, or to mail
        about what the same person adds)."""
        return self.state is State.REFUSED or (
            self.state is State.OPEN and self.mail_stopped_at is not None
        )

    @property
    def stopped(self) -> bool:
        """No more mail goes to the address about what its adder adds."""
        return self.state is State.REFUSED or self.mail_stopped_at is not None


async def read_invitation(
    session: AsyncSession, party_id: int, verdicts: ChainVerdicts | None = None
) -> Invitation | None:
    """None for an id no invitation has (a link signed for a row that is gone).
    ``verdicts``: the site's, so that a page anyone with the link opens doesn't walk the
    chat's whole chain each time (bot/agreements/chain_standing.py)."""
    party = await session.get(EmailParty, party_id, populate_existing=True)
    if party is None:
        return None
    agreement = await session.get(Agreement, party.agreement_id)
    adder = await session.get(User, party.added_by_id)
    assert agreement is not None and adder is not None  # foreign keys
    standing = await agreed_text(session, agreement)
    record = await record_status(session, standing.digest, verdicts=verdicts)
    assert record is not None
    confirmation = await session.scalar(
        select(EmailConfirmation).where(EmailConfirmation.email_party_id == party.id)
    )
    stopped = await session.get(RefusedAddress, (party.address, party.added_by_id))
    state = State.OPEN
    if party.confirmed_at is not None:
        state = State.CONFIRMED
    elif party.refused_at is not None:
        state = State.REFUSED
    return Invitation(
        party_id=party.id,
        language=party.language,
        masked_address=masked(party.address),
        invited_by=full_name(adder.first_name, adder.last_name),
        state=state,
        confirmed_at=party.confirmed_at,
        confirmation_digest=confirmation.digest if confirmation else None,
        mail_stopped_at=stopped.refused_at if stopped else None,
        record=record,
    )
