"""Wait for a log line instead of sleeping: the bot logs every delivery outcome."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager


class LogWatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._changed = asyncio.Condition()
        self._loop = asyncio.get_running_loop()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self._loop.call_soon_threadsafe(lambda: asyncio.ensure_future(self._notify()))

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def messages(self) -> list[str]:
        return [record.getMessage() for record in self.records]

    async def wait_for(self, fragment: str, timeout: float = 10) -> str:
        def found() -> str | None:
            return next((m for m in self.messages() if fragment in m), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), timeout)
        line = found()
        assert line is not None
        return line


@contextmanager
def watching(logger_name: str) -> Iterator[LogWatcher]:
    watcher = LogWatcher()
    logger = logging.getLogger(logger_name)
    logger.addHandler(watcher)
    try:
        yield watcher
    finally:
        logger.removeHandler(watcher)
