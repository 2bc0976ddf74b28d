"""ERRORs and tracebacks the bot under test logged, so that an end-to-end test fails on one it
did not expect (``@pytest.mark.expected_errors("regex", ...)``).

The bot in the test's own process logs through the root logger: ``collecting`` gathers those
records. A bot run as ``python -m bot`` writes a log file (text or JSON lines): ``watch_file``
names it, and ``errors_in_file`` reads it once the test is over.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.logs import TEXT_FORMAT

TRACEBACK = "Traceback (most recent call last)"
# "2026-12-07 17:55:38,442 ERROR bot.mail.stamper: ..." (bot.logs.TEXT_FORMAT)
_TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ([A-Z]+) ")
_SERIOUS = {"ERROR", "CRITICAL"}

_watched_files: list[Path] = []


def watch_file(path: Path) -> None:
    """Have ``path``, a log of a bot process this test starts, read at the test's end."""
    _watched_files.append(path)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter(TEXT_FORMAT))
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.errors.append(self.format(record))


@contextmanager
def collecting() -> Iterator[list[str]]:
    """Every ERROR (or record with a traceback) logged in this process meanwhile, formatted
    as the bot's text log would show it; then the errors in the log files named meanwhile."""
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    _watched_files.clear()
    errors: list[str] = []
    try:
        yield errors
    finally:
        root.removeHandler(collector)
        errors += collector.errors
        for path in _watched_files:
            errors += errors_in_file(path)
        _watched_files.clear()


def errors_in_file(path: Path) -> list[str]:
    """The events of a bot's log file at ERROR or above, or with a traceback: a text event is
    its line and the lines after it that start no event of their own (its traceback)."""
    if not path.exists():
        return []
    events: list[tuple[str, str]] = []  # (level, text)
    for line in path.read_text(errors="replace").splitlines():
        level = _level_of(line)
        if level is not None or not events:
            events.append((level or "", line))
        else:
            events[-1] = (events[-1][0], f"{events[-1][1]}\n{line}")
    return [text for level, text in events if level in _SERIOUS or TRACEBACK in text]


def _level_of(line: str) -> str | None:
    if line.startswith("{"):
        try:
            event = json.loads(line)
        except ValueError:
            return None
        if isinstance(event, dict) and isinstance(event.get("level"), str):
            return event["level"]
        return None
    match = _TEXT_LINE.match(line)
    return match.group(1) if match else None


def unexpected(errors: Iterable[str], expected: Iterable[str]) -> list[str]:
    """The errors no pattern of ``expected`` (regular expressions, searched) accounts for."""
    patterns = [re.compile(pattern) for pattern in expected]
    return [error for error in errors if not any(p.search(error) for p in patterns)]
