"""How many marks and joins a person, and a chat, may make a minute (a sliding window).

Only what changes something counts: each mark or join (/agree, a reaction, "I agree")
takes a place in the person's window and in the chat's when it is let through, and gives
it back when it recorded and joined nothing (already a party, a refusal, a file that
could not be fetched). One over the person's limit is refused and takes none, so the wait
it is told is the real one.

A chat's limit must not be a few people's to use up: three accounts taking 20 places each
would otherwise shut everyone else out of a chat limited to 60. So when the chat's window
is full, it holds back only those who had their fair share of it: the chat's limit
divided by the number of people who took places there in the window, counting whoever
asks now (at least one a minute each). Anyone below their share still gets through, so a
chat takes at most about twice its limit a minute (more only when more people than its
limit act there at once, one each). The windows live in the process: replicas each count
their own, so R replicas let through up to R times the limits.
"""

from __future__ import annotations

import enum
import math
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

# A group's id, or for a business chat its (owner, client) pair (no database row needed).
ChatKey = Hashable
WINDOW_SECONDS = 60.0
# Past this many windows kept, idle ones are dropped (a window empties within a minute),
# at most once a SWEEP_EVERY seconds: while all are busy, sweeping each time finds nothing.
SWEEP_AT = 10_000
SWEEP_EVERY = 1.0


class Scope(enum.StrEnum):
    USER = "user"
    CHAT = "chat"


@dataclass(frozen=True, slots=True)
class Limited:
    scope: Scope
    retry_after: int  # whole seconds until one more may be allowed, at least 1
    # Whoever hit the limit was refused before within this wait: a chat answer once is
    # enough, and answering every try would flood the chat the limit protects.
    told_before: bool


class ActionLimits:
    def __init__(
        self,
        per_user: int,
        per_chat: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_user = per_user
        self._per_chat = per_chat
        self._window = window
        self._clock = clock
        self._by_user: dict[int, deque[float]] = {}
        self._by_chat: dict[ChatKey, dict[int, deque[float]]] = {}  # chat -> person -> times
        self._told_until: dict[int, float] = {}
        self._swept_at = -math.inf

    def take(self, chat_id: ChatKey, user_id: int) -> Limited | None:
        """None, and a place taken in both windows; or why not, and nothing taken."""
        now = self._clock()
        if len(self._by_user) + len(self._by_chat) > SWEEP_AT and (
            now - self._swept_at >= SWEEP_EVERY
        ):
            self._sweep(now)
        mine = self._recent(self._by_user.setdefault(user_id, deque()), now)
        if len(mine) >= self._per_user:
            return self._limited(Scope.USER, mine[0], user_id, now)
        chat = self._chat(chat_id, now)
        if sum(len(times) for times in chat.values()) >= self._per_chat:
            people = len(chat) + (user_id not in chat)
            share = max(1, self._per_chat // people)
            if len(chat.get(user_id, ())) >= share:
                oldest = min(times[0] for times in chat.values())
                return self._limited(Scope.CHAT, oldest, user_id, now)
        mine.append(now)
        chat.setdefault(user_id, deque()).append(now)
        return None

    def give_back(self, chat_id: ChatKey, user_id: int) -> None:
        """The place an attempt took: it recorded and joined nothing."""
        for times in (self._by_user.get(user_id), self._by_chat.get(chat_id, {}).get(user_id)):
            if times:
                times.pop()

    def _limited(self, scope: Scope, oldest: float, user_id: int, now: float) -> Limited:
        wait = max(1, math.ceil(oldest + self._window - now))
        return Limited(scope, wait, self._told(user_id, now, wait))

    def _recent(self, times: deque[float], now: float) -> deque[float]:
        while times and times[0] <= now - self._window:
            times.popleft()
        return times

    def _chat(self, chat_id: ChatKey, now: float) -> dict[int, deque[float]]:
        """The chat's places in the window, by person (only people who have some)."""
        chat = self._by_chat.setdefault(chat_id, {})
        for person in [p for p, times in chat.items() if not self._recent(times, now)]:
            del chat[person]
        return chat

    def _told(self, user_id: int, now: float, wait: int) -> bool:
        if self._told_until.get(user_id, 0.0) > now:
            return True
        self._told_until[user_id] = now + wait
        return False

    def _sweep(self, now: float) -> None:
        self._swept_at = now
        for user_id in [u for u, times in self._by_user.items() if not self._recent(times, now)]:
            del self._by_user[user_id]
        for chat_id in [c for c in self._by_chat if not self._chat(c, now)]:
            del self._by_chat[chat_id]
        for user_id in [u for u, until in self._told_until.items() if until <= now]:
            del self._told_until[user_id]
