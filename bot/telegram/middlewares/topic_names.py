"""Learns forum topics' names from the messages in them, for the emails.

The Bot API has no call that names a topic; every message in one carries the topic's
opening message (forum_topic_created) as its reply, and renames come as service messages.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.directory import remember_topic


class TopicNameLearner(BaseMiddleware):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._known: dict[tuple[int, int], str] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message):
            await self.learn(event)
        return await handler(event, data)

    async def learn(self, message: Message) -> None:
        """Stores the topic's name when this message tells a new one."""
        if not (message.is_topic_message and message.message_thread_id):
            return
        name = _topic_name(message)
        key = (message.chat.id, message.message_thread_id)
        if name is not None and self._known.get(key) != name:
            # Its own short transaction: a plain message has no handler that commits.
            async with self._session_factory() as session:
                await remember_topic(session, *key, name)
                with contextlib.suppress(IntegrityError):  # learnt meanwhile elsewhere
                    await session.commit()
            self._known[key] = name


def _topic_name(message: Message) -> str | None:
    for source in (message, message.reply_to_message):
        if source is None:
            continue
        if source.forum_topic_edited is not None and source.forum_topic_edited.name:
            return source.forum_topic_edited.name
        if source.forum_topic_created is not None:
            return source.forum_topic_created.name
    return None
