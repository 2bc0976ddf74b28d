"""Other processes' use of the CPU while a part runs: on a shared machine it makes every
number slower, so each part measures it and may wait for a quiet moment.

Not run directly; ``python -m bench`` uses it.
"""

from __future__ import annotations

import asyncio
import functools
import os
import pwd
import time
from pathlib import Path


class ForeignLoad:
    """CPU that other processes used while a part ran (PostgreSQL's own processes, which
    work for the bot, are not counted): a busy machine makes every number slower."""

    def __init__(self) -> None:
        self._start = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float, float, float]:
        ticks = os.sysconf("SC_CLK_TCK")
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        busy = (sum(fields) - fields[3] - fields[4]) / ticks  # all but idle and iowait
        ours = os.times()
        mine = ours.user + ours.system + ours.children_user + ours.children_system
        return busy, mine, _postgres_seconds() / ticks, time.monotonic()

    def cores(self) -> float:
        """Other processes' CPU since creation, in cores (1.0: one core busy throughout)."""
        busy, mine, postgres, at = self._sample()
        start_busy, start_mine, start_postgres, start_at = self._start
        foreign = (busy - start_busy) - (mine - start_mine) - (postgres - start_postgres)
        return max(0.0, foreign) / max(1e-9, at - start_at)


async def until_quiet(limit: float = 900.0, window: float = 5.0) -> float:
    """Waits (up to ``limit`` seconds) until other processes use under 0.1 core over a
    ``window``; returns the load of the last window."""
    deadline = time.monotonic() + limit
    while True:
        load = ForeignLoad()
        await asyncio.sleep(window)
        cores = load.cores()
        if cores < 0.1 or time.monotonic() > deadline:
            return cores


def _postgres_seconds() -> int:
    """CPU ticks of the processes run by the postgres user (the database server)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.parent.stat().st_uid != _postgres_uid():
                continue
            fields = stat.read_text().rpartition(")")[2].split()
            # utime, stime, and cutime, cstime: the postmaster's reaped backends (a
            # connection that closed during the part) still count as the database's.
            total += sum(int(value) for value in fields[11:15])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return total


@functools.cache
def _postgres_uid() -> int:
    try:
        return pwd.getpwnam("postgres").pw_uid
    except KeyError:
        return -1
