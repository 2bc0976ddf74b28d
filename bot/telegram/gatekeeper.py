"""Who may mark or join an agreement, asked at the Telegram edge before any query or
download: in a group its members (bot/telegram/membership.py), within the limits
(bot/agreements/limits.py); in a business chat its owner (bot/telegram/routers/business.py
checks who that is), within the same limits. Membership comes first, so that people
outside a chat can't use up its limit; and an attempt that recorded and joined nothing
gives its place back."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot

from bot.agreements.limits import ActionLimits, ChatKey
from bot.telegram.membership import Membership, Standing
from bot.telegram.views import access as texts


@dataclass(frozen=True, slots=True)
class Denied:
    text: str  # plain, short: also a callback answer
    over_limit: bool = False  # else not a member (or not known to be one just now)
    # The person was told this within the wait already: a chat reply again would only
    # add to the flood the limit holds back (a callback answer is theirs alone, so fine).
    told_before: bool = False


class Gatekeeper:
    """One per process (dispatcher data ``gatekeeper``)."""

    def __init__(self, membership: Membership, limits: ActionLimits) -> None:
        self._membership = membership
        self._limits = limits

    async def admit(self, bot: Bot, chat_id: int, user_id: int) -> Denied | None:
        """None if the member may mark or join now (it takes a place in the limits;
        ``settle`` gives it back if nothing came of it)."""
        standing = await self._membership.standing(bot, chat_id, user_id)
        if standing is Standing.NOT_MEMBER:
            return Denied(texts.not_a_member())
        if standing is Standing.UNKNOWN:
            return Denied(texts.membership_unknown())
        return self.within_limits(chat_id, user_id)

    def within_limits(self, chat_id: ChatKey, user_id: int) -> Denied | None:
        """``admit`` for someone known to be entitled (a business chat's owner)."""
        limited = self._limits.take(chat_id, user_id)
        if limited is None:
            return None
        return Denied(texts.too_many(limited), over_limit=True, told_before=limited.told_before)

    def settle(self, chat_id: ChatKey, user_id: int, *, changed: bool) -> None:
        """After an admitted attempt: only one that recorded or joined keeps its place."""
        if not changed:
            self._limits.give_back(chat_id, user_id)
