"""Email registration against a real migrated database, with a controllable clock."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from bot.core.people import Person
from bot.db.models import EmailBinding, EmailVerification, Mail
from bot.registration.service import CodeRequest, Verification
from tests.support.outbox import code_sent_to

ALICE = Person(id=101, first_name="Alice", username="alice", language_code="ru")
MALLORY = Person(id=666, first_name="Mallory", language_code="en")


async def test_code_then_verify_binds_the_address(registration, session_factory) -> None:
    result = await registration().request_code(ALICE, "  Alice@Example.COM ")
    assert result.outcome is CodeRequest.SENT
    assert result.address == "Alice@example.com"  # domain normalised, local part kept

    code = await code_sent_to(session_factory, "Alice@example.com")
    verified = await registration().verify(ALICE, code)
    assert verified.outcome is Verification.VERIFIED
    async with session_factory() as session:
        binding = await session.get(EmailBinding, ALICE.id)
    assert binding is not None and binding.address == "Alice@example.com"


@pytest.mark.parametrize("address", ["not-an-address", "a@b", "two@@example.com", "", "x@.com"])
async def test_invalid_address_is_refused_and_nothing_is_sent(
    registration, session_factory, address: str
) -> None:
    result = await registration().request_code(ALICE, address)
    assert result.outcome is CodeRequest.INVALID_ADDRESS
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Mail)) == 0


async def test_non_ascii_addresses_are_refused_or_made_ascii(registration) -> None:
    refused = await registration().request_code(ALICE, "пользователь@example.com")
    assert refused.outcome is CodeRequest.NON_ASCII_ADDRESS
    accepted = await registration().request_code(ALICE, "user@пример.рф")
    assert accepted.outcome is CodeRequest.SENT
    assert accepted.address == "user@xn--e1afmkfd.xn--p1ai"


async def test_wrong_codes_count_down_then_exhaust(registration, session_factory) -> None:
    await registration().request_code(ALICE, "alice@example.com")
    real = await code_sent_to(session_factory, "alice@example.com")
    wrong = f"{(int(real) + 1) % 10**6:06d}"
    left = [(await registration().verify(ALICE, wrong)).attempts_left for _ in range(4)]
    assert left == [4, 3, 2, 1]
    last = await registration().verify(ALICE, wrong)
    assert last.outcome is Verification.EXHAUSTED
    # Even the right code no longer works once the tries are used up.
    assert (await registration().verify(ALICE, real)).outcome is Verification.EXHAUSTED


async def test_code_expires_after_fifteen_minutes(registration, session_factory, clock) -> None:
    await registration().request_code(ALICE, "alice@example.com")
    code = await code_sent_to(session_factory, "alice@example.com")
    clock.advance(minutes=15, seconds=1)
    assert (await registration().verify(ALICE, code)).outcome is Verification.EXPIRED


async def test_verify_without_a_pending_code(registration) -> None:
    assert (await registration().verify(ALICE, "123456")).outcome is Verification.NO_PENDING


async def test_malformed_code_costs_no_attempt(registration, session_factory) -> None:
    await registration().request_code(ALICE, "alice@example.com")
    result = await registration().verify(ALICE, "12ab")
    assert result.outcome is Verification.MALFORMED
    assert result.attempts_left == 5


async def test_three_codes_an_hour_per_user(registration, clock) -> None:
    for n in range(3):
        result = await registration().request_code(ALICE, f"alice{n}@example.com")
        assert result.outcome is CodeRequest.SENT
        clock.advance(minutes=1)
    limited = await registration().request_code(ALICE, "alice9@example.com")
    assert limited.outcome is CodeRequest.RATE_LIMITED
    assert limited.retry_at is not None
    clock.now = limited.retry_at
    later = await registration().request_code(ALICE, "alice9@example.com")
    assert later.outcome is CodeRequest.SENT


async def test_one_address_cannot_be_flooded_from_many_accounts(registration) -> None:
    for n in range(3):
        sender = Person(id=1000 + n, first_name=f"User{n}")
        assert (await registration().request_code(sender, "victim@example.com")).outcome is (
            CodeRequest.SENT
        )
    result = await registration().request_code(MALLORY, "VICTIM@example.com")
    assert result.outcome is CodeRequest.RATE_LIMITED


async def test_newer_code_replaces_the_older_one(registration, session_factory) -> None:
    await registration().request_code(ALICE, "old@example.com")
    old_code = await code_sent_to(session_factory, "old@example.com")
    await registration().request_code(ALICE, "new@example.com")
    new_code = await code_sent_to(session_factory, "new@example.com")
    if old_code != new_code:
        assert (await registration().verify(ALICE, old_code)).outcome is Verification.WRONG_CODE
    result = await registration().verify(ALICE, new_code)
    assert result.outcome is Verification.VERIFIED and result.address == "new@example.com"


async def test_status_shows_verified_and_pending(registration, session_factory) -> None:
    service = registration()
    assert (await service.status(ALICE.id)).verified_address is None
    await registration().request_code(ALICE, "alice@example.com")
    status = await registration().status(ALICE.id)
    assert status.pending_address == "alice@example.com"
    code = await code_sent_to(session_factory, "alice@example.com")
    await registration().verify(ALICE, code)
    status = await registration().status(ALICE.id)
    assert status.verified_address == "alice@example.com" and status.pending_address is None


async def test_codes_are_stored_under_a_keyed_hash(registration, session_factory) -> None:
    """A bare SHA-256 of a 6-digit code is undone by trying all million of them."""
    await registration().request_code(ALICE, "alice@example.com")
    code = await code_sent_to(session_factory, "alice@example.com")
    async with session_factory() as session:
        stored = await session.scalar(select(EmailVerification.code_hash))
    assert stored is not None
    unkeyed = {hashlib.sha256(text.encode()).hexdigest() for text in (code, f"{ALICE.id}:{code}")}
    assert stored not in unkeyed
    assert code not in stored
