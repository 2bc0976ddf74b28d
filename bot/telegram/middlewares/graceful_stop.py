"""Lets the update being handled finish when the bot stops.

With ``handle_as_tasks=False`` aiogram handles an update inside its polling task, and a
stop cancels that task: the handler would be cut off halfway, after its commit but before
its answer, say. This outermost middleware runs the handling as a task of its own that
the cancellation does not reach, and waits up to ``grace`` seconds for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

logger = logging.getLogger(__name__)


class GracefulStop(BaseMiddleware):
    def __init__(self, grace: float) -> None:
        self._grace = grace

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        handling = asyncio.ensure_future(handler(event, data))
        try:
            return await asyncio.shield(handling)
        except asyncio.CancelledError:
            if handling.done():
                raise
            update_id = event.update_id if isinstance(event, Update) else None
            logger.info("stopping: finishing update=%s first", update_id)
            done, _ = await asyncio.wait({handling}, timeout=self._grace)
            if not done:
                logger.warning(
                    "update=%s still running after %.0f s; cut off", update_id, self._grace
                )
                handling.cancel()
                await asyncio.wait({handling}, timeout=1)  # let it close its session
            elif not handling.cancelled() and (error := handling.exception()) is not None:
                logger.error("update=%s failed while stopping", update_id, exc_info=error)
            raise
