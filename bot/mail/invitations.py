"""Queues the invitation mails of addresses a party named for an agreement: one per
invited address (its topic), never to an address that refused this bot's mail, and only
once the record's timestamp is there when one was asked for (the stamper calls this
again then, as it does for the agreement's own mails)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.loading import load_agreement
from bot.db.models import EmailParty, Mail, RefusedAddress
from bot.evidence.stamps import stamp_states
from bot.logs import mask_address
from bot.mail import kinds
from bot.mail.letters import Letters
from bot.mail.queuing import enqueue

logger = logging.getLogger(__name__)


async def queue_invitations(
    session: AsyncSession, letters: Letters, agreement_id: int, now: datetime
) -> int:
    """Write the invitations still owed for the agreement (in the caller's transaction);
    how many. Nothing while its timestamp is awaited, or without WEB_BASE_URL."""
    if not letters.invites:
        return 0
    invited = (
        await session.scalars(
            select(EmailParty)
            .where(
                EmailParty.agreement_id == agreement_id,
                EmailParty.confirmed_at.is_(None),
                EmailParty.refused_at.is_(None),
                ~exists().where(RefusedAddress.address == EmailParty.address),
            )
            .order_by(EmailParty.id)
        )
    ).all()
    topics = {kinds.invitation_topic(party.id): party for party in invited}
    written = set(
        await session.scalars(
            select(Mail.topic).where(Mail.user_id.is_(None), Mail.topic.in_(list(topics)))
        )
    )
    owed = [party for topic, party in topics.items() if topic not in written]
    if not owed:
        return 0
    agreement = await load_agreement(session, agreement_id)
    assert agreement is not None  # email_parties name it by a foreign key
    stamp = (await stamp_states(session, [agreement.digest])).get(agreement.digest)
    if stamp is not None and stamp.pending:
        return 0  # the stamper queues these once the timestamp is there
    token = stamp.token if stamp is not None else None
    mails = [letters.invitation(agreement, party, now, token) for party in owed]
    for party, mail in zip(owed, mails, strict=True):
        logger.info(
            "invitation queued agreement=%s email_party=%s to=%s message_id=%s",
            agreement_id,
            party.id,
            mask_address(party.address),
            mail.message_id,
        )
    return enqueue(session, mails)
