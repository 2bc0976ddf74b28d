"""Who decides about an agreement takes turns: marking it again, joining it, storing an
edit of it, accepting an edit.

A join checks that no edit awaits acceptance and then adds the party; an edit stores a
version the parties must accept. Without turns, on PostgreSQL a join could check, an edit
be stored and committed, and the join then commit a party who never saw the edit and can
veto it. So each of them locks the chat's row and then the agreement's (``FOR UPDATE``),
in that order, which is the order marks lock them in (a mark locks the chat first), so
that no two wait for each other. On SQLite the process' writers take turns anyway
(bot/db/gate.py): the caller holds its turn, and nothing is locked here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import locks_rows
from bot.db.models import Agreement, Chat


async def lock_agreement(session: AsyncSession, agreement_id: int) -> Agreement | None:
    """The agreement, read again (``populate_existing``), its chat's row and its own
    locked until the transaction ends; None if there is none."""
    if locks_rows(session):
        chat_id = await session.scalar(
            select(Agreement.chat_id).where(Agreement.id == agreement_id)
        )
        if chat_id is None:
            return None
        await session.execute(select(Chat.id).where(Chat.id == chat_id).with_for_update())
    return await session.scalar(
        select(Agreement)
        .where(Agreement.id == agreement_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
