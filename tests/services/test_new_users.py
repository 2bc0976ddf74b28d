"""A new user's first updates handled at once (replicas, webhook mode) all succeed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.directory import remember_user, remember_users
from bot.core.people import Person
from bot.db.gate import write_gate
from bot.db.models import User
from tests.support.clocks import FakeClock

NEWCOMER = Person(id=7001, first_name="Nina", username="nina", language_code="ru-RU")
FRIENDS = [Person(id=7100 + n, first_name=f"Friend{n}") for n in range(3)]
RACERS = 8


Step = Callable[[AsyncSession], Awaitable[None]]


async def handled_at_once(
    session_factory: async_sessionmaker[AsyncSession], *work: Step
) -> list[BaseException | None]:
    """Each piece of work on its own session and commit, as concurrent updates are (on
    SQLite each takes the process' write turn, as the bot's handlers do)."""
    gate = write_gate(session_factory)

    async def one(step: Step) -> None:
        async with gate.turn(), session_factory() as session:
            await step(session)
            await session.commit()

    results = await asyncio.gather(*(one(step) for step in work), return_exceptions=True)
    return [result if isinstance(result, BaseException) else None for result in results]


async def count_users(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def test_concurrent_first_commands_of_a_new_user(
    session_factory: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async def first_command(session: AsyncSession) -> None:
        user = await remember_user(session, NEWCOMER, clock())
        assert user.first_name == "Nina"

    errors = await handled_at_once(session_factory, *[first_command] * RACERS)
    assert errors == [None] * RACERS
    async with session_factory() as session:
        stored = await session.get(User, NEWCOMER.id)
    assert stored is not None and stored.language_code == "ru-RU"
    assert await count_users(session_factory) == 1


async def test_concurrent_joins_of_new_users(
    session_factory: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    """Marks and joins remember several people at once, overlapping."""

    async def joins(session: AsyncSession) -> None:
        users = await remember_users(session, [NEWCOMER, *FRIENDS], clock())
        assert set(users) == {NEWCOMER.id, *(friend.id for friend in FRIENDS)}

    errors = await handled_at_once(session_factory, *[joins] * RACERS)
    assert errors == [None] * RACERS
    assert await count_users(session_factory) == 1 + len(FRIENDS)
