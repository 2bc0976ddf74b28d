"""Amendment emails: one per party with an address, threaded under their agreement email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.addresses import masked
from bot.core.labels import label
from bot.db.loading import load_agreement
from bot.db.models import Acceptance, Agreement, Amendment, User
from bot.evidence.stamps import stamp_states
from bot.mail import kinds
from bot.mail.email_acceptors import accepted_by_email
from bot.mail.letters import AgreedText, Letters
from bot.mail.queuing import enqueue, not_yet_mailed, recipients_of


async def queue_amendment_mails(
    session: AsyncSession, letters: Letters, amendment_id: int, now: datetime
) -> int:
    """Write the amendment's mails to the parties not mailed it yet, unless its trusted
    timestamp is still on its way (the stamper calls this again once it has one, and once
    more for parties who verified meanwhile: a second call must not mail anyone twice)."""
    amendment = await session.get(Amendment, amendment_id)
    assert amendment is not None
    agreement = await load_agreement(session, amendment.agreement_id)
    assert agreement is not None
    return await queue_amendment_mails_of(session, letters, agreement, amendment, now)


async def queue_amendment_mails_of(
    session: AsyncSession,
    letters: Letters,
    agreement: Agreement,
    amendment: Amendment,
    now: datetime,
) -> int:
    """queue_amendment_mails with the amendment and its agreement (its chat and parties'
    users loaded) in hand, as the accept that records the amendment has them."""
    stamp = (await stamp_states(session, [amendment.digest])).get(amendment.digest)
    if stamp is not None and stamp.pending:
        return 0
    topic = kinds.amendment_topic(amendment.id)
    # the archive's copy is left out by recipients_of once it has one
    to_mail = await not_yet_mailed(session, topic, await recipients_of(session, agreement, topic))
    if not to_mail:
        return 0
    previous = await replaced_text(session, agreement, amendment)
    acceptances = [
        (acceptance.accepted_at, user)
        for acceptance, user in await session.execute(
            select(Acceptance, User)
            .join(User, User.id == Acceptance.user_id)
            .where(Acceptance.version_id == amendment.version_id)
            .order_by(Acceptance.accepted_at, Acceptance.user_id)
        )
    ]
    by_email = [
        (acceptance.accepted_at, masked(acceptance.address))
        for acceptance in await accepted_by_email(session, amendment.version_id)
    ]
    token = stamp.token if stamp is not None else None
    return enqueue(
        session,
        letters.amendment(
            agreement,
            amendment,
            previous,
            acceptances,
            to_mail,
            now,
            stamp=token,
            by_email=by_email,
        ),
    )


async def replaced_text(
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
