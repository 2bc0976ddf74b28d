"""Apply alembic migrations from code (``python -m bot`` does it on start)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError
from bot.paths import MIGRATIONS_DIR, PROJECT_ROOT

VERSION_TABLE = "alembic_version"  # alembic's default, which migrations/env.py keeps
MIGRATE_FIRST = "run `python -m bot migrate` first"


class NotMigrated(Exception):
    """The database's schema is older than this code: the message says what to run."""


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Blocking; it runs its own event loop, so call it outside one (or in a thread)."""
    try:
        command.upgrade(alembic_config(database_url), revision)
    except (OSError, OperationalError, InterfaceError) as exc:
        raise _cannot_open(exc) from None


def _cannot_open(exc: Exception) -> ConfigError:
    # Unreachable server, bad credentials, unwritable file: the setting is at fault.
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return ConfigError(f"DATABASE_URL: cannot open the database: {reason}")


def _current_heads(connection: Connection) -> list[str]:
    # What alembic's MigrationContext reads, without its log lines on a report's output.
    if not inspect(connection).has_table(VERSION_TABLE):
        return []
    return list(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())


async def require_migrated(engine: AsyncEngine) -> None:
    """For the commands that only read (status, verify --chain): raises ``NotMigrated``
    when the schema is behind this code, rather than failing on a missing table. A schema
    a newer release migrated further passes."""
    try:
        async with engine.connect() as connection:
            current = set(await connection.run_sync(_current_heads))
    except (OSError, OperationalError, InterfaceError) as exc:
        raise _cannot_open(exc) from None
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    heads = set(script.get_heads())
    if current == heads:
        return
    if not current:
        raise NotMigrated(f"The database was never migrated: {MIGRATE_FIRST}.")
    if current <= {revision.revision for revision in script.walk_revisions()}:
        raise NotMigrated(
            f"The database is at revision {', '.join(sorted(current))} and this version "
            f"needs {', '.join(sorted(heads))}: {MIGRATE_FIRST}."
        )


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
