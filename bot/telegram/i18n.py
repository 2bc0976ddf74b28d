"""Translations for chat answers: gettext catalogs under locales/, domain "bot"."""

from __future__ import annotations

from aiogram.utils.i18n import I18n

from bot.paths import LOCALES_DIR

DOMAIN = "bot"


def create_i18n() -> I18n:
    return I18n(path=LOCALES_DIR, default_locale="en", domain=DOMAIN)


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated later, per language."""
    return message
