"""Domain services on a real database, each call with a fresh session as in the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.mail.letters import Letters
from bot.mail.service import Service
from bot.registration.service import RegistrationService
from tests.support.amending import Chat
from tests.support.clocks import FakeClock, TickingClock
from tests.support.identity import CODE_KEY
from tests.support.wakers import RecordingWaker

S = TypeVar("S", bound=Service)


@pytest.fixture
async def services(
    session_factory: async_sessionmaker[AsyncSession], letters: Letters, clock: FakeClock
) -> AsyncIterator[Callable[[type[S]], S]]:
    """``services(AgreementService)`` builds one on a new session, closed after the test."""
    sessions: list[AsyncSession] = []

    def build(service: type[S]) -> S:
        session = session_factory()
        sessions.append(session)
        return service(session, letters, RecordingWaker(), clock)

    yield build
    for session in sessions:
        await session.close()


@pytest.fixture
def registration(
    services: Callable[..., RegistrationService],
) -> Callable[[], RegistrationService]:
    """``registration()`` is a RegistrationService on a session of its own: each call is
    one update."""
    return lambda: services(partial(RegistrationService, code_key=CODE_KEY))


@pytest.fixture
async def group(
    session_factory: async_sessionmaker[AsyncSession], letters: Letters, clock: FakeClock
) -> Chat:
    """The group of tests/support/amending.py, on a clock that ticks with every reading."""
    return Chat(session_factory, letters, TickingClock(clock.now))
