"""A loop that runs a step now and then, or at once when woken."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

logger = logging.getLogger(__name__)


class Periodic:
    """Runs ``step`` every ``interval`` seconds and whenever ``wake()`` is called.

    ``step`` returns True when there may be more to do right away.
    """

    def __init__(self, name: str, step: Callable[[], Awaitable[bool]], interval: float) -> None:
        self._name = name
        self._step = step
        self._interval = interval
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self._run(), name=self._name)
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            try:
                while await self._step():
                    pass
            except Exception:
                # Most likely the database is unreachable; try again next round.
                logger.exception("%s: round failed", self._name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._interval)
            self._wakeup.clear()
