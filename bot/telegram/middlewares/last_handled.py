"""Remembers the last update handled, so a clean stop can confirm it to Telegram.

aiogram confirms an update only with the next getUpdates; on a stop there is none, so
without this the last update would be handled a second time after a restart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update


class LastHandledUpdate(BaseMiddleware):
    def __init__(self) -> None:
        self.last_update_id: int | None = None

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        # Not on an error or a cut-off handler: Telegram must deliver that update again.
        result = await handler(event, data)
        if isinstance(event, Update):
            self.note(event.update_id)
        return result

    def note(self, update_id: int) -> None:
        self.last_update_id = max(self.last_update_id or 0, update_id)

    async def confirm(self, bot: Bot) -> None:
        """Tell Telegram that everything up to the last handled update is done."""
        if self.last_update_id is not None:
            await bot.get_updates(offset=self.last_update_id + 1, limit=1, timeout=0)
