"""Callback data of the bot's buttons (Telegram allows 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class JoinAgreement(CallbackData, prefix="join"):
    agreement_id: int


class AgreementsPage(CallbackData, prefix="list"):
    page: int


class ShowChanges(CallbackData, prefix="diff"):
    agreement_id: int


class AcceptVersion(CallbackData, prefix="accept"):
    version_id: int
