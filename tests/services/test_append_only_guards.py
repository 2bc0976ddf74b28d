"""Append-only in earnest: no REPLACE (SQLite) or upsert rewrites a record, the owner
cannot TRUNCATE one, and the bot's own PostgreSQL role can only read and add records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, insert, select, text
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.base import Base
from bot.db.engine import create_engine
from bot.db.grants import PRIVILEGES, GrantError, grant_statements
from tests.support.amending import ALICE, BOB, Chat
from tests.support.database import TEST_DATABASE_URL
from tests.support.roles import bot_role

postgres_only = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="roles and TRUNCATE are PostgreSQL's: runs in its CI leg"
)
# Each append-only table, and a column a forger would rewrite with a value.
REWRITES: dict[str, tuple[str, Any]] = {
    "agreements": ("text", "Price 950 000"),
    "parties": ("role", "joined"),
    "message_versions": ("text", "Price 950 000"),
    "acceptances": ("accepted_at", None),  # moved a day, below
    "amendments": ("text", "Price 950 000"),
    "agreement_files": ("content", b"forged"),
    "message_deletions": ("deleted_at", None),
    "chain_entries": ("digest", "0" * 64),
    "email_confirmations": ("address", "forger@example.com"),
    "email_acceptances": ("accepted_at", None),
}


async def every_kind_of_record(group: Chat, engine: AsyncEngine) -> None:
    """An agreement with parties, a version, acceptances, an amendment, a confirmation
    by email and an acceptance by email, a file, a deletion and chain places."""
    agreement_id = await group.mark(1, "Price 150 000", by=BOB)
    version = await group.edit(1, "Price 160 000")
    await group.accept(version, ALICE)
    await group.accept(version, BOB)
    await group.confirm_by_email(agreement_id, "client@example.com")
    later = await group.edit(1, "Price 170 000")
    await group.accept_by_email(later, "client@example.com")
    tables = Base.metadata.tables
    async with engine.begin() as connection:
        await connection.execute(
            insert(tables["agreement_files"]).values(agreement_id=agreement_id, content=b"%PDF")
        )
        await connection.execute(
            insert(tables["message_deletions"]).values(
                agreement_id=agreement_id, deleted_at=datetime(2026, 11, 30, 10, tzinfo=UTC)
            )
        )


def rewrite(table: Table, row: dict[str, Any], dialect: str) -> Any:
    column, value = REWRITES[table.name]
    forged = row | {column: value if value is not None else row[column] + timedelta(days=1)}
    if dialect == "sqlite":
        return insert(table).prefix_with("OR REPLACE").values(forged)
    keys = [c.name for c in table.primary_key.columns]
    return (
        postgres_insert(table)
        .values(forged)
        .on_conflict_do_update(index_elements=keys, set_={column: forged[column]})
    )


@pytest.mark.parametrize("name", sorted(REWRITES))
async def test_replace_cannot_rewrite_a_record(
    name: str, group: Chat, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    engine: AsyncEngine = session_factory.kw["bind"]
    await every_kind_of_record(group, engine)
    table = Base.metadata.tables[name]
    async with engine.connect() as connection:
        before = dict((await connection.execute(select(table).limit(1))).one()._mapping)
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as connection:
            await connection.execute(rewrite(table, before, engine.dialect.name))
    async with engine.connect() as connection:
        after = [dict(r._mapping) for r in await connection.execute(select(table))]
    assert before in after


@postgres_only
async def test_the_owner_cannot_truncate_records(
    group: Chat, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    engine: AsyncEngine = session_factory.kw["bind"]
    await every_kind_of_record(group, engine)
    for name in REWRITES:
        with pytest.raises(DBAPIError, match=f"{name} is append-only: TRUNCATE refused"):
            async with engine.begin() as connection:
                await connection.execute(text(f"TRUNCATE {name} CASCADE"))
    async with engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM agreements")) == 1


def test_every_table_has_its_privileges_decided() -> None:
    tables = set(Base.metadata.tables) | {"alembic_version"}
    assert set(PRIVILEGES) == tables
    with pytest.raises(GrantError, match="no privileges decided for sneaky"):
        grant_statements("bot", tables | {"sneaky"})
    with pytest.raises(GrantError, match="not a plain PostgreSQL role name"):
        grant_statements('bot"; DROP TABLE agreements; --', tables)


@postgres_only
async def test_the_bots_role_cannot_change_records(
    group: Chat, session_factory: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    await every_kind_of_record(group, session_factory.kw["bind"])
    async with bot_role(database_url) as role_url:
        engine = create_engine(role_url)
        try:
            async with engine.begin() as connection:  # what the bot does may be done
                await connection.execute(text("UPDATE agreements SET answer_message_id = 7"))
                await connection.execute(text("DELETE FROM handled_updates"))
            refused = {
                "UPDATE agreements SET text = 'Price 950 000'": "permission denied",
                "DELETE FROM agreements": "permission denied",
                "UPDATE amendments SET text = 'x'": "permission denied",
                "DELETE FROM chain_entries": "permission denied",
                "UPDATE terms_acceptances SET sha256 = 'x'": "permission denied",
                "DELETE FROM terms_acceptances": "permission denied",
                "TRUNCATE agreements CASCADE": "permission denied",
                "DROP TRIGGER agreements_append_only ON agreements": "must be owner",
                "ALTER TABLE agreements DISABLE TRIGGER ALL": "must be owner",
                "DROP TABLE parties CASCADE": "must be owner",
                "CREATE TABLE shadow (id int)": "permission denied",
            }
            for statement, reason in refused.items():
                with pytest.raises(DBAPIError, match=reason):
                    async with engine.begin() as connection:
                        await connection.execute(text(statement))
        finally:
            await engine.dispose()
    async with session_factory() as session:
        assert await session.scalar(text("SELECT text FROM agreements")) == "Price 150 000"
