"""What a signed-in user may see now, asked again on every request: their own agreements,
and every agreement of the groups Telegram says they are a member of now (getChatMember,
cached briefly by the bot's shared Membership; see bot/agreements/visibility.py for which
groups are asked about). An id in a URL is never enough."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.visibility import GROUP_TYPES, Reach, candidate_chats, is_party
from bot.db.models import Agreement, Chat, Party
from bot.telegram.membership import Membership, Standing
from bot.web.api_answers import ApiError

# getChatMember questions in flight at once for one request (each answer is then cached).
CONCURRENT_QUESTIONS = 8


@dataclass(frozen=True, slots=True)
class Found:
    reach: Reach
    unchecked: int  # groups Telegram could not be asked about just now: left out


class Access:
    def __init__(self, bot: Bot, membership: Membership) -> None:
        self._bot = bot
        self._membership = membership

    async def reach(self, session: AsyncSession, user_id: int) -> Found:
        candidates = await candidate_chats(session, user_id)
        await _release(session)
        gate = asyncio.Semaphore(CONCURRENT_QUESTIONS)

        async def standing(chat_id: int) -> Standing:
            async with gate:
                return await self._membership.standing(self._bot, chat_id, user_id)

        standings = await asyncio.gather(*(standing(chat_id) for chat_id in candidates))
        member = frozenset(
            c for c, s in zip(candidates, standings, strict=True) if s is Standing.MEMBER
        )
        unchecked = sum(s is Standing.UNKNOWN for s in standings)
        return Found(Reach(user_id, member), unchecked)

    async def may_see(self, session: AsyncSession, agreement_id: int, user_id: int) -> bool:
        """A party, or a member of the agreement's group now."""
        chat = (
            await session.execute(
                select(Chat.id, Chat.type)
                .join(Agreement, Agreement.chat_id == Chat.id)
                .where(Agreement.id == agreement_id)
            )
        ).first()
        if chat is None:
            return False
        if await is_party(session, agreement_id, user_id):
            return True
        if chat.type not in GROUP_TYPES:  # a business chat: its two parties only
            return False
        await _release(session)
        standing = await self._membership.standing(self._bot, chat.id, user_id)
        if standing is Standing.UNKNOWN:
            raise telegram_unavailable()
        return standing is Standing.MEMBER

    async def chat_agreements(
        self, session: AsyncSession, chat_id: int, user_id: int
    ) -> list[int]:
        """The ids of the chat's agreements the user may see, oldest first: all of them for
        a member of the group now, else the ones they are a party to (maybe none)."""
        chat_type = await session.scalar(select(Chat.type).where(Chat.id == chat_id))
        if chat_type is None:
            return []
        everything = select(Agreement.id).where(Agreement.chat_id == chat_id)
        if chat_type in GROUP_TYPES:
            await _release(session)
            standing = await self._membership.standing(self._bot, chat_id, user_id)
            if standing is Standing.UNKNOWN:
                raise telegram_unavailable()
            if standing is Standing.MEMBER:
                return list(await session.scalars(everything.order_by(Agreement.id)))
        own = everything.join(Party, Party.agreement_id == Agreement.id).where(
            Party.user_id == user_id
        )
        return list(await session.scalars(own.order_by(Agreement.id)))


async def _release(session: AsyncSession) -> None:
    """Ends the read before asking Telegram, which may take seconds: the connection goes
    back to the pool meanwhile (the session begins anew when next used)."""
    await session.rollback()


def telegram_unavailable() -> ApiError:
    return ApiError(
        503,
        "membership_unknown",
        "Telegram could not be asked whether you are a member of the chat; try again",
        headers={"Retry-After": "5"},
    )
