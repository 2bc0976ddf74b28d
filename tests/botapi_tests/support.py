"""Checks that the fake's JSON is what aiogram (and so Telegram's schema) expects."""

from __future__ import annotations

import io
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Downloadable, TelegramObject, Update

# fields telegram-bot-api still sends that aiogram no longer models
LEGACY_FIELDS = frozenset({"thumb", "new_chat_participant", "left_chat_participant"})


def unknown_fields(value: Any, path: str = "update") -> list[str]:
    """Every field aiogram kept only as an "extra": a misspelt or invented key."""
    found: list[str] = []
    if isinstance(value, TelegramObject):
        extra = set(value.model_extra or {}) - LEGACY_FIELDS
        found += [f"{path}.{name}" for name in sorted(extra)]
        for name in type(value).model_fields:
            found += unknown_fields(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += unknown_fields(item, f"{path}[{index}]")
    return found


def parsed(update: dict[str, Any], bot: Bot) -> Update:
    """The update as aiogram sees it; fails on fields aiogram does not know."""
    model = Update.model_validate(update, context={"bot": bot})
    assert unknown_fields(model) == []
    return model


async def rejected(call: Any, error: type[Exception]) -> str:
    """Awaits a call that must fail and returns Telegram's description."""
    with pytest.raises(error) as info:
        await call
    return str(info.value.message)  # type: ignore[attr-defined]


async def downloaded(bot: Bot, file: Downloadable | str) -> bytes:
    """The file's bytes, fetched the way a bot does: getFile, then the download URL."""
    buffer = await bot.download(file)
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue()
