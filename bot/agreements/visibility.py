"""Whose agreements a person may review outside the chat (the Mini App).

A person sees the agreements they are a party to, and every agreement of a group they are
a member of now, as ``/agreements`` shows a group's list to its members. Telegram can't
list a person's chats, so the groups to ask about are those where the bot has seen them:
as a party (the author and whoever marked a message are parties too), or as the author of
a message in the journal (kept ``JOURNAL_RETENTION_DAYS``). The caller asks Telegram
whether they are a member of each now. A member who never wrote in a group while the bot
kept its journal, and is no party there, is not offered it until they write something.

Business chats have no members to ask about: there, only the two parties see anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agreement, Chat, JournalEntry, Party

GROUP_TYPES = ("group", "supergroup")


@dataclass(frozen=True, slots=True)
class ChatChoice:
    id: int
    title: str | None
    whole: bool  # every agreement of the chat (a member), or only the person's own


@dataclass(frozen=True, slots=True)
class Reach:
    """What one person may see now: their own agreements, and all of ``member_chats``."""

    user_id: int
    member_chats: frozenset[int]


async def candidate_chats(session: AsyncSession, user_id: int) -> list[int]:
    """Groups with agreements where the bot has seen the person: the ones to ask Telegram
    about."""
    as_party = (
        select(Agreement.chat_id)
        .join(Party, Party.agreement_id == Agreement.id)
        .where(Party.user_id == user_id)
    )
    as_writer = select(JournalEntry.chat_id).where(JournalEntry.author_id == user_id)
    seen = union(as_party, as_writer).subquery()
    has_agreements = exists().where(Agreement.chat_id == Chat.id)
    rows = await session.scalars(
        select(Chat.id)
        .where(Chat.id.in_(select(seen.c.chat_id)), Chat.type.in_(GROUP_TYPES), has_agreements)
        .order_by(Chat.id)
    )
    return list(rows)


async def is_party(session: AsyncSession, agreement_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(Party.user_id).where(Party.agreement_id == agreement_id, Party.user_id == user_id)
    )
    return found is not None


async def chat_choices(session: AsyncSession, reach: Reach) -> list[ChatChoice]:
    """The chats with agreements the person may see, by title: for a filter."""
    mine = (
        select(Agreement.chat_id)
        .join(Party, Party.agreement_id == Agreement.id)
        .where(Party.user_id == reach.user_id)
    )
    rows = await session.execute(
        select(Chat.id, Chat.title).where(
            or_(Chat.id.in_(sorted(reach.member_chats)), Chat.id.in_(mine))
        )
    )
    choices = [ChatChoice(id, title, id in reach.member_chats) for id, title in rows]
    return sorted(choices, key=lambda c: ((c.title or "").casefold(), c.id))
