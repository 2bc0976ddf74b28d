"""A loop that runs a step now and then, or at once when woken."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

logger = logging.getLogger(__name__)


class Periodic:
    """Runs ``step`` every ``interval`` seconds and whenever ``wake()`` is called.

    ``step`` returns True when there may be more to do right away. A stop lets the step
    under way finish (a step checks ``stopping`` to end early) for up to ``grace``
    seconds, then cancels it.
    """

    def __init__(
        self,
        name: str,
        step: Callable[[], Awaitable[bool]],
        interval: float,
        grace: float = 2.0,
    ) -> None:
        self._name = name
        self._step = step
        self._interval = interval
        self._grace = grace
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._stop_deadline: float | None = None

    @property
    def stopping(self) -> bool:
        return self._stopping

    def wake(self) -> None:
        self._wakeup.set()

    def request_stop(self) -> None:
        """Finish the step under way and start no other; ``running()`` waits for it, up to
        ``grace`` seconds from the first request."""
        if self._stop_deadline is None:
            self._stop_deadline = asyncio.get_running_loop().time() + self._grace
        self._stopping = True
        self._wakeup.set()

    @contextlib.asynccontextmanager
    async def running(
        self, closing: Callable[[], Awaitable[object]] | None = None
    ) -> AsyncIterator[None]:
        """Runs the loop for the block; then stops it and awaits ``closing`` (what the
        steps kept open between rounds, such as connections)."""
        self._stopping, self._stop_deadline = False, None
        task = asyncio.create_task(self._run(), name=self._name)
        try:
            yield
        finally:
            try:
                await self._stop(task)
            finally:
                if closing is not None:
                    await closing()

    async def _stop(self, task: asyncio.Task[None]) -> None:
        self.request_stop()
        assert self._stop_deadline is not None
        left = max(0.0, self._stop_deadline - asyncio.get_running_loop().time())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), left)
        if not task.done():
            logger.warning("%s: still busy after %.0f s; cancelled", self._name, self._grace)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        while not self._stopping:
            try:
                while await self._step() and not self._stopping:
                    pass
            except Exception:
                # Most likely the database is unreachable; try again next round.
                logger.exception("%s: round failed", self._name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._interval)
            self._wakeup.clear()
