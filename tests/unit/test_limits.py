"""The sliding window behind the limits on marks and joins."""

from __future__ import annotations

from bot.services.limits import ActionLimits, Limited, Scope


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_window_slides_and_a_refusal_takes_no_place() -> None:
    clock = Clock()
    limits = ActionLimits(per_user=2, per_chat=10, window=60, clock=clock)
    assert limits.take(-1, 7) is None
    clock.now += 30
    assert limits.take(-1, 7) is None
    clock.now += 10
    assert limits.take(-1, 7) == Limited(Scope.USER, 20, told_before=False)
    clock.now += 5
    assert limits.take(-2, 7) == Limited(Scope.USER, 15, told_before=True)  # any chat
    assert limits.take(-1, 8) is None  # someone else
    clock.now += 15  # the first mark is a minute old: one place again, and only one
    assert limits.take(-1, 7) is None
    assert limits.take(-1, 7) == Limited(Scope.USER, 30, told_before=False)


def test_a_chat_limit_counts_everyone_and_the_user_keeps_their_place() -> None:
    clock = Clock()
    limits = ActionLimits(per_user=5, per_chat=2, window=60, clock=clock)
    assert limits.take(-1, 1) is None
    assert limits.take(-1, 2) is None
    assert limits.take(-1, 3) == Limited(Scope.CHAT, 60, told_before=False)
    # Refused there, so no place was taken from person 3: five more elsewhere.
    for chat in range(-10, -15, -1):
        assert limits.take(chat, 3) is None
    assert limits.take(-20, 3) == Limited(Scope.USER, 60, told_before=True)


def test_idle_windows_are_dropped() -> None:
    clock = Clock()
    limits = ActionLimits(per_user=1, per_chat=1, window=60, clock=clock)
    for user in range(10_001):
        limits.take(-user, user)
    clock.now += 61
    limits.take(-1, 1)
    assert len(limits._taken) == 2  # the memory bound is the point
