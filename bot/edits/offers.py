"""What the page behind an alert's accept link shows: the version a confirmed address is
asked to accept, against the agreed text it would replace, and where that stands now."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.addresses import masked
from bot.core.diff import Diff, word_diff
from bot.core.labels import label
from bot.db.loading import load_agreement
from bot.db.models import Agreement, Amendment, EmailAcceptance, EmailParty, MessageVersion
from bot.mail.alerts import agreed_text
from bot.mail.amendments import replaced_text
from bot.mail.email_acceptors import asked_to_accept, latest_version_number


class OfferState(enum.StrEnum):
    OPEN = "open"  # asked, not accepted yet: the page has the button
    ACCEPTED = "accepted"  # this address accepted it; others still may have to
    AMENDED = "amended"  # it is an amendment now
    OUTDATED = "outdated"  # the message was edited again: a new mail brings a new link
    NOT_ASKED = "not_asked"  # no longer asked ("not me", unsubscribed) or never was


@dataclass(frozen=True, slots=True)
class Offer:
    party_id: int
    version_id: int
    language: str  # the invitation's: the page's unless the reader picks
    masked_address: str
    number: int  # the agreement's
    title: str | None
    chat_title: str | None
    agreed_label: str  # "3" (the original) or "3.1" (the amendment that stands)
    agreed_text: str
    agreed_digest: str
    version_number: int
    text: str  # the new version's
    entities: list[dict[str, Any]]
    edited_at: datetime
    diff: Diff  # from the agreed text to the new version
    state: OfferState
    accepted_at: datetime | None  # this address's acceptance
    amendment_label: str | None  # once it is one
    amendment_digest: str | None


async def read_offer(session: AsyncSession, party_id: int, version_id: int) -> Offer | None:
    """None when the link names no such invitation and version of one agreement."""
    party = await session.get(EmailParty, party_id, populate_existing=True)
    version = await session.get(MessageVersion, version_id)
    if party is None or version is None or version.agreement_id != party.agreement_id:
        return None
    agreement = await load_agreement(session, party.agreement_id)
    assert agreement is not None
    amendment = await session.scalar(select(Amendment).where(Amendment.version_id == version.id))
    accepted = await session.get(EmailAcceptance, (version.id, party.id))
    # Against what it would replace: what stands now, or what it replaced once amended.
    agreed = await (
        replaced_text(session, agreement, amendment)
        if amendment is not None
        else agreed_text(session, agreement)
    )
    state = await _state(session, agreement, party, version, amendment, accepted)
    return Offer(
        party_id=party.id,
        version_id=version.id,
        language=party.language,
        masked_address=masked(party.address),
        number=agreement.number,
        title=agreement.title,
        chat_title=agreement.chat.title,
        agreed_label=agreed.label or label(agreement.number),
        agreed_text=agreed.text,
        agreed_digest=agreed.digest,
        version_number=version.number,
        text=version.text,
        entities=version.entities,
        edited_at=version.edit_date,
        diff=word_diff(agreed.text, version.text),
        state=state,
        accepted_at=accepted.accepted_at if accepted else None,
        amendment_label=label(agreement.number, amendment.number) if amendment else None,
        amendment_digest=amendment.digest if amendment else None,
    )


async def _state(
    session: AsyncSession,
    agreement: Agreement,
    party: EmailParty,
    version: MessageVersion,
    amendment: Amendment | None,
    accepted: EmailAcceptance | None,
) -> OfferState:
    if amendment is not None:
        return OfferState.AMENDED
    if await latest_version_number(session, agreement.id) != version.number:
        return OfferState.OUTDATED
    if accepted is not None:
        return OfferState.ACCEPTED
    asked = await asked_to_accept(session, agreement, version.number)
    if party.id in {each.party_id for each in asked}:
        return OfferState.OPEN
    return OfferState.NOT_ASKED
