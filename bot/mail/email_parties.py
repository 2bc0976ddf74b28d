"""The addresses that confirmed an agreement by email (bot/confirmations/): from then on
they get its later mails, each in the thread of its invitation, unless their owner said
"not me" to mail about what the one who added them adds."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import EmailParty, Mail, MailStatus, RefusedAddress
from bot.mail import kinds


@dataclass(frozen=True, slots=True)
class ConfirmedAddress:
    address: str
    language: str
    thread: str | None  # the invitation's Message-ID, when it was sent
    party_id: int  # its EmailParty
    confirmed_at_version: int  # the message's latest version when it confirmed (0: none)


async def confirmed_by_email(
    session: AsyncSession, agreement_id: int, skip: Set[str] = frozenset()
) -> list[ConfirmedAddress]:
    """The agreement's confirmed addresses still written to, in the order they were
    added; none in ``skip`` (a party's own verified address is mailed as the party)."""
    refused = exists().where(
        RefusedAddress.address == EmailParty.address,
        RefusedAddress.sender_id == EmailParty.added_by_id,
    )
    parties = await session.scalars(
        select(EmailParty)
        .where(
            EmailParty.agreement_id == agreement_id,
            EmailParty.confirmed_at.is_not(None),
            EmailParty.refused_at.is_(None),
            ~refused,
        )
        .order_by(EmailParty.added_at, EmailParty.id)
    )
    skipped = {address.lower() for address in skip}
    wanted = [party for party in parties if party.address not in skipped]
    if not wanted:
        return []
    threads = await invitation_threads(session, agreement_id)
    return [
        ConfirmedAddress(
            party.address,
            party.language,
            threads.get(party.address),
            party.id,
            party.confirmed_at_version or 0,
        )
        for party in wanted
    ]


async def invitation_threads(session: AsyncSession, agreement_id: int) -> dict[str, str]:
    """Each invited address's invitation Message-ID, for In-Reply-To."""
    rows = await session.execute(
        select(Mail.to_address, Mail.message_id).where(
            and_(
                Mail.agreement_id == agreement_id,
                Mail.kind == kinds.INVITATION,
                Mail.user_id.is_(None),
                Mail.status != MailStatus.FAILED,
            )
        )
    )
    return {address.lower(): message_id for address, message_id in rows}
