"""A party names a counterpart's address for an agreement (``/agree client@example.com``,
or "Add by email" in the Mini App): the address becomes an invited EmailParty and gets an
invitation mail, in one transaction.

The bot mails an address nobody has verified on a party's word, so this is bounded:

- only a party of the agreement may name one;
- never an address whose mailbox refused this bot's invitations (for any sender; a
  ``+tag`` or, at Gmail, dots make no new mailbox: bot/mail/refusals.py);
- once per agreement and address (the table's unique key), and at most PER_ADDRESS_WEEK a
  week to one address from everyone together;
- at most ``per_user`` a day by one person (all chats) and ``per_chat`` a day in one chat,
  counted from the table. The chat's row and then the person's are locked (``FOR UPDATE``
  on PostgreSQL; on SQLite the process' writers take turns) from the count to the commit,
  so invitations sent at once by any number of replicas can't go over either limit. The
  order is a mark's (the chat's row, then its users'), so the two never wait for each other.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.addresses import InvalidAddress, masked, normalize_address
from bot.db.address_locks import lock_address
from bot.db.dialect import locks_rows
from bot.db.gate import session_gate
from bot.db.models import Agreement, EmailParty, Party, User
from bot.evidence.chain import lock_chain
from bot.evidence.stamps import StampWaker
from bot.logs import mask_address
from bot.mail.invitations import queue_invitations
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.mail.refusals import refused_among
from bot.mail.service import Service

logger = logging.getLogger(__name__)

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
# Invitations one address may get in a week, from all senders together: the per-person and
# per-chat limits alone would let many throwaway accounts mail one stranger again and again.
PER_ADDRESS_WEEK = 3


class Invited(enum.StrEnum):
    INVITED = "invited"
    ALREADY_INVITED = "already_invited"
    REFUSED_ADDRESS = "refused_address"  # its owner refused this bot's mail
    NOT_A_PARTY = "not_a_party"
    UNKNOWN_AGREEMENT = "unknown_agreement"
    INVALID_ADDRESS = "invalid_address"
    NON_ASCII_ADDRESS = "non_ascii_address"
    NO_WEB_PAGES = "no_web_pages"  # WEB_BASE_URL unset: nobody could confirm
    USER_LIMIT = "user_limit"
    CHAT_LIMIT = "chat_limit"
    ADDRESS_LIMIT = "address_limit"  # the address was invited often lately, by anyone


@dataclass(frozen=True, slots=True)
class Invitation:
    outcome: Invited
    address: str | None = None  # masked (c…@example.com): the only way it is shown
    number: int | None = None  # the agreement's, in its chat
    limit: int | None = None  # the limit that was reached


@dataclass(frozen=True, slots=True)
class InvitationLimits:
    per_user: int = 20
    per_chat: int = 50


DEFAULT_LIMITS = InvitationLimits()  # the settings' defaults


class InvitationService(Service):
    def __init__(
        self,
        session: AsyncSession,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
        *,
        stamper: StampWaker | None = None,
        limits: InvitationLimits = DEFAULT_LIMITS,
    ) -> None:
        super().__init__(session, letters, mail_waker, clock, stamper=stamper)
        self._limits = limits

    @property
    def possible(self) -> bool:
        """Whether invitations can go out at all (their links need WEB_BASE_URL)."""
        return self._letters.invites

    async def invite(
        self, agreement_id: int, adder_id: int, raw_address: str, language: str
    ) -> Invitation:
        """``language``: the adder's ("ru" or "en"), which the invitation is written in."""
        if not self._letters.invites:
            return Invitation(Invited.NO_WEB_PAGES)
        try:
            address = normalize_address(raw_address)
        except InvalidAddress as invalid:
            bad = Invited.NON_ASCII_ADDRESS if invalid.non_ascii else Invited.INVALID_ADDRESS
            return Invitation(bad)
        async with session_gate(self._session).turn():
            try:
                return await self._invite(agreement_id, adder_id, address, language)
            finally:
                await self._session.rollback()  # a no-op after the commit of an invitation

    async def _invite(
        self, agreement_id: int, adder_id: int, address: str, language: str
    ) -> Invitation:
        agreement = await self._session.get(Agreement, agreement_id)
        if agreement is None:
            return Invitation(Invited.UNKNOWN_AGREEMENT)
        number = agreement.number

        def told(outcome: Invited, limit: int | None = None) -> Invitation:
            return Invitation(outcome, masked(address), number, limit)

        if await self._session.get(Party, (agreement_id, adder_id)) is None:
            return told(Invited.NOT_A_PARTY)
        await lock_chain(self._session, agreement.chat_id)  # the chat's row, then the adder's
        if locks_rows(self._session):
            await self._session.execute(
                select(User.id).where(User.id == adder_id).with_for_update()
            )
        await lock_address(self._session, address)  # for the limit per address, below
        if await refused_among(self._session, [address]):
            return told(Invited.REFUSED_ADDRESS)
        already = await self._session.scalar(
            select(EmailParty.id).where(
                EmailParty.agreement_id == agreement_id, EmailParty.address == address
            )
        )
        if already is not None:
            return told(Invited.ALREADY_INVITED)
        now = self._clock()
        if await self._sent(EmailParty.added_by_id == adder_id, now) >= self._limits.per_user:
            return told(Invited.USER_LIMIT, self._limits.per_user)
        if await self._sent(EmailParty.address == address, now, WEEK) >= PER_ADDRESS_WEEK:
            return told(Invited.ADDRESS_LIMIT, PER_ADDRESS_WEEK)
        in_chat = EmailParty.agreement_id.in_(
            select(Agreement.id).where(Agreement.chat_id == agreement.chat_id)
        )
        if await self._sent(in_chat, now) >= self._limits.per_chat:
            return told(Invited.CHAT_LIMIT, self._limits.per_chat)
        party = EmailParty(
            agreement_id=agreement_id,
            address=address,
            language=language,
            added_by_id=adder_id,
            added_at=now,
        )
        self._session.add(party)
        await self._session.flush()
        queued = await queue_invitations(self._session, self._letters, agreement_id, now)
        await self._session.commit()
        if queued:
            self._mail_waker.wake()
        logger.info(
            "address invited agreement=%s email_party=%s by user=%s to=%s",
            agreement_id,
            party.id,
            adder_id,
            mask_address(address),
        )
        return told(Invited.INVITED)

    async def _sent(
        self, whose: ColumnElement[bool], now: datetime, period: timedelta = DAY
    ) -> int:
        """Invitations of the last ``period`` (``whose``: one person's, one chat's, or one
        address's)."""
        count = await self._session.scalar(
            select(func.count())
            .select_from(EmailParty)
            .where(whose, EmailParty.added_at > now - period)
        )
        return int(count or 0)
