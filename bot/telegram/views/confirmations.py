"""What the chat is told when an invited address confirms or refuses, in the current
locale (the agreement card's). The address is always masked."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration as hd

from bot.confirmations.notices import ChatNotice, Happened
from bot.edits.notices import AcceptedByEmail


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


def accepted_text(notice: AcceptedByEmail) -> str:
    """A confirmed address accepted the new version by email: the amendment it completed,
    or whom the version still waits for."""
    address = hd.quote(notice.masked_address)
    if notice.amendment_label is not None:
        return _(
            "📝 <b>Amendment #{label} recorded</b>: {address} accepted the new version of "
            "agreement #{number} by email, the last acceptance it needed. It is now the agreed "
            "text and has been emailed to the parties.\nDigest: <code>{digest}</code>"
        ).format(
            label=notice.amendment_label,
            address=address,
            number=notice.number,
            digest=notice.digest,
        )
    waiting = [hd.quote(name) for name in notice.waiting_for]
    waiting += [hd.quote(other) for other in notice.waiting_by_email]
    return _(
        "✅ {address} accepted the new version of agreement #{number} by email. "
        "Still waiting for: {names}."
    ).format(address=address, number=notice.number, names=", ".join(waiting))
