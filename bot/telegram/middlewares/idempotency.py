"""Handles each update once, even when Telegram delivers it again after a crash.

The update's id is added to the update's database session before the handler runs, so it
is stored by the same commit that stores what the handler did, or not at all. An update
whose id is already stored was handled before and is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import locks_rows
from bot.db.models import HandledUpdate

logger = logging.getLogger(__name__)


class HandleOnce(BaseMiddleware):
    """An inner middleware of each observer: it runs only when a handler matched, so the
    many updates nothing handles (plain group messages) cost no database round trip.
    Needs the update's session from SessionPerUpdate."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        update = data.get("event_update")
        if not isinstance(update, Update):
            return await handler(event, data)
        session: AsyncSession = data["session"]
        if locks_rows(session):
            # Inserted at once, so the unique key answers whether the update was handled:
            # before (a redelivery), or by a replica that got it too (a webhook resent while
            # the first try still runs: this insert waits for that one's commit, then
            # fails). No SELECT first: one round trip less per update.
            session.add(HandledUpdate(update_id=update.update_id, handled_at=self._clock()))
            try:
                await session.flush()
            except IntegrityError:
                await session.rollback()
                logger.info(
                    "update=%s was handled before, or a replica has it; skipped", update.update_id
                )
                return UNHANDLED
            return await handler(event, data)
        # On SQLite one process handles updates one at a time, and writing this early would
        # hold the database's only write lock for the whole handler: it goes in with the
        # handler's own commit.
        if await session.get(HandledUpdate, update.update_id) is not None:
            logger.info("update=%s was handled before; skipped", update.update_id)
            return UNHANDLED
        session.add(HandledUpdate(update_id=update.update_id, handled_at=self._clock()))
        return await handler(event, data)
