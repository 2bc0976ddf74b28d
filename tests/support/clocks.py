"""A clock the test sets and moves, for the services that take one."""

from __future__ import annotations

from datetime import datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class TickingClock(FakeClock):
    """Each reading a millisecond later than the one before, like a real clock under load:
    the order of readings is the order of the calls."""

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now
