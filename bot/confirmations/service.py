"""Confirming and refusing an invitation: what the two buttons behind its links do.

Confirming writes a record of its own in the chat's chain, so it takes the chain's turn
(the chat's row, then the agreement's, as accepts do) and then the invitation's row: two
presses at once, on any replicas, record once. Refusing takes the invitation's row only.
On SQLite the process' writers take turns instead (bot/db/gate.py).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.lock import lock_agreement
from bot.confirmations.notices import ChatNotice, ChatNotices, Happened
from bot.confirmations.records import confirmation_record
from bot.core.addresses import masked
from bot.core.people import BUSINESS_CHAT_BASE, full_name
from bot.db.gate import session_gate
from bot.db.models import (
    Agreement,
    BusinessChat,
    EmailConfirmation,
    EmailParty,
    RefusedAddress,
    User,
)
from bot.evidence.chain import add_link, chain_head
from bot.evidence.stamps import StampWaker, request_stamp
from bot.logs import mask_address
from bot.mail.alerts import agreed_text
from bot.mail.confirmations import queue_confirmation_mails_of
from bot.mail.email_acceptors import latest_version_number
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.mail.refusals import refuse
from bot.mail.service import Service
from bot.terms.acceptances import record_acceptance
from bot.terms.in_records import terms_field
from bot.terms.texts import Terms, current_terms

logger = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    UNKNOWN = "unknown"  # no such invitation
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    CHANGED = "changed"  # the record shown on the page no longer stands: nothing recorded
    DEAD = "dead"  # refused before (here, or for what its adder adds): nothing recorded
    REFUSED = "refused"
    ALREADY_REFUSED = "already_refused"
    STOPPED = "stopped"  # "not me" after confirming: the confirmation stands, mail stops


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    digest: str | None = None  # the confirmation's record, when confirmed


class ConfirmationService(Service):
    def __init__(
        self,
        session: AsyncSession,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
        notices: ChatNotices,
        *,
        stamper: StampWaker | None = None,
    ) -> None:
        super().__init__(session, letters, mail_waker, clock, stamper=stamper)
        self._notices = notices

    async def confirm(self, party_id: int, shown_digest: str, language: str) -> Result:
        """``shown_digest``: the record the page showed, which must still stand (an
        amendment recorded meanwhile is shown first, not confirmed unseen); ``language``:
        the page's, whose signing terms the press accepts."""
        async with session_gate(self._session).turn():
            result, notice = await self._confirm(party_id, shown_digest, current_terms(language))
            if self._session.in_transaction():  # nothing recorded: let go of the locks
                await self._session.commit()
        if notice is not None:
            await self._notices.tell(notice)
        return result

    async def refuse(self, party_id: int) -> Result:
        async with session_gate(self._session).turn():
            result, notice = await self._refuse(party_id)
            if self._session.in_transaction():
                await self._session.commit()
        if notice is not None:
            await self._notices.tell(notice)
        return result

    async def _confirm(
        self, party_id: int, shown: str, terms: Terms
    ) -> tuple[Result, ChatNotice | None]:
        found = await self._session.get(EmailParty, party_id)
        if found is None:
            return Result(Outcome.UNKNOWN), None
        chat_id = await self._session.scalar(
            select(Agreement.chat_id).where(Agreement.id == found.agreement_id)
        )
        assert chat_id is not None
        agreement = await lock_agreement(self._session, chat_id, found.agreement_id, loaded=True)
        party = await self._locked(party_id)
        assert agreement is not None and party is not None  # neither is ever deleted
        if party.confirmed_at is not None:
            return Result(Outcome.ALREADY_CONFIRMED), None
        if party.refused_at is not None or await self._stopped(party):
            return Result(Outcome.DEAD), None
        standing = await agreed_text(self._session, agreement)
        if standing.digest != shown:
            return Result(Outcome.CHANGED), None
        now = self._clock()
        head = await chain_head(self._session, chat_id)  # under the chat's lock
        inviter = await self._inviter(party)
        # The press is the address's signature under the terms the page showed (bot/terms).
        accepted = await record_acceptance(
            self._session, user_id=None, address=party.address, terms=terms, at=now
        )
        sealed = confirmation_record(
            agreement, standing, party, inviter, head.digest, now, terms_field(accepted)
        )
        confirmation = EmailConfirmation(
            agreement_id=agreement.id,
            email_party_id=party.id,
            address=party.address,
            confirmed_digest=standing.digest,
            record=sealed.canonical,
            digest=sealed.digest,
            created_at=now,
        )
        self._session.add(confirmation)
        add_link(self._session, chat_id, head, confirmation)
        # Read under the agreement's lock, which edits take too: its acceptance is needed
        # for exactly the versions stored after this (bot/mail/email_acceptors.py).
        party.confirmed_at_version = await latest_version_number(self._session, agreement.id)
        party.confirmed_at = now
        await self._session.flush()
        if self._stamper is not None:
            request_stamp(self._session, sealed.digest, now, confirmation_id=confirmation.id)
        await queue_confirmation_mails_of(
            self._session, self._letters, agreement, confirmation, now
        )
        await self._session.commit()
        self._mail_waker.wake()
        if self._stamper is not None:
            self._stamper.wake()
        logger.info(
            "confirmed by email chat=%s agreement=%s invitation=%s address=%s",
            chat_id,
            agreement.id,
            party.id,
            mask_address(party.address),
        )
        notice = await self._notice(Happened.CONFIRMED, agreement, party, inviter)
        return Result(Outcome.CONFIRMED, sealed.digest), notice

    async def _refuse(self, party_id: int) -> tuple[Result, ChatNotice | None]:
        party = await self._locked(party_id)
        if party is None:
            return Result(Outcome.UNKNOWN), None
        stopped = await self._stopped(party)
        if party.refused_at is not None or (party.confirmed_at is not None and stopped):
            return Result(Outcome.ALREADY_REFUSED), None
        now = self._clock()
        if party.confirmed_at is None:  # the confirmation, once made, stands in the chain
            party.refused_at = now
        await refuse(self._session, party.address, party.added_by_id, now)
        await self._session.commit()
        outcome = Outcome.REFUSED if party.confirmed_at is None else Outcome.STOPPED
        logger.info(
            "invitation refused (%s) agreement=%s invitation=%s address=%s sender=%s",
            outcome.value,
            party.agreement_id,
            party.id,
            mask_address(party.address),
            party.added_by_id,
        )
        agreement = await self._session.get(Agreement, party.agreement_id)
        assert agreement is not None
        inviter = await self._inviter(party)
        return Result(outcome), await self._notice(Happened.REFUSED, agreement, party, inviter)

    async def _locked(self, party_id: int) -> EmailParty | None:
        """The invitation, read again under its row's lock (PostgreSQL)."""
        return await self._session.get(
            EmailParty, party_id, with_for_update=True, populate_existing=True
        )

    async def _stopped(self, party: EmailParty) -> bool:
        """Its owner said "not me" to mail about what this adder adds (maybe elsewhere)."""
        key = (party.address, party.added_by_id)
        return await self._session.get(RefusedAddress, key) is not None

    async def _inviter(self, party: EmailParty) -> str:
        user = await self._session.get(User, party.added_by_id)
        assert user is not None
        return full_name(user.first_name, user.last_name)

    async def _notice(
        self, happened: Happened, agreement: Agreement, party: EmailParty, inviter: str
    ) -> ChatNotice:
        owner = None
        if agreement.chat_id >= BUSINESS_CHAT_BASE:
            business = await self._session.get(
                BusinessChat, agreement.chat_id - BUSINESS_CHAT_BASE
            )
            owner = business.owner_id if business else None
        return ChatNotice(
            happened=happened,
            chat_id=agreement.chat_id,
            thread_id=agreement.thread_id,
            message_id=agreement.message_id,
            number=agreement.number,
            language=agreement.answer_language,
            masked_address=masked(party.address),
            added_by_id=party.added_by_id,
            added_by_name=inviter,
            owner_id=owner,
        )
