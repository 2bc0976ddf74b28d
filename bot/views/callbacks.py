"""Callback data of the bot's buttons (Telegram allows 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class JoinAgreement(CallbackData, prefix="join"):
    agreement_id: int


class AgreementsPage(CallbackData, prefix="list"):
    page: int
    mine: bool = False  # a person's own list in a private chat, not a chat's


class ShowChanges(CallbackData, prefix="diff"):
    agreement_id: int


class AcceptVersion(CallbackData, prefix="accept"):
    version_id: int
