"""The privileges the bot's own PostgreSQL role needs, and no more.

The role that owns the tables (``python -m bot migrate`` runs as it) could drop the
append-only triggers, or the tables. The bot runs as another role: it may read and add
records, change only bookkeeping (the mail queue, codes, the journal, the card's id),
remove only what expires, and never TRUNCATE, alter or drop anything.
``python -m bot grants ROLE`` applies this as the owner, after every migration.
"""

from __future__ import annotations

import asyncio
import re
import sys

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.dialect import is_postgres
from bot.db.engine import create_engine
from bot.db.migrate import VERSION_TABLE

ADD = "SELECT, INSERT"
CHANGE = "SELECT, INSERT, UPDATE"
EXPIRE = "SELECT, INSERT, UPDATE, DELETE"
# Every table, and what the bot may do with it. A table missing here is an error, so that
# a new table is given a thought (tests/services/test_append_only_guards.py checks).
PRIVILEGES: dict[str, str] = {
    VERSION_TABLE: "SELECT",  # the start checks the schema is migrated
    # Records and what they rest on: added, never changed (the triggers agree).
    "agreements": f"{ADD}, UPDATE (answer_message_id)",  # the card's id, set once
    "parties": ADD,
    "message_versions": ADD,
    "acceptances": ADD,
    "email_acceptances": ADD,
    "amendments": ADD,
    "agreement_files": ADD,
    "message_deletions": ADD,
    "chain_entries": ADD,
    "email_confirmations": ADD,
    "refused_addresses": ADD,
    # An invitation is confirmed or refused once (the check and the code agree).
    "email_parties": f"{ADD}, UPDATE (confirmed_at, confirmed_at_version, refused_at)",
    "terms_acceptances": ADD,
    # An archive address is ended once (removed or replaced), and the row kept.
    "chat_archives": f"{ADD}, UPDATE (removed_by_id, removed_at)",
    # Profiles and state the bot keeps up to date.
    "users": CHANGE,
    "chats": CHANGE,
    "email_bindings": CHANGE,
    "edit_alerts": CHANGE,
    "timestamps": CHANGE,
    "business_connections": CHANGE,
    "business_chats": CHANGE,
    "forum_topics": CHANGE,
    "archive_setups": CHANGE,
    # An address out of the mail while its row is there; subscribing again removes it.
    "unsubscribes": f"{ADD}, DELETE",
    # Bookkeeping that expires and is purged.
    "email_verifications": EXPIRE,
    "archive_codes": EXPIRE,
    "mails": EXPIRE,
    "journal": EXPIRE,
    "handled_updates": EXPIRE,
}
ROLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,62}")


class GrantError(Exception):
    """A one-line reason the grants could not be applied."""


def grant_statements(role: str, tables: set[str]) -> list[str]:
    """The SQL that leaves ``role`` with exactly PRIVILEGES on ``tables`` (the schema's)."""
    if not ROLE_NAME.fullmatch(role):
        raise GrantError(f"ROLE {role!r} is not a plain PostgreSQL role name")
    unknown = sorted(tables - PRIVILEGES.keys())
    if unknown:
        raise GrantError(f"no privileges decided for {', '.join(unknown)} (bot/db/grants.py)")
    quoted = f'"{role}"'
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        # Start from nothing, so that a privilege taken away here goes on the next run.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}",
    ]
    statements += [f"GRANT {PRIVILEGES[table]} ON {table} TO {quoted}" for table in sorted(tables)]
    statements.append(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {quoted}")  # ids
    return statements


async def apply_grants(engine: AsyncEngine, role: str) -> list[str]:
    """Run as the tables' owner; returns the statements it ran."""
    if not is_postgres(engine):
        raise GrantError("DATABASE_URL: grants are for PostgreSQL; SQLite has no roles")
    async with engine.begin() as connection:
        exists = await connection.scalar(
            text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
        )
        if not exists:
            raise GrantError(f"ROLE {role!r} does not exist: CREATE ROLE it first")
        tables = set(
            await connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
        )
        statements = grant_statements(role, tables)
        for statement in statements:
            await connection.execute(text(statement))
    return statements


def grant_to(database_url: str, role: str) -> int:
    """``python -m bot grants ROLE``: prints what it granted, or one line saying why not."""
    try:
        statements = asyncio.run(_grant(database_url, role))
    except GrantError as exc:
        print(f"grants: {exc}", file=sys.stderr)
        return 2
    except (OSError, DBAPIError) as exc:  # unreachable, or not the tables' owner
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(f"grants: DATABASE_URL: {reason}", file=sys.stderr)
        return 2
    print(";\n".join(statements) + ";")
    return 0


async def _grant(database_url: str, role: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        return await apply_grants(engine, role)
    finally:
        await engine.dispose()
