"""A confirmed address accepts an edited version: the button on the page behind its alert
mail's link (bot/mail/accept_links.py).

The press takes the same turns as "Accept new version" (the chat's row, then the
agreement's; SQLite's write turn), then the invitation's row, which "not me" takes too. It
is recorded append-only with the signing terms the page showed, and settles the version
exactly as a Telegram party's accept does: the last acceptance needed records the
amendment (bot/edits/amendments.py), once however many presses and accepts race.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.lock import lock_agreement
from bot.core.addresses import masked
from bot.db.gate import session_gate
from bot.db.models import Agreement, EmailAcceptance, EmailParty, MessageVersion
from bot.edits.amendments import Acceptation, AcceptResult, AmendmentService
from bot.edits.notices import AcceptedByEmail, AcceptNotices
from bot.evidence.stamps import StampWaker
from bot.logs import mask_address
from bot.mail.email_acceptors import asked_to_accept
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.terms.acceptances import record_acceptance
from bot.terms.texts import current_terms

logger = logging.getLogger(__name__)

# What the chat hears of: an acceptance that was recorded.
_TOLD = {Acceptation.ACCEPTED, Acceptation.AMENDED}


class EmailAcceptService(AmendmentService):
    def __init__(
        self,
        session: AsyncSession,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
        notices: AcceptNotices,
        *,
        stamper: StampWaker | None = None,
    ) -> None:
        super().__init__(session, letters, mail_waker, clock, stamper=stamper)
        self._notices = notices

    async def accept_by_email(self, party_id: int, version_id: int, language: str) -> AcceptResult:
        """``language``: the page's, whose signing terms the press accepts."""
        async with session_gate(self._session).turn():
            result, agreement, address = await self._by_email(party_id, version_id, language)
            if self._session.in_transaction():  # nothing recorded: let go of the locks
                await self._session.commit()
        if result.outcome in _TOLD and agreement is not None:
            await self._notices.accepted_by_email(_notice(agreement, address, result))
        return result

    async def _by_email(
        self, party_id: int, version_id: int, language: str
    ) -> tuple[AcceptResult, Agreement | None, str]:
        found = await self._session.get(EmailParty, party_id)
        version = await self._session.get(MessageVersion, version_id)
        if found is None or version is None or version.agreement_id != found.agreement_id:
            return AcceptResult(Acceptation.UNKNOWN), None, ""
        chat_id = await self._session.scalar(
            select(Agreement.chat_id).where(Agreement.id == found.agreement_id)
        )
        assert chat_id is not None
        agreement = await lock_agreement(self._session, chat_id, found.agreement_id, loaded=True)
        # "Not me" takes the invitation's row: it and this press take turns.
        party = await self._session.get(
            EmailParty, party_id, with_for_update=True, populate_existing=True
        )
        assert agreement is not None and party is not None  # neither is ever deleted
        stale = await self._stale(agreement, version)
        if stale is not None:
            return stale, None, ""
        if await self._session.get(EmailAcceptance, (version.id, party.id)) is not None:
            return AcceptResult(Acceptation.ALREADY_ACCEPTED, agreement.number), None, ""
        asked = await asked_to_accept(self._session, agreement, version.number)
        if party.id not in {each.party_id for each in asked}:
            return AcceptResult(Acceptation.NOT_A_PARTY, agreement.number), None, ""

        now = self._clock()
        # The press is the address's signature under the terms the page showed (bot/terms).
        terms = await record_acceptance(
            self._session,
            user_id=None,
            address=party.address,
            terms=current_terms(language),
            at=now,
        )
        self._session.add(
            EmailAcceptance(
                version_id=version.id,
                email_party_id=party.id,
                terms_acceptance_id=terms.id,
                accepted_at=now,
            )
        )
        await self._session.flush()
        logger.info(
            "version accepted by email chat=%s agreement=%s version=%s invitation=%s address=%s",
            chat_id,
            agreement.id,
            version.number,
            party.id,
            mask_address(party.address),
        )
        return await self._settle(agreement, version, now), agreement, party.address


def _notice(agreement: Agreement, address: str, result: AcceptResult) -> AcceptedByEmail:
    return AcceptedByEmail(
        chat_id=agreement.chat_id,
        thread_id=agreement.thread_id,
        message_id=agreement.message_id,
        number=agreement.number,
        language=agreement.answer_language,
        masked_address=masked(address),
        amendment_label=result.amendment_label,
        digest=result.digest,
        waiting_for=tuple(result.waiting_for),
        waiting_by_email=tuple(result.waiting_by_email),
    )
