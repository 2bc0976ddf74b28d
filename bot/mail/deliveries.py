"""Queues agreement emails for parties with a verified address, and the chat's archive,
at most once each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.timefmt import format_utc
from bot.db.loading import load_agreements
from bot.db.models import Agreement, JournalEntry, Mail, MailStatus, Party
from bot.evidence.stamps import stamp_states
from bot.mail import kinds
from bot.mail.files import stored_files
from bot.mail.letters import EarlierVersion, Letters
from bot.mail.queuing import (
    Recipient,
    addresses_of_parties,
    enqueue,
    parties_to_mail,
    with_archive_copy,
)
from bot.mail.unsubscribes import subscribed


async def queue_agreement_mails(
    session: AsyncSession,
    letters: Letters,
    agreement_ids: Sequence[int],
    now: datetime,
    *,
    only_user_id: int | None = None,
) -> int:
    """Add a mail for every party who has an address and has not been mailed yet.

    A party without a verified address, or whose address is unsubscribed, is skipped; the
    mail is "held" simply by not existing yet, and verification or subscribing again calls
    this again for that party (``only_user_id``). A mail the server refused for good, or
    that was not sent because the address unsubscribed, is then written anew.
    """
    if not agreement_ids:
        return 0
    agreements = await load_agreements(session, agreement_ids)
    existing = {
        (mail.agreement_id, mail.user_id): mail
        for mail in await session.scalars(
            select(Mail).where(Mail.kind == kinds.AGREEMENT, Mail.agreement_id.in_(agreement_ids))
        )
    }
    addresses = await subscribed(session, await addresses_of_parties(session, agreements))
    stamps = await stamp_states(session, [agreement.digest for agreement in agreements])
    files = await stored_files(session, agreement_ids)

    queued = 0
    for agreement in agreements:
        stamp = stamps.get(agreement.digest)
        if stamp is not None and stamp.pending:
            continue  # the stamper queues these once the timestamp is there
        recipients: list[Recipient] = []
        # The first mails of the agreement: each starts its recipient's thread.
        for recipient in parties_to_mail(agreement, addresses, threads={}):
            user_id = recipient.user_id
            if only_user_id is not None and user_id != only_user_id:
                continue
            previous = existing.get((agreement.id, user_id))
            retry = previous is not None and previous.status is MailStatus.FAILED and only_user_id
            if previous is not None and not retry:
                continue
            if previous is not None:
                # Kept as the record of what bounced; its topic goes to the new attempt.
                previous.topic = kinds.refused_topic(previous.id, previous.topic)
                await session.flush()
            recipients.append(recipient)
        if only_user_id is None:  # not a party's late mail: the archive's, if it is due
            topic = kinds.agreement_topic(agreement.id)
            recipients = await with_archive_copy(
                session, agreement, topic, recipients, record=True
            )
        token = stamp.token if stamp is not None else None
        queued += await _queue(
            session, letters, agreement, recipients, now, token, files.get(agreement.id)
        )
    return queued


async def queue_new_agreement_mails(
    session: AsyncSession,
    letters: Letters,
    agreement: Agreement,
    addresses: dict[int, str],
    now: datetime,
    file: bytes | None,
) -> int:
    """queue_agreement_mails for an agreement recorded in this very transaction, with its
    chat and parties' users in memory: nothing was mailed yet, so nothing is looked up
    again. Not for one awaiting a trusted timestamp (the stamper mails those).
    ``addresses``: the parties' verified ones; the unsubscribed are left out here."""
    mailable = await subscribed(session, addresses)
    recipients = parties_to_mail(agreement, mailable, threads={})  # its first mails
    topic = kinds.agreement_topic(agreement.id)
    recipients = await with_archive_copy(
        session, agreement, topic, recipients, record=True, fresh=True
    )
    return await _queue(session, letters, agreement, recipients, now, None, file)


async def _queue(
    session: AsyncSession,
    letters: Letters,
    agreement: Agreement,
    recipients: list[Recipient],
    now: datetime,
    stamp: bytes | None,
    file: bytes | None,
) -> int:
    if not recipients:
        return 0
    earlier = await _earlier_versions(session, agreement)
    return enqueue(session, letters.agreement(agreement, recipients, now, earlier, stamp, file))


async def agreements_awaiting_mail(session: AsyncSession, user_id: int) -> list[int]:
    """Agreements the user is a party to that never reached them (held, or refused)."""
    mailed = select(Mail.agreement_id).where(
        Mail.kind == kinds.AGREEMENT,
        Mail.user_id == user_id,
        Mail.agreement_id.is_not(None),
        Mail.status != MailStatus.FAILED,
    )
    rows = await session.scalars(
        select(Party.agreement_id)
        .where(Party.user_id == user_id, Party.agreement_id.not_in(mailed))
        .order_by(Party.agreement_id)
    )
    return list(rows)


async def _earlier_versions(session: AsyncSession, agreement: Agreement) -> list[EarlierVersion]:
    """How the message read before it was marked, when the journal saw it then."""
    if agreement.message_edit_date is None:
        return []
    entries = await session.scalars(
        select(JournalEntry)
        .where(
            JournalEntry.chat_id == agreement.chat_id,
            JournalEntry.message_id == agreement.message_id,
            JournalEntry.content_hash != agreement.content_hash,
            JournalEntry.seen_at <= agreement.marked_at,
        )
        .order_by(JournalEntry.seen_at, JournalEntry.id)
    )
    return [
        EarlierVersion(format_utc(entry.edit_date or entry.date), entry.text or "")
        for entry in entries
    ]
