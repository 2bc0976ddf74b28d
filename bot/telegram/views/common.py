"""Pieces shared by several answers."""

from __future__ import annotations

from aiogram.utils.text_decorations import html_decoration as hd

from bot.core.people import TELEGRAM_LINKS


def email_deep_link(bot_username: str) -> str:
    return f"{TELEGRAM_LINKS}/{bot_username}?start=email"


def person_html(name: str, username: str | None) -> str:
    shown = hd.quote(name)
    return f"{shown} (@{hd.quote(username)})" if username else shown


def utf16_length(text: str) -> int:
    """Telegram measures texts in UTF-16 code units (an emoji is often two)."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """At most ``limit`` UTF-16 units, with an ellipsis when cut."""
    if utf16_length(text) <= limit:
        return text
    kept = text.encode("utf-16-le")[: (limit - 1) * 2].decode("utf-16-le", errors="ignore")
    return kept + "…"
