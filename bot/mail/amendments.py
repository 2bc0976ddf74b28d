"""Amendment emails: one per party with an address, threaded under their agreement email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.core.directory import verified_addresses
from bot.core.labels import label
from bot.db.models import Acceptance, Agreement, Amendment, Mail, Party, User
from bot.evidence.stamps import stamp_states
from bot.mail.alerts import agreement_threads
from bot.mail.letters import AgreedText, Letters, amendment_topic, parties_to_mail


async def queue_amendment_mails(
    session: AsyncSession, letters: Letters, amendment_id: int, now: datetime
) -> int:
    """Write the amendment's mails to the parties not mailed it yet, unless its trusted
    timestamp is still on its way (the stamper calls this again once it has one, and once
    more for parties who verified meanwhile: a second call must not mail anyone twice)."""
    amendment = await session.get(Amendment, amendment_id)
    assert amendment is not None
    stamp = (await stamp_states(session, [amendment.digest])).get(amendment.digest)
    if stamp is not None and stamp.pending:
        return 0
    agreement = await session.scalar(
        select(Agreement)
        .where(Agreement.id == amendment.agreement_id)
        .options(
            selectinload(Agreement.chat),
            selectinload(Agreement.parties).selectinload(Party.user),
        )
    )
    assert agreement is not None
    addresses = await verified_addresses(session, [p.user_id for p in agreement.parties])
    threads = await agreement_threads(session, agreement.id)
    mailed = set(
        await session.scalars(
            select(Mail.user_id).where(Mail.topic == amendment_topic(amendment.id))
        )
    )
    recipients = [
        recipient
        for recipient in parties_to_mail(agreement, addresses, threads)
        if recipient.user.id not in mailed
    ]
    if not recipients:
        return 0
    previous = await _replaced(session, agreement, amendment)
    acceptances = [
        (acceptance.accepted_at, user)
        for acceptance, user in await session.execute(
            select(Acceptance, User)
            .join(User, User.id == Acceptance.user_id)
            .where(Acceptance.version_id == amendment.version_id)
            .order_by(Acceptance.accepted_at, Acceptance.user_id)
        )
    ]
    session.add_all(
        letters.amendment(
            agreement,
            amendment,
            previous,
            acceptances,
            recipients,
            now,
            stamp=stamp.token if stamp is not None else None,
        )
    )
    return len(recipients)


async def _replaced(
    session: AsyncSession, agreement: Agreement, amendment: Amendment
) -> AgreedText:
    """What the amendment replaced: the amendment before it, or the original."""
    if amendment.number == 1:
        return AgreedText(agreement.text, None, agreement.digest)
    before = await session.scalar(
        select(Amendment).where(
            Amendment.agreement_id == agreement.id, Amendment.number == amendment.number - 1
        )
    )
    assert before is not None
    return AgreedText(before.text, label(agreement.number, before.number), before.digest)
