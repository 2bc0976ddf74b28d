"""How many marks and joins a person, and a chat, may make a minute (a sliding window).

Each attempt to mark or join (/agree, a reaction, "I agree") that a member makes takes
one place in the person's window and one in the chat's; one over either limit is refused
and takes none, so the wait it is told is the real one. The windows live in the process:
replicas each count their own, so R replicas let through up to R times the limits.
"""

from __future__ import annotations

import enum
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 60.0
# Past this many windows kept, idle ones are dropped (a window empties within a minute).
SWEEP_AT = 10_000


class Scope(enum.StrEnum):
    USER = "user"
    CHAT = "chat"


@dataclass(frozen=True, slots=True)
class Limited:
    scope: Scope
    retry_after: int  # whole seconds until one more is allowed, at least 1
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
        self._limits = {Scope.USER: per_user, Scope.CHAT: per_chat}
        self._window = window
        self._clock = clock
        self._taken: dict[tuple[Scope, int], deque[float]] = {}
        self._told_until: dict[int, float] = {}

    def take(self, chat_id: int, user_id: int) -> Limited | None:
        """None, and a place taken in both windows; or why not, and nothing taken."""
        now = self._clock()
        if len(self._taken) > SWEEP_AT:
            self._sweep(now)
        keys = ((Scope.USER, user_id), (Scope.CHAT, chat_id))
        for scope, key in keys:
            times = self._window_of(scope, key, now)
            if len(times) >= self._limits[scope]:
                wait = max(1, math.ceil(times[0] + self._window - now))
                return Limited(scope, wait, self._told(user_id, now, wait))
        for scope, key in keys:
            self._window_of(scope, key, now).append(now)
        return None

    def _window_of(self, scope: Scope, key: int, now: float) -> deque[float]:
        times = self._taken.setdefault((scope, key), deque())
        while times and times[0] <= now - self._window:
            times.popleft()
        return times

    def _told(self, user_id: int, now: float, wait: int) -> bool:
        if self._told_until.get(user_id, 0.0) > now:
            return True
        self._told_until[user_id] = now + wait
        return False

    def _sweep(self, now: float) -> None:
        idle = now - self._window
        for key in [k for k, times in self._taken.items() if not times or times[-1] <= idle]:
            del self._taken[key]
        for user_id in [u for u, until in self._told_until.items() if until <= now]:
            del self._told_until[user_id]
