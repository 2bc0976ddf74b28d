"""The chat journal: every message the bot sees, kept JOURNAL_RETENTION_DAYS.

It lets the bot show how a message read before it was marked, and mark a message from a
reaction (Telegram's reaction updates carry no text). Writes are buffered and stored in
one transaction per batch, so journaling costs a handler no database round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.marking import MarkedMessage
from bot.core.background import Periodic
from bot.core.people import Person
from bot.db.gate import write_gate
from bot.db.models import Agreement, JournalEntry
from bot.db.upsert import insert_for
from bot.evidence.records import content_hash

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_BUFFERED = 50_000
FLUSH_INTERVAL = 1.0


class Journal:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        retention: timedelta,
    ) -> None:
        self._session_factory = session_factory
        self._gate = write_gate(session_factory)
        self._clock = clock
        self._retention = retention
        self._buffer: list[dict[str, Any]] = []
        self._flushing = asyncio.Lock()
        self._loop = Periodic("journal", self._tick, FLUSH_INTERVAL)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with self._loop.running():
            yield
        await self.flush()  # what was noted last is not lost on a clean stop

    def note(self, chat_id: int, seen: MarkedMessage) -> None:
        """Remember how a message in a chat reads now (sent, or just edited)."""
        author = seen.author
        self._buffer.append(
            {
                "chat_id": chat_id,
                "message_id": seen.message_id,
                "thread_id": seen.thread_id,
                "author_id": author.id if author else None,
                "author_first_name": author.first_name if author else None,
                "author_last_name": author.last_name if author else None,
                "author_username": author.username if author else None,
                "author_is_bot": author.is_bot if author else False,
                "date": seen.date,
                "edit_date": seen.edit_date,
                "version_at": seen.edit_date or seen.date,
                "text": seen.text,
                "entities": seen.entities,
                "content_hash": content_hash(seen.text or "", seen.entities),
                "seen_at": self._clock(),
            }
        )
        if len(self._buffer) >= BATCH_SIZE:
            self._loop.wake()

    async def flush(self) -> None:
        """Store what was noted so far, in one transaction; returns once it is stored."""
        # The write turn first, then the flush lock: a handler that holds its turn and
        # flushes never waits for a flush that waits for the turn.
        async with self._gate.turn(), self._flushing:  # a reader waits for a flush under way
            rows, self._buffer = self._buffer, []
            if not rows:
                return
            try:
                await self._store(rows)
            except (DataError, IntegrityError):
                # A row the database refuses (it will refuse it every time) must not hold
                # the rest back: getUpdates waits for this flush.
                await self._store_each(rows)
            except BaseException:  # unreachable database, or a stop: keep them, try again
                self._buffer = (rows + self._buffer)[-MAX_BUFFERED:]
                raise

    async def _store_each(self, rows: list[dict[str, Any]]) -> None:
        for n, row in enumerate(rows):
            try:
                await self._store([row])
            except (DataError, IntegrityError) as exc:
                logger.error(
                    "journal: message not kept chat=%s message=%s: %s",
                    row["chat_id"],
                    row["message_id"],
                    exc.orig,
                )
            except BaseException:
                self._buffer = (rows[n:] + self._buffer)[-MAX_BUFFERED:]
                raise

    async def _store(self, rows: list[dict[str, Any]]) -> None:
        async with self._session_factory() as session:
            # The same content seen twice (a phantom edit, a redelivered update) is one row.
            await session.execute(
                insert_for(session, JournalEntry).on_conflict_do_nothing(
                    index_elements=["chat_id", "message_id", "version_at", "content_hash"]
                ),
                rows,
            )
            await session.commit()

    async def versions(self, chat_id: int, message_id: int) -> list[JournalEntry]:
        """Every content of the message the journal saw, oldest first."""
        await self.flush()
        async with self._session_factory() as session:
            entries = await session.scalars(
                select(JournalEntry)
                .where(JournalEntry.chat_id == chat_id, JournalEntry.message_id == message_id)
                .order_by(JournalEntry.version_at, JournalEntry.id)
            )
            return list(entries)

    async def purge(self) -> int:
        """Forget expired entries, except those of messages under agreement."""
        cutoff = self._clock() - self._retention
        agreed = exists().where(
            Agreement.chat_id == JournalEntry.chat_id,
            Agreement.message_id == JournalEntry.message_id,
        )
        async with self._gate.turn(), self._session_factory() as session:
            result = await session.execute(
                delete(JournalEntry).where(JournalEntry.seen_at < cutoff, ~agreed)
            )
            await session.commit()
        removed: int = result.rowcount  # type: ignore[attr-defined]
        if removed:
            logger.info("journal purged entries=%s", removed)
        return removed

    async def _tick(self) -> bool:
        await self.flush()
        return False


def as_marked_message(entry: JournalEntry) -> MarkedMessage:
    """A journaled message, as marking takes it."""
    author = None
    if entry.author_id is not None:
        author = Person(
            id=entry.author_id,
            first_name=entry.author_first_name or "",
            last_name=entry.author_last_name,
            username=entry.author_username,
            is_bot=entry.author_is_bot,
        )
    return MarkedMessage(
        message_id=entry.message_id,
        date=entry.date,
        author=author,
        text=entry.text,
        entities=entry.entities,
        edit_date=entry.edit_date,
        thread_id=entry.thread_id,
    )
