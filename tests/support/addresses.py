"""An address bound straight in the database, for tests about what comes after /email and
/verify (the stories that are about them bind through the chat: ``Harness.register``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.directory import remember_user
from bot.core.people import Person
from bot.db.models import EmailBinding


async def bind(
    sessions: async_sessionmaker[AsyncSession], person: Person, address: str, at: datetime
) -> None:
    """``person`` known to the bot, with ``address`` verified at ``at``."""
    async with sessions() as session:
        await remember_user(session, person, at)
        session.add(EmailBinding(user_id=person.id, address=address, verified_at=at))
        await session.commit()
