"""Refusals of people who may not mark or join (plain text: also callback answers)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.agreements.limits import Limited, Scope


def not_a_member() -> str:
    return _("Only members of this chat can record or join its agreements.")


def membership_unknown() -> str:
    return _("I could not check that you are a member of this chat. Please try again shortly.")


def too_many(limited: Limited) -> str:
    seconds = limited.retry_after
    if limited.scope is Scope.CHAT:
        text = ngettext(
            "Too many agreements in this chat at once; try again in {seconds} second.",
            "Too many agreements in this chat at once; try again in {seconds} seconds.",
            seconds,
        )
    else:
        text = ngettext(
            "Too many agreements at once; try again in {seconds} second.",
            "Too many agreements at once; try again in {seconds} seconds.",
            seconds,
        )
    return text.format(seconds=seconds) + " " + _("Nothing was recorded.")
