"""Migrations: the stairway up, down and up again, and models that match the schema."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.db.base import Base
from bot.db.engine import create_engine
from bot.db.migrate import downgrade, upgrade
from tests.support.database import fresh_database

TABLES = {
    "users",
    "timestamps",
    "agreement_files",
    "business_connections",
    "business_chats",
    "message_deletions",
    "forum_topics",
    "email_bindings",
    "email_verifications",
    "chats",
    "agreements",
    "parties",
    "mails",
    "message_versions",
    "edit_alerts",
    "acceptances",
    "amendments",
    "journal",
    "handled_updates",
    "chain_entries",
    "email_parties",
    "refused_addresses",
    "terms_acceptances",
    "chat_archives",
    "archive_setups",
    "archive_codes",
    "unsubscribes",
    "email_confirmations",
    "email_acceptances",
}


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    return names - {"alembic_version"}


async def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    async with fresh_database(tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        assert await table_names(url) == TABLES
        await asyncio.to_thread(downgrade, url, "base")
        assert await table_names(url) == set()
        await asyncio.to_thread(upgrade, url)
        assert await table_names(url) == TABLES


async def test_models_match_the_migrated_schema(database_url: str) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(differences)
    finally:
        await engine.dispose()
    assert diff == []
