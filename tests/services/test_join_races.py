"""Joins racing an edit, or each other, on PostgreSQL (where they really run at once).

To make the race certain rather than likely, the test holds the joiner's user row (FOR
UPDATE) from a third session: a join's insert of its party row waits there (the foreign
key's check), after the join has checked that no edit awaits acceptance, while the edit
is free to run. Only the agreement's lock keeps the edit from slipping in between.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.marking import AgreementService, MarkRequest, Outcome, Refusal
from bot.core.directory import remember_user
from bot.db.models import Party, User
from bot.edits.service import EditedMessage, EditOutcome, EditService
from bot.mail.letters import Letters
from tests.support.clocks import FakeClock
from tests.support.database import TEST_DATABASE_URL
from tests.support.eventually import eventually
from tests.support.people import ALICE, BOB, CAROL, GROUP, SENT_AT, said
from tests.support.wakers import RecordingWaker

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="races need PostgreSQL: runs in CI's PostgreSQL leg"
)

Factory = async_sessionmaker[AsyncSession]


async def agreement_with_carol_known(factory: Factory, letters: Letters, clock: FakeClock) -> int:
    """Agreement #1 by Alice and Bob; Carol, a member, has a user row (she wrote before)."""
    async with factory() as session:
        service = AgreementService(session, letters, RecordingWaker(), clock)
        marked = await service.mark(
            MarkRequest(chat=GROUP, message=said(ALICE, "Price 100"), marker=BOB)
        )
        await remember_user(session, CAROL, clock())
        await session.commit()
    assert marked.agreement is not None
    return marked.agreement.id


async def waiting_for_locks(factory: Factory) -> int:
    async with factory() as session:
        found = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return int(found or 0)


async def holding_carols_row(factory: Factory) -> AsyncSession:
    session = factory()
    await session.execute(select(User.id).where(User.id == CAROL.id).with_for_update())
    return session


async def test_a_join_racing_an_edit_never_gets_a_veto_over_it(
    session_factory: Factory, letters: Letters, clock: FakeClock
) -> None:
    agreement_id = await agreement_with_carol_known(session_factory, letters, clock)
    finished: list[str] = []

    async def join() -> Outcome | Refusal:
        async with session_factory() as session:
            service = AgreementService(session, letters, RecordingWaker(), clock)
            result = await service.join(agreement_id, GROUP.id, CAROL)
        finished.append("join")
        return result.outcome

    async def edit() -> EditOutcome:
        async with session_factory() as session:
            service = EditService(session, letters, RecordingWaker(), clock, timedelta(0))
            edited = EditedMessage(GROUP.id, 10, "Price 150", SENT_AT, ALICE)
            result = await service.record(edited)
        finished.append("edit")
        return result.outcome

    blocker = await holding_carols_row(session_factory)
    joining = asyncio.create_task(join())
    await eventually(
        lambda: _at_least(session_factory, 1), timeout=5, what="the join waits at its insert"
    )
    editing = asyncio.create_task(edit())

    async def edit_done_or_waiting() -> bool:
        return editing.done() or await waiting_for_locks(session_factory) >= 2

    await eventually(edit_done_or_waiting, timeout=5, what="the edit ran or waits its turn")
    await blocker.rollback()
    await blocker.close()
    joined, edited = await asyncio.gather(joining, editing)

    assert edited is EditOutcome.NEW_ALERT
    # Either Carol joined first, and the edit awaits her acceptance too; or she is refused.
    assert joined is Refusal.EDIT_PENDING or finished == ["join", "edit"], (joined, finished)


async def test_two_presses_of_one_person_at_once_join_once_without_an_error(
    session_factory: Factory, letters: Letters, clock: FakeClock
) -> None:
    agreement_id = await agreement_with_carol_known(session_factory, letters, clock)

    async def join() -> Outcome | Refusal:
        async with session_factory() as session:
            service = AgreementService(session, letters, RecordingWaker(), clock)
            return (await service.join(agreement_id, GROUP.id, CAROL)).outcome

    blocker = await holding_carols_row(session_factory)
    first = asyncio.create_task(join())
    await eventually(lambda: _at_least(session_factory, 1), timeout=5, what="one press waits")
    second = asyncio.create_task(join())
    await eventually(lambda: _at_least(session_factory, 2), timeout=5, what="both presses wait")
    await blocker.rollback()
    await blocker.close()

    outcomes = await asyncio.gather(first, second)
    assert sorted(outcomes) == sorted([Outcome.JOINED, Outcome.ALREADY_PARTY])
    async with session_factory() as session:
        parties = await session.scalar(
            select(func.count()).select_from(Party).where(Party.agreement_id == agreement_id)
        )
    assert parties == 3


async def _at_least(factory: Factory, waiting: int) -> bool:
    return await waiting_for_locks(factory) >= waiting
