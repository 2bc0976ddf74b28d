"""One database session per update, closed when the handler is done.

On SQLite the update also holds the process' write turn while it is handled (db/gate.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.gate import write_gate


class SessionPerUpdate(BaseMiddleware):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._gate = write_gate(session_factory)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self._gate.turn(), self._session_factory() as session:
            data["session"] = session
            return await handler(event, data)
