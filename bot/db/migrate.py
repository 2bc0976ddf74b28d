"""Apply alembic migrations from code (``python -m bot`` does it on start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.exc import InterfaceError, OperationalError

from bot.config import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Blocking; it runs its own event loop, so call it outside one (or in a thread)."""
    try:
        command.upgrade(alembic_config(database_url), revision)
    except (OSError, OperationalError, InterfaceError) as exc:
        # Unreachable server, bad credentials, unwritable file: the setting is at fault.
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ConfigError(f"DATABASE_URL: cannot open the database: {reason}") from None


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
