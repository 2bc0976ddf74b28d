"""Who may mark or join in a group: its members, within the limits (checked before any
query or download; business chats have their own rule, the owner and the client)."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot

from bot.membership import Membership, Standing
from bot.services.limits import ActionLimits
from bot.views import access as texts


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
        """None if the person may mark or join now (and it counts towards the limits).

        Membership comes first, so that people outside the chat can't use up its limit.
        """
        standing = await self._membership.standing(bot, chat_id, user_id)
        if standing is Standing.NOT_MEMBER:
            return Denied(texts.not_a_member())
        if standing is Standing.UNKNOWN:
            return Denied(texts.membership_unknown())
        limited = self._limits.take(chat_id, user_id)
        if limited is not None:
            return Denied(
                texts.too_many(limited), over_limit=True, told_before=limited.told_before
            )
        return None
