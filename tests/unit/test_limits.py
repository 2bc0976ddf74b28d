"""The sliding window behind the limits on marks and joins."""

from __future__ import annotations

from bot.agreements.limits import ActionLimits, Limited, Scope


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


def test_a_chat_limit_holds_back_who_had_their_share_and_the_user_keeps_their_place() -> None:
    clock = Clock()
    limits = ActionLimits(per_user=5, per_chat=2, window=60, clock=clock)
    assert limits.take(-1, 1) is None
    assert limits.take(-1, 2) is None
    assert limits.take(-1, 1) == Limited(Scope.CHAT, 60, told_before=False)  # had one
    assert limits.take(-1, 3) is None  # had none yet: one a minute, whatever the others did
    assert limits.take(-1, 3) == Limited(Scope.CHAT, 60, told_before=False)
    # Refused there, so no place was taken from person 3: four more elsewhere.
    for chat in range(-10, -14, -1):
        assert limits.take(chat, 3) is None
    assert limits.take(-20, 3) == Limited(Scope.USER, 60, told_before=True)


def test_three_accounts_cannot_shut_a_chat_to_the_others() -> None:
    clock = Clock()
    limits = ActionLimits(per_user=20, per_chat=60, window=60, clock=clock)
    for account in (666, 667, 668):
        for _ in range(20):
            assert limits.take(-1, account) is None
    # The chat's 60 are taken; a member who had none gets her share of four: 15.
    for _ in range(15):
        assert limits.take(-1, 1) is None
    assert limits.take(-1, 1) == Limited(Scope.CHAT, 60, told_before=False)
    for _ in range(12):  # and the next hers of five, while the accounts get nothing more
        assert limits.take(-1, 2) is None
    assert limits.take(-1, 2) == Limited(Scope.CHAT, 60, told_before=False)
    assert limits.take(-1, 666) == Limited(Scope.USER, 60, told_before=False)


def test_what_changed_nothing_gives_its_place_back() -> None:
    clock = Clock()
    limits = ActionLimits(per_user=3, per_chat=3, window=60, clock=clock)
    for _ in range(100):  # a reaction added and removed on an agreement she is party to
        assert limits.take(-1, 7) is None
        limits.give_back(-1, 7)
    for _ in range(3):
        assert limits.take(-1, 7) is None
    assert limits.take(-1, 7) == Limited(Scope.USER, 60, told_before=False)
    limits.give_back(-5, 99)  # nothing taken there: nothing to give back, no error


def test_idle_windows_are_dropped() -> None:
    clock = Clock()
    limits = ActionLimits(per_user=1, per_chat=1, window=60, clock=clock)
    for user in range(10_001):
        limits.take(-user, user)
    clock.now += 61
    limits.take(-1, 1)
    assert len(limits._by_user) + len(limits._by_chat) == 2  # the memory bound is the point
