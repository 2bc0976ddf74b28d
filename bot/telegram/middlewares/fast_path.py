"""Takes plain chat messages off the dispatcher's path.

Nearly every update a work chat sends is a plain message: no handler answers it, and all
the bot does is journal it. Running each through the session, language, metrics-timing
and routing middlewares cost about three times what aiogram itself spends on an update,
so this outermost middleware journals such a message, counts it and stops there (it is
counted in ``agreement_bot_updates_total``, not timed in the handler-latency histogram).

A message is plain when it is no command: every message handler in ``bot.telegram.routers`` is
behind a command filter (``tests/unit/test_fast_path.py`` holds them to that).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import Message, TelegramObject, Update

from bot.metrics import UPDATES
from bot.telegram.middlewares.journaling import MessageJournaling
from bot.telegram.middlewares.last_handled import LastHandledUpdate
from bot.telegram.middlewares.topic_names import TopicNameLearner

COMMAND_PREFIX = "/"


def is_plain(message: Message) -> bool:
    """No handler takes it: it doesn't begin with a command (aiogram skips whitespace)."""
    text = message.text or message.caption
    return not (text and text.lstrip().startswith(COMMAND_PREFIX))


class PlainMessageFastPath(BaseMiddleware):
    def __init__(
        self,
        handled: LastHandledUpdate,
        topics: TopicNameLearner,
        journal: MessageJournaling | None,
    ) -> None:
        self._handled = handled
        self._topics = topics
        self._journal = journal
        self._counted = UPDATES.labels("message")

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update) or event.message is None or not is_plain(event.message):
            return await handler(event, data)
        message = event.message
        await self._topics.learn(message)
        if self._journal is not None:
            self._journal.note(message)
        self._counted.inc()
        self._handled.note(event.update_id)
        return UNHANDLED
