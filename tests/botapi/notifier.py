"""Event-based waiting: wake every waiter when the fake's state changes, never poll."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WaitTimeout(AssertionError):
    """A test waited for something the bot never did; the message says what and what was seen."""


class Notifier:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def changed(self) -> None:
        # swap before setting, so a waiter that looked before this change is always woken
        event, self._event = self._event, asyncio.Event()
        event.set()

    def mark(self) -> asyncio.Event:
        """Take this before checking a condition; wait on it afterwards."""
        return self._event

    @staticmethod
    async def wait(mark: asyncio.Event, timeout: float) -> bool:
        """Waits until a change after ``mark``; False when ``timeout`` passed first."""
        if timeout <= 0:
            return mark.is_set()
        try:
            await asyncio.wait_for(mark.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def wait_for(
        self, probe: Callable[[], T | None], timeout: float, describe: Callable[[], str]
    ) -> T:
        """Returns the first non-None ``probe()``, re-checked after every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            mark = self.mark()
            found = probe()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise WaitTimeout(f"timed out after {timeout}s waiting for {describe()}")
            await self.wait(mark, remaining)  # then probe once more before giving up
