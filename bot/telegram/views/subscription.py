"""Answers to /unsubscribe and /subscribe, in the current locale. The address is the
user's own, shown in their private chat as /email shows it."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.text_decorations import html_decoration as hd

from bot.registration.subscription import MailState


def no_address() -> str:
    return _(
        "You have no verified email, so I send you no emails. To receive the records: "
        "<code>/email name@example.com</code>."
    )


def stopped(state: MailState) -> str:
    if state.address is None:
        return no_address()
    address = hd.quote(state.address)
    first = (
        _("✅ No more emails to <b>{address}</b>.")
        if state.changed
        else _("Emails to <b>{address}</b> were already stopped.")
    )
    return "\n".join(
        [
            first.format(address=address),
            _(
                "Your agreements stay yours: /agreements lists them, and the record pages "
                "and evidence packs still work. Send /subscribe to get emails again."
            ),
        ]
    )


def started(state: MailState) -> str:
    if state.address is None:
        return no_address()
    address = hd.quote(state.address)
    if not state.changed:
        return _(
            "Emails to <b>{address}</b> are on; nothing to change. Send /unsubscribe to stop them."
        ).format(address=address)
    text = _("✅ Emails to <b>{address}</b> are on again.").format(address=address)
    if state.released:
        text += "\n" + ngettext(
            "I'm sending you {count} agreement you missed meanwhile.",
            "I'm sending you {count} agreements you missed meanwhile.",
            state.released,
        ).format(count=state.released)
    return text
