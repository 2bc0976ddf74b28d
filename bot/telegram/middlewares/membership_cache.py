"""Drops cached membership answers (bot/telegram/membership.py) when the bot learns they changed.

Two sources, both cheap: the service messages Telegram sends every bot in a group when
someone joins or leaves (not in every group: large ones may hide them), and ``chat_member``
updates, which Telegram sends only to a group's administrators, and only when asked for
(bot/app.py asks). A ``chat_member`` update needs nothing else: it is counted and ends
here, with no database session; a service message goes on to be journaled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import Message, TelegramObject, Update

from bot.metrics import UPDATES
from bot.telegram.membership import Membership
from bot.telegram.middlewares.last_handled import LastHandledUpdate

CHAT_MEMBER = "chat_member"


class MembershipCacheInvalidation(BaseMiddleware):
    def __init__(self, membership: Membership, handled: LastHandledUpdate) -> None:
        self._membership = membership
        self._handled = handled
        self._counted = UPDATES.labels(CHAT_MEMBER)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        change = event.chat_member
        if change is not None:
            self._membership.forget(change.chat.id, change.new_chat_member.user.id)
            self._counted.inc()
            self._handled.note(event.update_id)
            return UNHANDLED
        if event.message is not None:
            self._forget_the_people_in(event.message)
        return await handler(event, data)

    def _forget_the_people_in(self, message: Message) -> None:
        people = list(message.new_chat_members or [])
        if message.left_chat_member is not None:
            people.append(message.left_chat_member)
        for person in people:
            self._membership.forget(message.chat.id, person.id)
