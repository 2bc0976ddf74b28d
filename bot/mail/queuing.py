"""The step every mail about an agreement goes through: who gets it (the parties with a
verified address they have not unsubscribed, and the addresses that confirmed it by email,
each in their own thread, and the chat's archive address when one is set), then its rows
added to the outbox.

The queues (deliveries, alerts, amendments, deletions) decide what to write and whom to
leave out; who can be mailed at all, and how, is decided here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.directory import verified_addresses
from bot.db.models import Agreement, Mail, MailStatus, User
from bot.mail import kinds
from bot.mail.archive_copies import archive_copy
from bot.mail.email_parties import ConfirmedAddress, confirmed_by_email
from bot.mail.unsubscribes import normalized, subscribed, unsubscribed_among


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whom one mail goes to: a Telegram user's verified address, or an address with no
    Telegram user behind it (``user`` None: it speaks ``language_code``)."""

    user: User | None
    address: str
    in_reply_to: str | None = None  # the Message-ID this party's thread goes on from
    language_code: str | None = None  # used only when there is no user
    # A chat archive's copy: its mail's topic is kinds.archive_topic(topic), so that it is
    # told apart from a party's mail to the same address, and a removal finds it.
    archive: bool = False
    # An address that confirmed the agreement by email: its invitation (EmailParty).
    email_party_id: int | None = None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def language(self) -> str | None:
        return self.user.language_code if self.user else self.language_code


async def recipients_of(
    session: AsyncSession, agreement: Agreement, topic: str
) -> list[Recipient]:
    """The agreement's parties with a verified address they have not unsubscribed, each
    with their agreement email's Message-ID to reply to (the agreement's own mails start
    the threads: they go through ``parties_to_mail`` with no threads), then the addresses
    that confirmed it by email, under their invitations, and the chat's archive if one is
    set and has no copy of the mail about ``topic`` yet. Needs its parties with their users
    loaded."""
    parties = await party_recipients(session, agreement)
    confirmed = [
        Recipient(None, party.address, party.thread, party.language, email_party_id=party.party_id)
        for party in await confirmed_recipients(session, agreement, parties)
    ]
    return await with_archive_copy(session, agreement, topic, parties + confirmed)


async def party_recipients(session: AsyncSession, agreement: Agreement) -> list[Recipient]:
    """The agreement's parties with a verified address they have not unsubscribed, each in
    their thread. Needs its parties with their users loaded."""
    addresses = await subscribed(session, await addresses_of_parties(session, [agreement]))
    threads = await agreement_threads(session, agreement.id)
    return parties_to_mail(agreement, addresses, threads)


async def confirmed_recipients(
    session: AsyncSession, agreement: Agreement, parties: Sequence[Recipient]
) -> list[ConfirmedAddress]:
    """The addresses that confirmed the agreement by email and are written to: not one of
    ``parties``' own (mailed as that party), not unsubscribed, not stopped by "not me"."""
    invited = await confirmed_by_email(session, agreement.id, {r.address for r in parties})
    stopped = await unsubscribed_among(session, [party.address for party in invited])
    return [party for party in invited if normalized(party.address) not in stopped]


async def not_yet_mailed(
    session: AsyncSession, topic: str, recipients: Sequence[Recipient]
) -> list[Recipient]:
    """Those of ``recipients`` with no mail of ``topic`` yet: a user by their id, an
    address with no user behind it by the address (one mail per topic each)."""
    mailed = {
        (user_id, None if user_id is not None else address)
        for user_id, address in await session.execute(
            select(Mail.user_id, Mail.to_address).where(Mail.topic == topic)
        )
    }
    return [r for r in recipients if (r.user_id, None if r.user else r.address) not in mailed]


async def addresses_of_parties(
    session: AsyncSession, agreements: Sequence[Agreement]
) -> dict[int, str]:
    """The verified address of each of the agreements' parties who has one, in one query."""
    party_ids = list({party.user_id for agreement in agreements for party in agreement.parties})
    return await verified_addresses(session, party_ids)


def parties_to_mail(
    agreement: Agreement, addresses: Mapping[int, str], threads: Mapping[int, str]
) -> list[Recipient]:
    """``recipients_of`` with the addresses (and threads) already read, in the parties' order."""
    return [
        Recipient(party.user, addresses[party.user_id], threads.get(party.user_id))
        for party in agreement.parties
        if party.user_id in addresses
    ]


async def agreement_threads(session: AsyncSession, agreement_id: int) -> dict[int, str]:
    """Each recipient's agreement email Message-ID, for In-Reply-To."""
    rows = await session.execute(
        select(Mail.user_id, Mail.message_id).where(
            Mail.agreement_id == agreement_id,
            Mail.kind == kinds.AGREEMENT,
            Mail.status != MailStatus.FAILED,
            Mail.user_id.is_not(None),
        )
    )
    return {user_id: message_id for user_id, message_id in rows if user_id is not None}


async def with_archive_copy(
    session: AsyncSession,
    agreement: Agreement,
    topic: str,
    recipients: list[Recipient],
    *,
    record: bool = False,
    fresh: bool = False,
) -> list[Recipient]:
    """``recipients`` and the chat's archive copy, when one is due (see ``archive_copy``):
    not when a party gets the mail at that very address already."""
    copy = await archive_copy(session, agreement, topic, record=record, fresh=fresh)
    if copy is None or any(r.address.lower() == copy.address for r in recipients):
        return recipients
    archive = Recipient(None, copy.address, copy.in_reply_to, copy.language, archive=True)
    return [*recipients, archive]


def enqueue(session: AsyncSession, mails: Sequence[Mail]) -> int:
    """Add the written mails to the outbox (in the caller's transaction); how many."""
    session.add_all(mails)
    return len(mails)
