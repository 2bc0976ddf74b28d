"""What the bot stored, read by the test straight from the bot's database, on an engine of
its own (the bot under test may be another process)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.db.base import Base
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Agreement, Mail, MailStatus, MessageVersion, Party
from tests.support.eventually import eventually


@asynccontextmanager
async def session_on(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session on the database, its engine disposed of afterwards."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()


@asynccontextmanager
async def connection_on(database_url: str) -> AsyncIterator[AsyncConnection]:
    """A connection (no transaction begun) on the database, for queries on tables."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


async def counts(database_url: str) -> tuple[int, int]:
    """Agreements and parties stored."""
    async with session_on(database_url) as session:
        agreements = await session.scalar(select(func.count()).select_from(Agreement))
        parties = await session.scalar(select(func.count()).select_from(Party))
    return agreements or 0, parties or 0


async def stored_versions(database_url: str) -> int:
    """How many edited versions of agreed messages are stored."""
    async with session_on(database_url) as session:
        count = await session.scalar(select(func.count()).select_from(MessageVersion))
    return count or 0


async def stored_mails(database_url: str, kind: str = "agreement") -> list[Mail]:
    """The mails of this kind in the outbox, sent or not, in the order queued."""
    async with session_on(database_url) as session:
        query = select(Mail).where(Mail.kind == kind).order_by(Mail.id)
        return list(await session.scalars(query))


async def recorded_sent(database_url: str) -> Mail:
    """The one agreement mail, once the worker's commit after the server took it is in."""

    async def sent() -> bool:
        return [mail.status for mail in await stored_mails(database_url)] == [MailStatus.SENT]

    await eventually(sent, what="the mail recorded as sent")
    [mail] = await stored_mails(database_url)
    return mail


async def mail_statuses(database_url: str) -> list[MailStatus]:
    """Every mail's status, of every kind."""
    async with session_on(database_url) as session:
        return list(await session.scalars(select(Mail.status)))


async def database_contents(database_url: str) -> dict[str, list[str]]:
    """Every row of every table, to see that a refused request changed nothing."""
    async with connection_on(database_url) as connection:
        return {
            table.name: sorted(map(repr, await connection.execute(select(table))))
            for table in Base.metadata.sorted_tables
        }
