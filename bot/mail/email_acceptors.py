"""Whose acceptance by email an edited version needs, and who gave it.

A confirmed address (bot/confirmations/) is asked to accept exactly the versions stored
after it confirmed (``EmailParty.confirmed_at_version``, read under the agreement's lock
that edits take too): a confirmation never blocks an edit that was pending before it, and
is never skipped for an edit after it. It is asked only while the bot writes to it about
the agreement (``confirmed_recipients``): an address whose owner said "not me", or that
unsubscribed, or that is a Telegram party's own address (who accepts in the chat), gets no
link and so is not waited for. That is decided again at every accept. Business chats have
no amendments (nobody accepts an edit there), so nobody is asked there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.people import BUSINESS_CHAT_BASE
from bot.db.models import (
    Agreement,
    EmailAcceptance,
    EmailConfirmation,
    EmailParty,
    MessageVersion,
    TermsAcceptance,
)
from bot.mail.email_parties import ConfirmedAddress
from bot.mail.queuing import confirmed_recipients, party_recipients


@dataclass(frozen=True, slots=True)
class ByEmail:
    """One acceptance by email, as a record and a mail name it."""

    party_id: int
    address: str
    accepted_at: datetime
    terms: TermsAcceptance
    confirmation_digest: str | None  # the record of its confirmation, which holds the address


async def latest_version_number(session: AsyncSession, agreement_id: int) -> int:
    """The number of the message's latest stored version; 0 before any edit."""
    latest = await session.scalar(
        select(func.max(MessageVersion.number)).where(MessageVersion.agreement_id == agreement_id)
    )
    return latest or 0


async def asked_to_accept(
    session: AsyncSession, agreement: Agreement, version_number: int
) -> list[ConfirmedAddress]:
    """The confirmed addresses whose acceptance version ``version_number`` needs. Needs the
    agreement's parties with their users loaded."""
    if agreement.chat_id >= BUSINESS_CHAT_BASE:  # nothing is accepted there: no amendments
        return []
    parties = await party_recipients(session, agreement)
    confirmed = await confirmed_recipients(session, agreement, parties)
    return [party for party in confirmed if party.confirmed_at_version < version_number]


async def accepted_party_ids(session: AsyncSession, version_id: int) -> set[int]:
    return set(
        await session.scalars(
            select(EmailAcceptance.email_party_id).where(EmailAcceptance.version_id == version_id)
        )
    )


async def waiting_by_email(
    session: AsyncSession, agreement: Agreement, version: MessageVersion
) -> list[ConfirmedAddress]:
    """Those asked to accept ``version`` who have not yet."""
    done = await accepted_party_ids(session, version.id)
    asked = await asked_to_accept(session, agreement, version.number)
    return [party for party in asked if party.party_id not in done]


async def accepted_by_email(session: AsyncSession, version_id: int) -> list[ByEmail]:
    """Every acceptance of ``version_id`` by email, oldest first."""
    rows = await session.execute(
        select(EmailAcceptance, EmailParty, TermsAcceptance, EmailConfirmation.digest)
        .join(EmailParty, EmailParty.id == EmailAcceptance.email_party_id)
        .join(TermsAcceptance, TermsAcceptance.id == EmailAcceptance.terms_acceptance_id)
        .outerjoin(EmailConfirmation, EmailConfirmation.email_party_id == EmailParty.id)
        .where(EmailAcceptance.version_id == version_id)
        .order_by(EmailAcceptance.accepted_at, EmailAcceptance.email_party_id)
    )
    return [
        ByEmail(party.id, party.address, acceptance.accepted_at, terms, digest)
        for acceptance, party, terms, digest in rows
    ]
