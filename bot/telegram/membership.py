"""Whether a person is a member of a group, asked of Telegram (getChatMember) and cached.

Only members may mark or join an agreement: anyone else can see a public group's card,
or send a callback query with any data. The answer is cached briefly per (chat, person)
so that a busy chat doesn't ask Telegram on every press; the cache is bounded, and a
"no" is kept for less time than a "yes", so someone who joins the chat can act soon.
What the bot learns of a change (a member leaving or joining, a ban: see
middlewares/membership_cache.py) drops the cached answer at once. When Telegram can't
be asked (unreachable, 429 Too Many Requests), that is kept for a moment too, so that a
flood of presses doesn't ask again each time and prolong the 429.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from enum import StrEnum

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.types import ChatMemberRestricted

logger = logging.getLogger(__name__)

MEMBER_FOR_SECONDS = 60.0
NOT_MEMBER_FOR_SECONDS = 10.0
UNKNOWN_FOR_SECONDS = 2.0
CACHE_SIZE = 10_000
MEMBER_STATUSES = {
    ChatMemberStatus.CREATOR,
    ChatMemberStatus.ADMINISTRATOR,
    ChatMemberStatus.MEMBER,
}


class Standing(StrEnum):
    MEMBER = "member"
    NOT_MEMBER = "not_member"
    UNKNOWN = "unknown"  # Telegram could not be asked just now


class Membership:
    """One per process, shared by the handlers (dispatcher data ``membership``)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, size: int = CACHE_SIZE
    ) -> None:
        self._clock = clock
        self._size = size
        self._known: OrderedDict[tuple[int, int], tuple[Standing, float]] = OrderedDict()
        # Counts forget() calls: an answer asked for before one of them may predate the change
        # it reports (a member who left meanwhile), so it is used but not kept.
        self._forgets = 0

    async def standing(self, bot: Bot, chat_id: int, user_id: int) -> Standing:
        key = (chat_id, user_id)
        cached = self._known.get(key)
        if cached is not None and cached[1] > self._clock():
            return cached[0]
        forgets_before = self._forgets
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            # "user not found", "chat not found", the bot was removed: not one of the chat.
            logger.info("membership chat=%s user=%s: %s", chat_id, user_id, exc.message)
            standing = Standing.NOT_MEMBER
        except TelegramAPIError as exc:  # network or server trouble: ask again soon
            logger.warning("membership chat=%s user=%s not checked: %r", chat_id, user_id, exc)
            standing = Standing.UNKNOWN
        else:
            is_member = member.status in MEMBER_STATUSES or (
                isinstance(member, ChatMemberRestricted) and member.is_member
            )
            standing = Standing.MEMBER if is_member else Standing.NOT_MEMBER
        if self._forgets == forgets_before:
            self._remember(key, standing)
        return standing

    def forget(self, chat_id: int, user_id: int) -> None:
        """The person's standing in the chat changed: ask Telegram next time."""
        self._forgets += 1
        self._known.pop((chat_id, user_id), None)

    def _remember(self, key: tuple[int, int], standing: Standing) -> None:
        self._known[key] = (standing, self._clock() + _KEPT_FOR[standing])
        self._known.move_to_end(key)
        while len(self._known) > self._size:
            self._known.popitem(last=False)


_KEPT_FOR = {
    Standing.MEMBER: MEMBER_FOR_SECONDS,
    Standing.NOT_MEMBER: NOT_MEMBER_FOR_SECONDS,
    Standing.UNKNOWN: UNKNOWN_FOR_SECONDS,
}
