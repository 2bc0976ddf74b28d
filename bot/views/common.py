"""Pieces shared by several answers."""

from __future__ import annotations

from aiogram.utils.text_decorations import html_decoration as hd


def email_deep_link(bot_username: str) -> str:
    return f"https://t.me/{bot_username}?start=email"


def person_html(name: str, username: str | None) -> str:
    shown = hd.quote(name)
    return f"{shown} (@{hd.quote(username)})" if username else shown
