"""Accepting an edited version: once every party has, it becomes amendment #N.k."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.agreements.lock import lock_agreement
from bot.core.addresses import masked
from bot.core.directory import remember_user
from bot.core.labels import label
from bot.core.people import Person, full_name
from bot.db.gate import session_gate
from bot.db.models import Acceptance, Agreement, Amendment, MessageVersion, User
from bot.evidence.chain import add_link, chain_head
from bot.evidence.records import AMENDMENT_FORMAT, iso_utc, seal
from bot.evidence.stamps import request_stamp
from bot.mail.alerts import agreed_text
from bot.mail.amendments import queue_amendment_mails_of
from bot.mail.email_acceptors import ByEmail, accepted_by_email, waiting_by_email
from bot.mail.service import Service
from bot.terms.acceptances import accepted_terms
from bot.terms.in_records import terms_field

logger = logging.getLogger(__name__)


class Acceptation(enum.StrEnum):
    UNKNOWN = "unknown"
    NOT_A_PARTY = "not_a_party"
    OUTDATED = "outdated"
    ALREADY_ACCEPTED = "already_accepted"
    ALREADY_AMENDED = "already_amended"
    ACCEPTED = "accepted"
    AMENDED = "amended"


@dataclass(frozen=True, slots=True)
class AcceptResult:
    outcome: Acceptation
    agreement_number: int = 0
    waiting_for: list[str] = field(default_factory=list)  # parties in Telegram, by name
    # Confirmed addresses whose acceptance by email this version needs, masked.
    waiting_by_email: list[str] = field(default_factory=list)
    amendment_label: str | None = None
    digest: str | None = None
    language: str = "en"  # of the agreement's card, for the notice in the chat


class AmendmentService(Service):
    async def accept(self, version_id: int, chat_id: int, person: Person) -> AcceptResult:
        # Accepts take turns per chat, with each other and with marks: the last party's
        # accept must see the others' (two at once each saw only their own, and nobody
        # recorded the amendment), and an amendment takes the chain's next place. On
        # SQLite the process' writers take turns; on PostgreSQL (in _accept) the chat's
        # row is locked, which holds its chain, then the agreement's, in the order joins
        # and edits take them.
        async with session_gate(self._session).turn():
            result = await self._accept(version_id, chat_id, person)
            if self._session.in_transaction():  # a refusal: let go of the locked rows at once
                await self._session.commit()
            return result

    async def _accept(self, version_id: int, chat_id: int, person: Person) -> AcceptResult:
        version = await self._session.get(MessageVersion, version_id)
        if version is None:
            return AcceptResult(Acceptation.UNKNOWN)
        # Who decides takes turns (bot/agreements/lock.py); the parties are read under the
        # lock, so a join that came first is one of them.
        agreement = await lock_agreement(self._session, chat_id, version.agreement_id, loaded=True)
        if agreement is None:  # not this chat's: a button's ids are the sender's to choose
            return AcceptResult(Acceptation.UNKNOWN)
        stale = await self._stale(agreement, version)
        if stale is not None:
            return stale
        party_ids = {party.user_id for party in agreement.parties}
        if person.id not in party_ids:
            return AcceptResult(Acceptation.NOT_A_PARTY, agreement.number)
        if await self._session.get(Acceptance, (version.id, person.id)) is not None:
            return AcceptResult(Acceptation.ALREADY_ACCEPTED, agreement.number)

        now = self._clock()
        await remember_user(self._session, person, now)
        self._session.add(Acceptance(version_id=version.id, user_id=person.id, accepted_at=now))
        await self._session.flush()
        return await self._settle(agreement, version, now)

    async def _stale(self, agreement: Agreement, version: MessageVersion) -> AcceptResult | None:
        """Why ``version`` can no longer be accepted (a newer edit, or it is an amendment
        already), read under the agreement's lock; None while it awaits acceptance."""
        number = agreement.number
        latest = await self._session.scalar(
            select(func.max(MessageVersion.number)).where(
                MessageVersion.agreement_id == agreement.id
            )
        )
        if version.number != latest:
            return AcceptResult(Acceptation.OUTDATED, number)
        amended = await self._session.scalar(
            select(Amendment).where(Amendment.version_id == version.id)
        )
        if amended is not None:  # e.g. a party who joined after everyone else accepted
            return AcceptResult(
                Acceptation.ALREADY_AMENDED, number, amendment_label=label(number, amended.number)
            )
        return None

    async def _settle(
        self, agreement: Agreement, version: MessageVersion, now: datetime
    ) -> AcceptResult:
        """After an acceptance (in Telegram or by email), under the lock: who is still
        waited for, or, if nobody, the amendment, recorded here. Commits either way."""
        number = agreement.number
        accepted = set(
            await self._session.scalars(
                select(Acceptance.user_id).where(Acceptance.version_id == version.id)
            )
        )
        waiting = [p for p in agreement.parties if p.user_id not in accepted]
        by_email = await waiting_by_email(self._session, agreement, version)
        if waiting or by_email:
            await self._session.commit()
            return AcceptResult(
                Acceptation.ACCEPTED,
                number,
                waiting_for=[_name(p.user) for p in waiting],
                waiting_by_email=[masked(party.address) for party in by_email],
                language=agreement.answer_language,
            )

        amendment = await self._amend(agreement, version, now)
        await self._session.commit()
        self._mail_waker.wake()
        if self._stamper is not None:
            self._stamper.wake()
        amendment_label = label(number, amendment.number)
        logger.info(
            "amendment recorded chat=%s agreement=%s amendment=%s",
            agreement.chat_id,
            agreement.id,
            amendment_label,
        )
        return AcceptResult(
            Acceptation.AMENDED,
            number,
            amendment_label=amendment_label,
            digest=amendment.digest,
            language=agreement.answer_language,
        )

    async def _amend(
        self, agreement: Agreement, version: MessageVersion, now: datetime
    ) -> Amendment:
        previous = await agreed_text(self._session, agreement)
        head = await chain_head(self._session, agreement.chat_id)  # the caller holds the lock
        latest = await self._session.scalar(
            select(func.max(Amendment.number)).where(Amendment.agreement_id == agreement.id)
        )
        number = (latest or 0) + 1
        acceptances = list(
            await self._session.execute(
                select(Acceptance, User)
                .join(User, User.id == Acceptance.user_id)
                .where(Acceptance.version_id == version.id)
                .order_by(Acceptance.accepted_at, Acceptance.user_id)
            )
        )
        # The record names the terms each party had accepted (bot/terms/in_records.py).
        terms = await accepted_terms(self._session, [user.id for _acc, user in acceptances], now)
        by_email = await accepted_by_email(self._session, version.id)
        sealed = seal(
            {
                "format": AMENDMENT_FORMAT,
                "agreement": {
                    "chat_id": agreement.chat_id,
                    "number": agreement.number,
                    "digest": agreement.digest,
                },
                "number": label(agreement.number, number),
                "previous_digest": head.digest,
                "replaces_digest": previous.digest,
                "message": {
                    "id": agreement.message_id,
                    "version": version.number,
                    "edit_date": iso_utc(version.edit_date),
                    "text": version.text,
                    "entities": version.entities,
                },
                "accepted_by": [
                    {
                        "id": user.id,
                        "name": _name(user),
                        "accepted_at": iso_utc(acc.accepted_at),
                        "terms": terms_field(terms.get(user.id)),
                    }
                    for acc, user in acceptances
                ]
                + [email_entry(acceptance) for acceptance in by_email],
                "amended_at": iso_utc(now),
            }
        )
        amendment = Amendment(
            agreement_id=agreement.id,
            number=number,
            version_id=version.id,
            text=version.text,
            record=sealed.canonical,
            digest=sealed.digest,
            previous_digest=previous.digest,
            created_at=now,
        )
        self._session.add(amendment)
        add_link(self._session, agreement.chat_id, head, amendment)
        await self._session.flush()
        if self._stamper is not None:
            request_stamp(self._session, amendment.digest, now, amendment_id=amendment.id)
        await queue_amendment_mails_of(self._session, self._letters, agreement, amendment, now)
        return amendment


def email_entry(acceptance: ByEmail) -> dict[str, Any]:
    """An address's acceptance in the record: masked, as every page may show the record;
    its confirmation's record, in the same chain, holds it whole."""
    return {
        "kind": "email",
        "address": masked(acceptance.address),
        "confirmation": acceptance.confirmation_digest,
        "accepted_at": iso_utc(acceptance.accepted_at),
        "terms": terms_field(acceptance.terms),
    }


def _name(user: User) -> str:
    return full_name(user.first_name, user.last_name)
