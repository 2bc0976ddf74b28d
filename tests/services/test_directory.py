"""Who is who: profiles are refreshed when they change, not rewritten on every sighting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.directory import TOUCH_EVERY, remember_chat, remember_users
from bot.core.people import ChatInfo, Person
from bot.db.models import Chat, User
from tests.support.clocks import FakeClock

ANN = Person(id=501, first_name="Ann", last_name=None, username="ann")
GROUP = ChatInfo(id=-100500, type="supergroup", title="Repairs")


@contextmanager
def updates_of(session: AsyncSession) -> Iterator[list[str]]:
    """The UPDATE statements the session sends while the block runs."""
    seen: list[str] = []

    def record(_conn, _cursor, statement: str, *_args: object) -> None:
        if statement.startswith("UPDATE"):
            seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def remember(
    session_factory: async_sessionmaker[AsyncSession], clock: FakeClock, person: Person
) -> tuple[User, Chat, list[str]]:
    async with session_factory() as session:
        with updates_of(session) as updates:
            users = await remember_users(session, [person], clock())
            chat = await remember_chat(session, GROUP, clock())
            await session.commit()
    return users[person.id], chat, updates


async def test_an_unchanged_profile_seen_again_writes_nothing(
    session_factory: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    first_seen = clock()
    await remember(session_factory, clock, ANN)
    clock.advance(minutes=5)
    user, chat, updates = await remember(session_factory, clock, ANN)
    assert updates == []
    assert user.updated_at == first_seen and chat.updated_at == first_seen


async def test_a_changed_profile_is_stored_with_its_time(
    session_factory: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    first_seen = clock()
    await remember(session_factory, clock, ANN)
    clock.advance(minutes=5)
    renamed = Person(id=ANN.id, first_name="Anna", last_name="Lee", username="ann")
    user, chat, updates = await remember(session_factory, clock, renamed)
    assert (user.first_name, user.last_name, user.updated_at) == ("Anna", "Lee", clock())
    assert chat.updated_at == first_seen  # the chat did not change
    assert len(updates) == 1


async def test_a_profile_seen_after_touch_every_is_touched(
    session_factory: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await remember(session_factory, clock, ANN)
    clock.advance(seconds=TOUCH_EVERY.total_seconds())
    user, chat, updates = await remember(session_factory, clock, ANN)
    assert user.updated_at == clock() and chat.updated_at == clock()
    assert len(updates) == 2
