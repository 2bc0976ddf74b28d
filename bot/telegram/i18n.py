"""Translations for chat answers: gettext catalogs under locales/, domain "bot"."""

from __future__ import annotations

from aiogram.utils.i18n import I18n

from bot.core.phrases import N_
from bot.paths import LOCALES_DIR

__all__ = ["DOMAIN", "N_", "create_i18n"]

DOMAIN = "bot"


def create_i18n() -> I18n:
    return I18n(path=LOCALES_DIR, default_locale="en", domain=DOMAIN)
