"""Agreements loaded with what mails, cards and lists read of them: the parties with their
users and, usually, the chat.

The relationships are ``lazy="raise"`` (an async session cannot load them on touch), so
whoever reads them loads them here, in one way.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import Agreement, Party


def with_parties(statement: Select[Agreement], *, chat: bool = True) -> Select[Agreement]:
    """The statement, loading each agreement's parties with their users and, with
    ``chat``, its chat (the cards and lists of one chat need none)."""
    parties = selectinload(Agreement.parties).selectinload(Party.user)
    if chat:
        return statement.options(selectinload(Agreement.chat), parties)
    return statement.options(parties)


async def load_agreement(session: AsyncSession, agreement_id: int) -> Agreement | None:
    """The agreement with its chat and its parties' users."""
    statement = with_parties(select(Agreement)).where(Agreement.id == agreement_id)
    return await session.scalar(statement)


async def load_agreements(session: AsyncSession, agreement_ids: Sequence[int]) -> list[Agreement]:
    """load_agreement for several at once, in no particular order."""
    loaded = await session.scalars(
        with_parties(select(Agreement)).where(Agreement.id.in_(agreement_ids))
    )
    return list(loaded)
