"""Answers follow the user's Telegram language: Russian for ru, English otherwise."""

from __future__ import annotations

from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18nMiddleware

from bot.core.people import language_for


class UserLanguage(I18nMiddleware):
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("event_from_user")
        return language_for(user.language_code if user else None)
