"""The update queue behind getUpdates: ids, confirmation by offset, filters, long polling."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from .errors import conflict
from .notifier import Notifier

ALL_UPDATE_TYPES = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post"}
    | {"business_connection", "business_message", "edited_business_message"}
    | {"deleted_business_messages", "message_reaction", "message_reaction_count"}
    | {"inline_query", "chosen_inline_result", "callback_query", "shipping_query"}
    | {"pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member"}
    | {"chat_member", "chat_join_request", "chat_boost", "removed_chat_boost", "managed_bot"}
    | {"guest_message"}
)
DEFAULT_UPDATE_TYPES = (
    ALL_UPDATE_TYPES - {"chat_member", "message_reaction"} - {"message_reaction_count"}
)
MAX_TIMEOUT = 50  # seconds, as the Bot API clamps it
TERMINATED_BY_OTHER = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)


def update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def parse_allowed_updates(raw: str) -> frozenset[str] | None:
    """None keeps the remembered list; [] or only unknown names mean the default."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    names = frozenset(item.lower() for item in value) & ALL_UPDATE_TYPES
    return names or DEFAULT_UPDATE_TYPES


class UpdateQueue:
    def __init__(self, notifier: Notifier, first_update_id: int) -> None:
        self.notifier = notifier
        self.next_update_id = first_update_id
        self.pending: list[dict[str, Any]] = []
        self.delivered: dict[int, dict[str, Any]] = {}  # every update handed out, by id
        self.allowed = DEFAULT_UPDATE_TYPES
        self.closed = False
        self._waiter: object | None = None
        self._terminated: dict[object, str] = {}

    def push(self, update: dict[str, Any]) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        self.pending.append({"update_id": update_id, **update})
        self.notifier.changed()
        return update_id

    def clear(self) -> None:
        self.pending.clear()

    def confirm(self, offset: int) -> None:
        if offset < 0:
            # a negative offset keeps the last -offset updates and forgets the rest
            del self.pending[: max(0, len(self.pending) + offset)]
        elif offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def take(self, limit: int) -> list[dict[str, Any]]:
        # Telegram never queues filtered-out types; dropping them on delivery is the same
        self.pending = [u for u in self.pending if update_type(u) in self.allowed]
        taken = self.pending[:limit]
        self.delivered.update((u["update_id"], u) for u in taken)
        return taken

    def redeliver(self, update_id: int) -> None:
        """Hand out again an update already confirmed, with its id: what the bot sees when
        its confirmation never reached Telegram before a crash."""
        if all(u["update_id"] != update_id for u in self.pending):
            self.pending.append(self.delivered[update_id])
            self.pending.sort(key=lambda u: int(u["update_id"]))
            self.notifier.changed()

    def terminate_waiter(self, message: str) -> None:
        if self._waiter is not None:
            self._terminated[self._waiter] = message
            self._waiter = None
            self.notifier.changed()

    @property
    def waiting(self) -> bool:
        """True while a getUpdates long poll is waiting for updates."""
        return self._waiter is not None

    def close(self) -> None:
        self.closed = True
        self.notifier.changed()

    async def poll(self, offset: int, limit: int, timeout: int) -> list[dict[str, Any]]:
        """getUpdates after the webhook check: confirm, take, wait for the first update."""
        self.confirm(offset)
        updates = self.take(limit)
        if updates or timeout <= 0 or self.closed:
            return updates
        self.terminate_waiter(TERMINATED_BY_OTHER)
        token = self._waiter = object()
        self.notifier.changed()  # lets tests see that the bot is now waiting
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                mark = self.notifier.mark()
                if token in self._terminated:
                    raise conflict(self._terminated.pop(token))
                updates = self.take(limit)
                remaining = deadline - loop.time()
                if updates or self.closed or remaining <= 0:
                    return updates
                await self.notifier.wait(mark, remaining)
        finally:
            self._terminated.pop(token, None)
            if self._waiter is token:
                self._waiter = None
