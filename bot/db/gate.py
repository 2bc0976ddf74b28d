"""Writers in this process take turns on SQLite.

SQLite lets one connection write at a time. Another one waits in SQLite's busy handler,
which sleeps 1 to 100 ms between tries and serves nobody in order: under load the mail
worker's short transactions lost to the handlers' for seconds on end, and mails waited.
Here the busiest writers (update handlers, the mail worker, the journal, the cards, and
marking an agreement) queue for an asyncio lock instead, first come first served. A task
already holding its turn passes through (a handler flushes the journal, and marks). On
PostgreSQL, where rows are locked one by one, the gate lets everyone through at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.dialect import locks_rows


class WriteGate:
    def __init__(self, *, serialize: bool) -> None:
        self._lock = asyncio.Lock() if serialize else None
        self._holder: asyncio.Task[object] | None = None

    @property
    def serializes(self) -> bool:
        return self._lock is not None

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold the database's write turn for the block (again, if this task holds it)."""
        task = asyncio.current_task()
        if self._lock is None or (task is not None and task is self._holder):
            yield
            return
        async with self._lock:
            self._holder = task
            try:
                yield
            finally:
                self._holder = None


_GATES: WeakKeyDictionary[Engine, WriteGate] = WeakKeyDictionary()


def write_gate(session_factory: async_sessionmaker[AsyncSession]) -> WriteGate:
    """The gate of the factory's database, shared by everyone in the process using it."""
    engine: AsyncEngine = session_factory.kw["bind"]
    return _gate_of(engine.sync_engine)


def session_gate(session: AsyncSession) -> WriteGate:
    """The gate of the database the session writes to."""
    bind = session.get_bind()
    return _gate_of(bind.engine if isinstance(bind, Connection) else bind)


def _gate_of(engine: Engine) -> WriteGate:
    gate = _GATES.get(engine)
    if gate is None:
        gate = _GATES[engine] = WriteGate(serialize=not locks_rows(engine))
    return gate
