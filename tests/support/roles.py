"""A PostgreSQL role that does not own the tables, given what ``python -m bot grants``
gives, for the bot to run as."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db.engine import create_engine
from bot.db.grants import apply_grants


@asynccontextmanager
async def bot_role(owner_url: str) -> AsyncIterator[str]:
    """The URL of a new role granted the bot's privileges in the owner's database; the
    role is dropped afterwards (roles outlive databases)."""
    role = f"bot_{uuid.uuid4().hex[:12]}"
    owner = create_engine(owner_url)
    try:
        async with owner.begin() as connection:
            await connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'bot'"))
        await apply_grants(owner, role)
        yield (
            make_url(owner_url)
            .set(username=role, password="bot")
            .render_as_string(hide_password=False)
        )
    finally:
        async with owner.begin() as connection:
            await connection.execute(text(f"DROP OWNED BY {role}"))  # its grants
            await connection.execute(text(f"DROP ROLE {role}"))
        await owner.dispose()
