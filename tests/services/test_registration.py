"""Email registration against a real migrated database, with a controllable clock."""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from functools import partial

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.people import Person
from bot.db.models import EmailBinding, EmailVerification, Mail
from bot.registration.service import (
    CodeRequest,
    RegistrationService,
    Verification,
)
from tests.support.identity import CODE_KEY

ALICE = Person(id=101, first_name="Alice", username="alice", language_code="ru")
MALLORY = Person(id=666, first_name="Mallory", language_code="en")


@pytest.fixture
def make_service(services):
    return lambda: services(partial(RegistrationService, code_key=CODE_KEY))


async def code_sent_to(session_factory: async_sessionmaker[AsyncSession], address: str) -> str:
    async with session_factory() as session:
        mail = await session.scalar(
            select(Mail).where(Mail.to_address == address).order_by(Mail.id.desc()).limit(1)
        )
    assert mail is not None
    message = email.message_from_bytes(mail.raw, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


async def test_code_then_verify_binds_the_address(make_service, session_factory) -> None:
    result = await make_service().request_code(ALICE, "  Alice@Example.COM ")
    assert result.outcome is CodeRequest.SENT
    assert result.address == "Alice@example.com"  # domain normalised, local part kept

    code = await code_sent_to(session_factory, "Alice@example.com")
    verified = await make_service().verify(ALICE, code)
    assert verified.outcome is Verification.VERIFIED
    async with session_factory() as session:
        binding = await session.get(EmailBinding, ALICE.id)
    assert binding is not None and binding.address == "Alice@example.com"


@pytest.mark.parametrize("address", ["not-an-address", "a@b", "two@@example.com", "", "x@.com"])
async def test_invalid_address_is_refused_and_nothing_is_sent(
    make_service, session_factory, address: str
) -> None:
    result = await make_service().request_code(ALICE, address)
    assert result.outcome is CodeRequest.INVALID_ADDRESS
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Mail)) == 0


async def test_non_ascii_addresses_are_refused_or_made_ascii(make_service) -> None:
    refused = await make_service().request_code(ALICE, "пользователь@example.com")
    assert refused.outcome is CodeRequest.NON_ASCII_ADDRESS
    accepted = await make_service().request_code(ALICE, "user@пример.рф")
    assert accepted.outcome is CodeRequest.SENT
    assert accepted.address == "user@xn--e1afmkfd.xn--p1ai"


async def test_wrong_codes_count_down_then_exhaust(make_service, session_factory) -> None:
    await make_service().request_code(ALICE, "alice@example.com")
    real = await code_sent_to(session_factory, "alice@example.com")
    wrong = f"{(int(real) + 1) % 10**6:06d}"
    left = [(await make_service().verify(ALICE, wrong)).attempts_left for _ in range(4)]
    assert left == [4, 3, 2, 1]
    last = await make_service().verify(ALICE, wrong)
    assert last.outcome is Verification.EXHAUSTED
    # Even the right code no longer works once the tries are used up.
    assert (await make_service().verify(ALICE, real)).outcome is Verification.EXHAUSTED


async def test_code_expires_after_fifteen_minutes(make_service, session_factory, clock) -> None:
    await make_service().request_code(ALICE, "alice@example.com")
    code = await code_sent_to(session_factory, "alice@example.com")
    clock.advance(minutes=15, seconds=1)
    assert (await make_service().verify(ALICE, code)).outcome is Verification.EXPIRED


async def test_verify_without_a_pending_code(make_service) -> None:
    assert (await make_service().verify(ALICE, "123456")).outcome is Verification.NO_PENDING


async def test_malformed_code_costs_no_attempt(make_service, session_factory) -> None:
    await make_service().request_code(ALICE, "alice@example.com")
    result = await make_service().verify(ALICE, "12ab")
    assert result.outcome is Verification.MALFORMED
    assert result.attempts_left == 5


async def test_three_codes_an_hour_per_user(make_service, clock) -> None:
    for n in range(3):
        result = await make_service().request_code(ALICE, f"alice{n}@example.com")
        assert result.outcome is CodeRequest.SENT
        clock.advance(minutes=1)
    limited = await make_service().request_code(ALICE, "alice9@example.com")
    assert limited.outcome is CodeRequest.RATE_LIMITED
    assert limited.retry_at is not None
    clock.now = limited.retry_at
    later = await make_service().request_code(ALICE, "alice9@example.com")
    assert later.outcome is CodeRequest.SENT


async def test_one_address_cannot_be_flooded_from_many_accounts(make_service) -> None:
    for n in range(3):
        sender = Person(id=1000 + n, first_name=f"User{n}")
        assert (await make_service().request_code(sender, "victim@example.com")).outcome is (
            CodeRequest.SENT
        )
    result = await make_service().request_code(MALLORY, "VICTIM@example.com")
    assert result.outcome is CodeRequest.RATE_LIMITED


async def test_newer_code_replaces_the_older_one(make_service, session_factory) -> None:
    await make_service().request_code(ALICE, "old@example.com")
    old_code = await code_sent_to(session_factory, "old@example.com")
    await make_service().request_code(ALICE, "new@example.com")
    new_code = await code_sent_to(session_factory, "new@example.com")
    if old_code != new_code:
        assert (await make_service().verify(ALICE, old_code)).outcome is Verification.WRONG_CODE
    result = await make_service().verify(ALICE, new_code)
    assert result.outcome is Verification.VERIFIED and result.address == "new@example.com"


async def test_status_shows_verified_and_pending(make_service, session_factory) -> None:
    service = make_service()
    assert (await service.status(ALICE.id)).verified_address is None
    await make_service().request_code(ALICE, "alice@example.com")
    status = await make_service().status(ALICE.id)
    assert status.pending_address == "alice@example.com"
    code = await code_sent_to(session_factory, "alice@example.com")
    await make_service().verify(ALICE, code)
    status = await make_service().status(ALICE.id)
    assert status.verified_address == "alice@example.com" and status.pending_address is None


async def test_codes_are_stored_under_a_keyed_hash(make_service, session_factory) -> None:
    """A bare SHA-256 of a 6-digit code is undone by trying all million of them."""
    await make_service().request_code(ALICE, "alice@example.com")
    code = await code_sent_to(session_factory, "alice@example.com")
    async with session_factory() as session:
        stored = await session.scalar(select(EmailVerification.code_hash))
    assert stored is not None
    unkeyed = {hashlib.sha256(text.encode()).hexdigest() for text in (code, f"{ALICE.id}:{code}")}
    assert stored not in unkeyed
    assert code not in stored
