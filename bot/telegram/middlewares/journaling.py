"""Notes every group message and edit in the journal before the handlers run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject

from bot.core.addresses import address_and_rest
from bot.core.people import GROUP_TYPES
from bot.journal.journal import Journal
from bot.telegram.adapters import marked_message_from


class MessageJournaling(BaseMiddleware):
    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message):
            self.note(event)
        return await handler(event, data)

    def note(self, message: Message) -> None:
        if message.chat.type not in GROUP_TYPES:
            return
        if _names_an_address(message):
            return  # /agree client@example.com: the address is deleted, and kept nowhere
        seen = marked_message_from(message)
        # Kept are the text messages that could be agreed later by a reaction: not
        # service messages, posts made as a chat, or media (whose file it doesn't keep).
        if not (seen.is_service or seen.author_chat or seen.media):
            self._journal.note(message.chat.id, seen)


def _names_an_address(message: Message) -> bool:
    """An ``/agree`` whose arguments start with an address (bot/core/addresses.py)."""
    words = (message.text or "").split(None, 1)
    if len(words) < 2 or words[0].split("@", 1)[0] != "/agree":
        return False
    return address_and_rest(words[1])[0] is not None
