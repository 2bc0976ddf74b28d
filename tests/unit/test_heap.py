"""The bot's process takes its imports out of the garbage collector's walks."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc
import bot.app
from bot.__main__ import freeze_imported_heap
walked_before = len(gc.get_objects())
freeze_imported_heap()
print(walked_before, len(gc.get_objects()), gc.get_freeze_count())
"""


def test_a_full_collection_no_longer_walks_what_the_imports_built() -> None:
    # In a process of its own: freezing this one would keep the tests' cycles for good.
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    walked_before, walked_after, frozen = map(int, probe.stdout.split())
    assert walked_before > 100_000  # aiogram, SQLAlchemy, pydantic, jinja2...
    assert frozen >= walked_before * 0.9
    assert walked_after < walked_before // 100
