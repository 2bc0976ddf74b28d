"""What the chat is told when an invited address confirms or refuses, in the current
locale (the agreement card's). The address is always masked."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration as hd

from bot.confirmations.notices import ChatNotice, Happened


def notice_text(notice: ChatNotice) -> str:
    address = hd.quote(notice.masked_address)
    if notice.happened is Happened.CONFIRMED:
        return _(
            "✅ Agreement #{number} was confirmed by email by {address}. The confirmation is "
            "recorded in this chat's chain, and every party gets it by email."
        ).format(number=notice.number, address=address)
    adder = hd.link(hd.quote(notice.added_by_name), f"tg://user?id={notice.added_by_id}")
    return _(
        "🚫 {adder}, the address {address} you added to agreement #{number} answered "
        "“this is not me / don't write to me again”. The bot will not write to it again "
        "about what you add."
    ).format(adder=adder, address=address, number=notice.number)
