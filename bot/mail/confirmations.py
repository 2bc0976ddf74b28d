"""The mail about a confirmation by email: one to every party and to every confirmed
address (the confirmer's own included), threaded like the agreement's other mails."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.addresses import masked
from bot.core.labels import label
from bot.core.people import full_name
from bot.db.loading import load_agreement
from bot.db.models import Agreement, Amendment, EmailConfirmation, EmailParty, User
from bot.evidence.stamps import stamp_states
from bot.mail import kinds
from bot.mail.letters import AgreedText, Letters
from bot.mail.queuing import enqueue, not_yet_mailed, recipients_of


async def queue_confirmation_mails(
    session: AsyncSession, letters: Letters, confirmation_id: int, now: datetime
) -> int:
    """For the stamper, once the confirmation's timestamp came (or was given up)."""
    confirmation = await session.get(EmailConfirmation, confirmation_id)
    assert confirmation is not None
    agreement = await load_agreement(session, confirmation.agreement_id)
    assert agreement is not None
    return await queue_confirmation_mails_of(session, letters, agreement, confirmation, now)


async def queue_confirmation_mails_of(
    session: AsyncSession,
    letters: Letters,
    agreement: Agreement,
    confirmation: EmailConfirmation,
    now: datetime,
) -> int:
    """Write the mails to whoever has none yet, unless the timestamp is on its way (the
    stamper calls again). ``agreement`` with its chat and parties' users loaded."""
    stamp = (await stamp_states(session, [confirmation.digest])).get(confirmation.digest)
    if stamp is not None and stamp.pending:
        return 0
    topic = kinds.confirmation_topic(confirmation.id)
    to_mail = await not_yet_mailed(session, topic, await recipients_of(session, agreement, topic))
    if not to_mail:
        return 0
    party = await session.get(EmailParty, confirmation.email_party_id)
    assert party is not None
    inviter = await session.get(User, party.added_by_id)
    assert inviter is not None
    mails = letters.email_confirmation(
        agreement,
        confirmation,
        await confirmed_text(session, agreement, confirmation.confirmed_digest),
        masked(confirmation.address),
        full_name(inviter.first_name, inviter.last_name),
        to_mail,
        now,
        stamp=stamp.token if stamp is not None else None,
    )
    return enqueue(session, mails)


async def confirmed_text(session: AsyncSession, agreement: Agreement, digest: str) -> AgreedText:
    """The record a confirmation confirmed: the agreement's, or one of its amendments'."""
    if digest == agreement.digest:
        return AgreedText(agreement.text, None, agreement.digest)
    amendment = await session.scalar(
        select(Amendment).where(Amendment.agreement_id == agreement.id, Amendment.digest == digest)
    )
    assert amendment is not None  # records are append-only
    return AgreedText(amendment.text, label(agreement.number, amendment.number), digest)
