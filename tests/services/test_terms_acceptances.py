"""Acceptances of the signing terms: once per version for an account (or, with no account,
for an address), decided by the database's keys even when two come at once, and never
changed or removed afterwards."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.directory import remember_user
from bot.core.people import Person
from bot.db.models import TermsAcceptance
from bot.terms.acceptances import accepted_terms, record_acceptance
from bot.terms.texts import current_terms
from tests.support.database import TEST_DATABASE_URL
from tests.support.eventually import eventually
from tests.support.terms import shipped_digest

Factory = async_sessionmaker[AsyncSession]
ANN = Person(id=1, first_name="Ann")
AT = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
postgres_only = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="races and TRUNCATE are PostgreSQL's: runs in its CI leg"
)


async def ann_known(factory: Factory) -> None:
    async with factory() as session:
        await remember_user(session, ANN, AT)
        await session.commit()


async def count(factory: Factory) -> int:
    async with factory() as session:
        return await session.scalar(select(func.count()).select_from(TermsAcceptance)) or 0


async def test_an_account_accepts_a_version_once(session_factory: Factory) -> None:
    await ann_known(session_factory)
    async with session_factory() as session:
        first = await record_acceptance(
            session, user_id=ANN.id, address="ann@example.com", terms=current_terms("ru"), at=AT
        )
        await session.commit()
    async with session_factory() as session:  # later, in English, from another address
        again = await record_acceptance(
            session, user_id=ANN.id, address="new@example.com", terms=current_terms("en"), at=AT
        )
        await session.commit()
    assert again.id == first.id
    assert (again.language, again.sha256, again.address) == (
        "ru",
        shipped_digest("ru"),
        "ann@example.com",
    )
    assert await count(session_factory) == 1


async def test_an_email_only_party_accepts_once_per_address(session_factory: Factory) -> None:
    async with session_factory() as session:
        for address in ("client@example.com", "client@example.com", "other@example.com"):
            await record_acceptance(
                session, user_id=None, address=address, terms=current_terms("en"), at=AT
            )
        await session.commit()
        rows = (await session.scalars(select(TermsAcceptance.address))).all()
        assert sorted(rows) == ["client@example.com", "other@example.com"]
        with pytest.raises(ValueError, match="needs an account or an address"):
            await record_acceptance(
                session, user_id=None, address=None, terms=current_terms("en"), at=AT
            )


async def test_the_terms_in_force_are_those_accepted_by_then(session_factory: Factory) -> None:
    await ann_known(session_factory)
    async with session_factory() as session:
        await record_acceptance(
            session, user_id=ANN.id, address=None, terms=current_terms("en"), at=AT
        )
        await session.commit()
        before = await accepted_terms(session, [ANN.id, 2], AT.replace(hour=9, minute=29))
        after = await accepted_terms(session, [ANN.id, 2], AT)
    assert before == {}
    assert list(after) == [ANN.id] and after[ANN.id].sha256 == shipped_digest("en")


@pytest.mark.parametrize(
    "statement",
    [
        update(TermsAcceptance).values(sha256="0" * 64),
        update(TermsAcceptance).values(accepted_at=datetime(2020, 1, 1, tzinfo=UTC)),
        delete(TermsAcceptance),
    ],
    ids=["rewrite digest", "move the time", "delete"],
)
async def test_acceptances_cannot_be_changed(session_factory: Factory, statement) -> None:
    await ann_known(session_factory)
    async with session_factory() as session:
        await record_acceptance(
            session, user_id=ANN.id, address=None, terms=current_terms("ru"), at=AT
        )
        await session.commit()
    async with session_factory() as session:
        with pytest.raises((IntegrityError, DBAPIError), match="append-only"):
            await session.execute(statement)
    async with session_factory() as session:
        row = await session.scalar(select(TermsAcceptance))
        assert row is not None and row.sha256 == shipped_digest("ru")


@postgres_only
async def test_the_owner_cannot_truncate_acceptances(session_factory: Factory) -> None:
    await ann_known(session_factory)
    async with session_factory() as session:
        await record_acceptance(
            session, user_id=ANN.id, address=None, terms=current_terms("ru"), at=AT
        )
        await session.commit()
        with pytest.raises(DBAPIError, match="terms_acceptances is append-only: TRUNCATE"):
            # CASCADE, as an owner would have to: acceptances by email refer to these rows.
            await session.execute(text("TRUNCATE terms_acceptances CASCADE"))
    assert await count(session_factory) == 1


async def waiting_for_locks(factory: Factory) -> int:
    async with factory() as session:
        found = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return int(found or 0)


@postgres_only
async def test_two_acceptances_at_once_make_one(session_factory: Factory) -> None:
    """The second insert waits on the first's uncommitted key, then adds nothing and hands
    back the first's row: the key decides, not a read before the write."""
    await ann_known(session_factory)
    first_session = session_factory()
    first = await record_acceptance(
        first_session, user_id=ANN.id, address=None, terms=current_terms("ru"), at=AT
    )

    async def second() -> TermsAcceptance:
        async with session_factory() as session:
            row = await record_acceptance(
                session, user_id=ANN.id, address=None, terms=current_terms("en"), at=AT
            )
            await session.commit()
            return row

    racing = asyncio.create_task(second())
    await eventually(
        lambda: _blocked(session_factory), what="the second acceptance waits on the first"
    )
    await first_session.commit()
    await first_session.close()
    assert (await racing).id == first.id
    assert await count(session_factory) == 1


async def _blocked(factory: Factory) -> bool:
    return await waiting_for_locks(factory) > 0
