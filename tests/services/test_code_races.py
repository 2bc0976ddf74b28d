"""/email and /verify sent many times at once (replicas, webhook mode) keep their limits."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.people import Person
from bot.db.models import EmailVerification, Mail
from bot.registration.service import CODE_ATTEMPTS, CODES_PER_HOUR, CodeRequest, Verification
from tests.support.outbox import code_sent_to
from tests.support.people import ALICE

RACERS = 10


async def codes_queued(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(Mail)) or 0)


async def test_parallel_wrong_guesses_each_cost_an_attempt(registration, session_factory) -> None:
    await registration().request_code(ALICE, "alice@example.com")
    real = await code_sent_to(session_factory, "alice@example.com")
    wrong = f"{(int(real) + 1) % 10**6:06d}"

    results = await asyncio.gather(*(registration().verify(ALICE, wrong) for _ in range(RACERS)))

    wrong_code = sorted(r.attempts_left for r in results if r.outcome is Verification.WRONG_CODE)
    assert wrong_code == list(range(1, CODE_ATTEMPTS))  # 4, 3, 2, 1 left: each guess counted
    exhausted = [r for r in results if r.outcome is Verification.EXHAUSTED]
    assert len(exhausted) == RACERS - len(wrong_code)
    async with session_factory() as session:
        attempts_left = await session.scalar(select(EmailVerification.attempts_left))
    assert attempts_left == 0
    # Five guesses were all anyone had: the right code comes too late.
    assert (await registration().verify(ALICE, real)).outcome is Verification.EXHAUSTED


async def test_parallel_code_requests_of_one_account_queue_at_most_the_limit(
    registration, session_factory
) -> None:
    results = await asyncio.gather(
        *(registration().request_code(ALICE, f"alice{n}@example.com") for n in range(RACERS))
    )
    sent = [r for r in results if r.outcome is CodeRequest.SENT]
    assert len(sent) == CODES_PER_HOUR
    assert all(r.outcome is CodeRequest.RATE_LIMITED for r in results if r not in sent)
    assert await codes_queued(session_factory) == CODES_PER_HOUR


async def test_parallel_code_requests_for_one_address_queue_at_most_the_limit(
    registration, session_factory
) -> None:
    senders = [Person(id=2000 + n, first_name=f"User{n}") for n in range(RACERS)]
    results = await asyncio.gather(
        *(registration().request_code(sender, "victim@example.com") for sender in senders)
    )
    assert sum(r.outcome is CodeRequest.SENT for r in results) == CODES_PER_HOUR
    assert await codes_queued(session_factory) == CODES_PER_HOUR
