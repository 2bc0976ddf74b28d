"""What the bot says about business connections and deleted agreed messages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from bot.business.service import Deletion
from bot.core.timefmt import format_both
from bot.telegram.views.common import person_html


def connected(can_reply: bool) -> str:
    where = (
        _("I answer in that chat.")
        if can_reply
        else _(
            "I may not reply in your chats (Telegram Business → Chatbots → reply rights), so "
            "I answer here."
        )
    )
    return "\n".join(
        (
            _("🔗 <b>Connected to your Telegram Business account.</b>"),
            _(
                "To record an agreement in a chat with a client, reply /agree to the message "
                "there (a title may follow: /agree Stage 1). Both of you are parties; each gets "
                "the record by email once they have registered an address with me."
            ),
            where,
            _("Messages sent before the connection existed can't be tracked."),
        )
    )


def disconnected() -> str:
    return _(
        "🔌 <b>The connection to your Telegram Business account was switched off.</b> I no "
        "longer see your chats, so edits and deletions there are not tracked any more. The "
        "agreements recorded so far and their emails stay valid."
    )


def rights_changed(can_reply: bool) -> str:
    if can_reply:
        return _("🔗 I may now reply in your business chats, so I answer there.")
    return _("🔗 I may no longer reply in your business chats, so I answer here.")


def in_chat_with(client_name: str, text: str) -> str:
    """An answer meant for a business chat, sent to the owner instead."""
    heading = _("In your chat with {client}:").format(client=person_html(client_name, None))
    return f"{heading}\n\n{text}"


def deleted(deletion: Deletion, zone: ZoneInfo) -> str:
    return _(
        "🗑 <b>The message of agreement #{number} was deleted</b> at {time}. The record "
        "stands: the parties have it by email."
    ).format(number=deletion.number, time=format_both(deletion.deleted_at, zone))
