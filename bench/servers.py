"""The fake Bot API (tests/botapi) and the SMTP server (aiosmtpd) on 127.0.0.1, and a
clock on the fake's update queue.

They run in the benchmark's process, so that the bot's process holds only the bot. Times
are ``time.monotonic()``, the event loop's clock, which ``Mailbox`` stamps mails with: one
clock for every process on the machine. Not run directly; ``python -m bench`` uses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import Any

from tests.botapi import BotAPIServer
from tests.botapi.updates import UpdateQueue
from tests.support.identity import TOKEN
from tests.support.mailbox import Mailbox


class ServedClock:
    """Watches the fake's update queue: when each update was first handed out in a
    getUpdates answer, and when the bot confirmed it (a later getUpdates' offset).

    ``hold()`` parks the queued updates; ``release()`` feeds them back ``window`` at a
    time, so the fake never filters a queue of thousands on every call.
    """

    def __init__(self, api: BotAPIServer, window: int = 1000) -> None:
        self._api = api
        self._queue: UpdateQueue = api.updates
        self._take = self._queue.take
        self._confirm = self._queue.confirm
        self._queue.take = self._timed_take  # type: ignore[method-assign]
        self._queue.confirm = self._timed_confirm  # type: ignore[method-assign]
        self._window = window
        self._parked: deque[dict[str, Any]] = deque()
        self._feeding = True
        self.served: dict[int, float] = {}
        self.confirmed_offset = 0
        self.confirmed_at: dict[int, float] = {}  # offset -> when it first came
        self._confirmed = asyncio.Event()
        self._awaited = 0

    def hold(self) -> None:
        self._parked.extend(self._queue.pending)
        self._queue.pending.clear()
        self._feeding = False

    def release(self) -> None:
        self._feeding = True
        self._api.notifier.changed()  # wakes a waiting long poll

    def _timed_take(self, limit: int) -> list[dict[str, Any]]:
        if self._feeding:
            room = self._window - len(self._queue.pending)
            while self._parked and room > 0:
                self._queue.pending.append(self._parked.popleft())
                room -= 1
        taken = self._take(limit)
        now = time.monotonic()
        for update in taken:
            self.served.setdefault(int(update["update_id"]), now)
        return taken

    def _timed_confirm(self, offset: int) -> None:
        self._confirm(offset)
        if offset > self.confirmed_offset:
            self.confirmed_offset = offset
            self.confirmed_at.setdefault(offset, time.monotonic())
            if self._awaited and offset > self._awaited:
                self._confirmed.set()

    async def until_confirmed(self, update_id: int, timeout: float) -> float:
        """When the bot confirmed ``update_id`` (it asked for the updates after it)."""
        if self.confirmed_offset <= update_id:
            self._awaited = update_id
            self._confirmed.clear()
            await asyncio.wait_for(self._confirmed.wait(), timeout)
            self._awaited = 0
        return min(t for offset, t in self.confirmed_at.items() if offset > update_id)

    def window_of(self, first_id: int, last_id: int) -> float:
        """Seconds from the first update handed out to the last one confirmed."""
        end = min(t for offset, t in self.confirmed_at.items() if offset > last_id)
        return end - self.served[first_id]


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Keeps this process' collector off what is already built for the block.

    This process holds some 300 thousand objects by the time a part measures (its imports
    and the fake world: every user, chat and message). A full collection of them stopped
    the fake Bot API and the SMTP server for 200-270 ms now and then, and the bot's latency
    measured that pause. Frozen objects are left out of collections; what the block
    creates is still collected.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.asynccontextmanager
async def smtp_server() -> AsyncIterator[Mailbox]:
    mailbox = Mailbox()
    await mailbox.start()
    try:
        yield mailbox
    finally:
        await mailbox.stop()


@contextlib.asynccontextmanager
async def servers() -> AsyncIterator[tuple[BotAPIServer, Mailbox]]:
    """The fake Bot API (privacy mode off, as the README asks) and the SMTP server."""
    async with (
        smtp_server() as mailbox,
        BotAPIServer(
            token=TOKEN, bot_user={"username": "bench_bot"}, can_read_all_group_messages=True
        ) as api,
    ):
        yield api, mailbox
