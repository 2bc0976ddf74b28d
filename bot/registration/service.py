"""Binding an email address to a Telegram account with a one-time code."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import CompoundSelect, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.directory import remember_user
from bot.core.people import Person, language_for
from bot.db.address_locks import lock_address
from bot.db.gate import session_gate
from bot.db.models import ArchiveCode, EmailBinding, EmailVerification, User
from bot.mail.deliveries import agreements_awaiting_mail, queue_agreement_mails
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.mail.service import Service
from bot.mail.unsubscribes import is_unsubscribed
from bot.registration.codes import code_matches, hash_code, new_code, well_formed
from bot.terms.acceptances import has_accepted, record_acceptance
from bot.terms.texts import CURRENT_VERSION, Terms, current_terms

logger = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=15)
CODE_ATTEMPTS = 5
# Codes per hour, counted per Telegram account and per address, so nobody can
# use the bot to flood somebody else's mailbox.
CODES_PER_HOUR = 3


class CodeRequest(enum.StrEnum):
    SENT = "sent"
    INVALID_ADDRESS = "invalid_address"
    NON_ASCII_ADDRESS = "non_ascii_address"
    ALREADY_VERIFIED = "already_verified"
    RATE_LIMITED = "rate_limited"


class Verification(enum.StrEnum):
    VERIFIED = "verified"
    MALFORMED = "malformed"
    WRONG_CODE = "wrong_code"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    NO_PENDING = "no_pending"


@dataclass(frozen=True, slots=True)
class CodeRequestResult:
    outcome: CodeRequest
    address: str | None = None
    retry_at: datetime | None = None
    # The signing terms that sending the code back accepts; None: accepted before.
    terms: Terms | None = None


@dataclass(frozen=True, slots=True)
class VerificationResult:
    outcome: Verification
    address: str | None = None
    attempts_left: int = 0
    released: int = 0
    # The signing terms this verification accepted; None: accepted before.
    terms: Terms | None = None
    unsubscribed: bool = False  # the address asked for no mail: nothing is sent but codes


@dataclass(frozen=True, slots=True)
class EmailStatus:
    verified_address: str | None
    pending_address: str | None
    pending_expires_at: datetime | None
    terms_accepted: bool  # the current version of the signing terms
    unsubscribed: bool = False  # the verified address gets no mail (/subscribe)


class RegistrationService(Service):
    def __init__(
        self,
        session: AsyncSession,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
        *,
        code_key: bytes,
    ) -> None:
        super().__init__(session, letters, mail_waker, clock)
        self._code_key = code_key

    async def request_code(self, person: Person, raw_address: str) -> CodeRequestResult:
        try:
            # ASCII addresses only: not every mail server on the way speaks SMTPUTF8, and a
            # record that silently never arrives is worse than a clear "no" now.
            checked = validate_email(
                raw_address.strip(), check_deliverability=False, allow_smtputf8=False
            )
            address = checked.ascii_email or checked.normalized
        except EmailNotValidError:
            local_part = raw_address.strip().rpartition("@")[0]
            if local_part and not local_part.isascii():
                return CodeRequestResult(CodeRequest.NON_ASCII_ADDRESS)
            return CodeRequestResult(CodeRequest.INVALID_ADDRESS)
        # Requests take turns per account and per address from counting the last hour's
        # codes to the commit, or parallel ones would all count the same few and each send
        # one (SQLite: the process' writers take turns anyway).
        async with session_gate(self._session).turn():
            return await self._request_code(person, address)

    async def _request_code(self, person: Person, address: str) -> CodeRequestResult:
        user = await remember_user(self._session, person, self._clock())
        await self._lock_user(person.id)
        now = self._clock()
        binding = await self._session.get(EmailBinding, person.id)
        if binding is not None and binding.address.lower() == address.lower():
            await self._session.commit()
            return CodeRequestResult(CodeRequest.ALREADY_VERIFIED, address)

        await self._lock_address(address)
        retry_at = await self._rate_limited_until(person.id, address, now)
        if retry_at is not None:
            await self._session.commit()
            return CodeRequestResult(CodeRequest.RATE_LIMITED, address, retry_at=retry_at)

        code = new_code()
        terms = await self._terms_to_accept(person)
        verification = EmailVerification(
            user_id=person.id,
            address=address,
            code_hash=hash_code(self._code_key, person.id, code),
            attempts_left=CODE_ATTEMPTS,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
            terms_version=terms.version if terms else None,
        )
        self._session.add(verification)
        await self._session.flush()
        minutes = int(CODE_LIFETIME.total_seconds() // 60)
        self._session.add(
            self._letters.verification_code(
                user, verification.id, address, code, minutes, now, terms
            )
        )
        await self._session.commit()
        self._mail_waker.wake()
        logger.info("verification code queued user=%s", person.id)
        return CodeRequestResult(CodeRequest.SENT, address, terms=terms)

    async def verify(self, person: Person, raw_code: str) -> VerificationResult:
        code = raw_code.strip().replace(" ", "")
        async with session_gate(self._session).turn():
            return await self._verify(person, code)

    async def _verify(self, person: Person, code: str) -> VerificationResult:
        await self._lock_user(person.id)
        now = self._clock()
        pending = await self._latest_pending(person.id)
        if pending is None:
            return VerificationResult(Verification.NO_PENDING)
        if not well_formed(code):
            return VerificationResult(
                Verification.MALFORMED, pending.address, pending.attempts_left
            )
        if pending.expires_at <= now:
            return VerificationResult(Verification.EXPIRED, pending.address)
        attempts_left = await self._spend_attempt(pending.id)
        if attempts_left is None or not code_matches(
            self._code_key, person.id, code, pending.code_hash
        ):
            await self._session.commit()
            outcome = Verification.WRONG_CODE if attempts_left else Verification.EXHAUSTED
            return VerificationResult(outcome, pending.address, attempts_left or 0)

        pending.confirmed_at = now
        await remember_user(self._session, person, now)
        binding = await self._session.get(EmailBinding, person.id)
        if binding is None:
            self._session.add(
                EmailBinding(user_id=person.id, address=pending.address, verified_at=now)
            )
        else:
            binding.address, binding.verified_at = pending.address, now
        await self._session.flush()
        # Sending the code back accepts the terms, as the answer to /email and the code
        # mail said: the one act proves both the account and the mailbox. Only the version
        # they said, and only if it is still the current one and not accepted meanwhile.
        terms = await self._terms_to_accept(person)
        if terms is not None and pending.terms_version != terms.version:
            terms = None
        if terms is not None:
            await record_acceptance(
                self._session, user_id=person.id, address=pending.address, terms=terms, at=now
            )
        held = await agreements_awaiting_mail(self._session, person.id)
        released = await queue_agreement_mails(
            self._session, self._letters, held, now, only_user_id=person.id
        )
        await self._session.commit()
        if released:
            self._mail_waker.wake()
        logger.info(
            "address verified user=%s released=%s terms=%s",
            person.id,
            released,
            terms.version if terms else None,
        )
        stopped = await is_unsubscribed(self._session, pending.address)
        return VerificationResult(
            Verification.VERIFIED,
            pending.address,
            released=released,
            terms=terms,
            unsubscribed=stopped,
        )

    async def status(self, user_id: int) -> EmailStatus:
        binding = await self._session.get(EmailBinding, user_id)
        pending = await self._latest_pending(user_id)
        if pending is not None and (
            pending.expires_at <= self._clock() or not pending.attempts_left
        ):
            pending = None  # a code that can no longer be used is not waiting for anything
        return EmailStatus(
            verified_address=binding.address if binding else None,
            pending_address=pending.address if pending else None,
            pending_expires_at=pending.expires_at if pending else None,
            terms_accepted=await has_accepted(self._session, user_id, CURRENT_VERSION),
            unsubscribed=binding is not None
            and await is_unsubscribed(self._session, binding.address),
        )

    async def _terms_to_accept(self, person: Person) -> Terms | None:
        """The current terms in the person's language, unless they accepted that version."""
        if await has_accepted(self._session, person.id, CURRENT_VERSION):
            return None
        return current_terms(language_for(person.language_code))

    async def _latest_pending(self, user_id: int) -> EmailVerification | None:
        """The newest code not yet confirmed; a newer request replaces older ones."""
        latest = await self._session.scalar(
            select(EmailVerification)
            .where(EmailVerification.user_id == user_id)
            .order_by(EmailVerification.created_at.desc(), EmailVerification.id.desc())
            .limit(1)
        )
        return latest if latest is not None and latest.confirmed_at is None else None

    async def _spend_attempt(self, verification_id: int) -> int | None:
        """Takes one try before the code is compared, in one statement, so that guesses
        sent at once each cost one; None when none was left."""
        spend = (
            update(EmailVerification)
            .where(EmailVerification.id == verification_id, EmailVerification.attempts_left > 0)
            .values(attempts_left=EmailVerification.attempts_left - 1)
            .returning(EmailVerification.attempts_left)
            .execution_options(synchronize_session=False)
        )
        return await self._session.scalar(spend)

    async def _lock_user(self, user_id: int) -> None:
        """The account's codes are requested and tried one at a time (PostgreSQL; SQLite
        has no row locks and needs none: the process' writers take turns)."""
        await self._session.execute(select(User.id).where(User.id == user_id).with_for_update())

    async def _lock_address(self, address: str) -> None:
        """Requests for one address take turns too, whatever account they come from (the
        hourly limit per address keeps the bot from flooding somebody's mailbox). Taken
        after the account's row lock, always in that order. Held until the commit."""
        await lock_address(self._session, address)

    async def _rate_limited_until(
        self, user_id: int, address: str, now: datetime
    ) -> datetime | None:
        """When the next code may go out, or None if one may go out now."""
        since = now - timedelta(hours=1)
        by_user = select(EmailVerification.created_at).where(
            EmailVerification.created_at > since, EmailVerification.user_id == user_id
        )
        waits = [
            await next_code_at(self._session, by_user),
            await next_code_at(self._session, codes_to_address(address, since)),
        ]
        return max((wait for wait in waits if wait is not None), default=None)


def codes_to_address(address: str, since: datetime) -> CompoundSelect[datetime]:
    """When codes went to the address since then: /email's, and those that would make it a
    chat's archive (bot/archives), counted together against the hourly limit."""
    as_email = select(EmailVerification.created_at).where(
        func.lower(EmailVerification.address) == address.lower(),
        EmailVerification.created_at > since,
    )
    as_archive = select(ArchiveCode.created_at).where(
        ArchiveCode.address == address.lower(), ArchiveCode.created_at > since
    )
    return as_email.union_all(as_archive)


async def next_code_at(
    session: AsyncSession, sent: Select[datetime] | CompoundSelect[datetime]
) -> datetime | None:
    """When the next code may go out, given the times in ``sent`` (the last hour's codes
    of one kind), or None if one may now."""
    recent = sent.subquery()
    times = (
        await session.scalars(
            select(recent.c.created_at).order_by(recent.c.created_at.desc()).limit(CODES_PER_HOUR)
        )
    ).all()
    return times[-1] + timedelta(hours=1) if len(times) >= CODES_PER_HOUR else None
