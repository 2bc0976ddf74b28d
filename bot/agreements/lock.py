"""Who decides about an agreement takes turns: marking it again, joining it, storing an
edit of it, accepting an edit.

A join checks that no edit awaits acceptance and then adds the party; an edit stores a
version the parties must accept. Without turns, on PostgreSQL a join could check, an edit
be stored and committed, and the join then commit a party who never saw the edit and can
veto it. So each of them locks the chat's row and then the agreement's (``FOR UPDATE``),
in that order, which is the order marks lock them in (a mark locks the chat first), so
that no two wait for each other. The chat's row is the one that holds the chat's chain
(``lock_chain``): an accept that records an amendment needs no other lock. On SQLite the
process' writers take turns anyway (bot/db/gate.py): the caller holds its turn, and
nothing is locked here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.loading import with_parties
from bot.db.models import Agreement
from bot.evidence.chain import lock_chain


async def lock_agreement(
    session: AsyncSession,
    chat_id: int,
    agreement_id: int,
    *,
    chat_locked: bool = False,
    loaded: bool = False,
) -> Agreement | None:
    """The chat's agreement, read again (``populate_existing``), with the chat's row and
    its own locked until the transaction ends; None if the chat has no such agreement.

    ``chat_locked``: the caller holds the chat's row already (a mark locks it first), so
    it is locked once. ``loaded``: with its chat and its parties' users, read under the
    lock, for a caller that reads them.
    """
    if not chat_locked:
        await lock_chain(session, chat_id)
    statement = (
        select(Agreement)
        .where(Agreement.id == agreement_id, Agreement.chat_id == chat_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return await session.scalar(with_parties(statement) if loaded else statement)
