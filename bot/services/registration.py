"""Binding an email address to a Telegram account with a one-time code."""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from bot.db.models import EmailBinding, EmailVerification
from bot.services.base import Service
from bot.services.deliveries import agreements_awaiting_mail, queue_agreement_mails
from bot.services.directory import remember_user
from bot.services.people import Person

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


@dataclass(frozen=True, slots=True)
class VerificationResult:
    outcome: Verification
    address: str | None = None
    attempts_left: int = 0
    released: int = 0


@dataclass(frozen=True, slots=True)
class EmailStatus:
    verified_address: str | None
    pending_address: str | None
    pending_expires_at: datetime | None


class RegistrationService(Service):
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
        now = self._clock()
        user = await remember_user(self._session, person, now)

        binding = await self._session.get(EmailBinding, person.id)
        if binding is not None and binding.address.lower() == address.lower():
            await self._session.commit()
            return CodeRequestResult(CodeRequest.ALREADY_VERIFIED, address)

        retry_at = await self._rate_limited_until(person.id, address, now)
        if retry_at is not None:
            await self._session.commit()
            return CodeRequestResult(CodeRequest.RATE_LIMITED, address, retry_at=retry_at)

        code = f"{secrets.randbelow(10**6):06d}"
        verification = EmailVerification(
            user_id=person.id,
            address=address,
            code_hash=_hash_code(person.id, code),
            attempts_left=CODE_ATTEMPTS,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        self._session.add(verification)
        await self._session.flush()
        minutes = int(CODE_LIFETIME.total_seconds() // 60)
        self._session.add(
            self._letters.verification_code(user, verification.id, address, code, minutes, now)
        )
        await self._session.commit()
        self._mail_waker.wake()
        logger.info("verification code queued user=%s", person.id)
        return CodeRequestResult(CodeRequest.SENT, address)

    async def verify(self, person: Person, raw_code: str) -> VerificationResult:
        code = raw_code.strip().replace(" ", "")
        now = self._clock()
        pending = await self._latest_pending(person.id)
        if pending is None:
            return VerificationResult(Verification.NO_PENDING)
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            return VerificationResult(
                Verification.MALFORMED, pending.address, pending.attempts_left
            )
        if pending.expires_at <= now:
            return VerificationResult(Verification.EXPIRED, pending.address)
        if pending.attempts_left <= 0:
            return VerificationResult(Verification.EXHAUSTED, pending.address)
        if not hmac.compare_digest(pending.code_hash, _hash_code(person.id, code)):
            pending.attempts_left -= 1
            await self._session.commit()
            outcome = Verification.WRONG_CODE if pending.attempts_left else Verification.EXHAUSTED
            return VerificationResult(outcome, pending.address, pending.attempts_left)

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
        held = await agreements_awaiting_mail(self._session, person.id)
        released = await queue_agreement_mails(
            self._session, self._letters, held, now, only_user_id=person.id
        )
        await self._session.commit()
        if released:
            self._mail_waker.wake()
        logger.info("address verified user=%s released=%s", person.id, released)
        return VerificationResult(Verification.VERIFIED, pending.address, released=released)

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
        )

    async def _latest_pending(self, user_id: int) -> EmailVerification | None:
        """The newest code not yet confirmed; a newer request replaces older ones."""
        latest = await self._session.scalar(
            select(EmailVerification)
            .where(EmailVerification.user_id == user_id)
            .order_by(EmailVerification.created_at.desc(), EmailVerification.id.desc())
            .limit(1)
        )
        return latest if latest is not None and latest.confirmed_at is None else None

    async def _rate_limited_until(
        self, user_id: int, address: str, now: datetime
    ) -> datetime | None:
        """When the next code may go out, or None if one may go out now."""
        since = now - timedelta(hours=1)
        waits = []
        for condition in (
            EmailVerification.user_id == user_id,
            func.lower(EmailVerification.address) == address.lower(),
        ):
            recent = (
                await self._session.scalars(
                    select(EmailVerification.created_at)
                    .where(EmailVerification.created_at > since, condition)
                    .order_by(EmailVerification.created_at.desc())
                    .limit(CODES_PER_HOUR)
                )
            ).all()
            if len(recent) >= CODES_PER_HOUR:
                waits.append(recent[-1] + timedelta(hours=1))
        return max(waits, default=None)


def _hash_code(user_id: int, code: str) -> str:
    # Codes are kept hashed so a leaked database doesn't hand out live codes.
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()
