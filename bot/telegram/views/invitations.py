"""Answers about inviting an address by email, in the current locale. An address is only
ever shown masked (c…@example.com)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.text_decorations import html_decoration as hd

from bot.agreements.invitations import Invitation, Invited


def invitation_text(invitation: Invitation) -> str:
    address = f"<code>{hd.quote(invitation.address or '')}</code>"
    number = invitation.number
    limit = invitation.limit or 0
    texts = {
        Invited.INVITED: _(
            "📧 Invitation mailed to {address} for agreement #{number}. The address becomes "
            "a party once its owner confirms from the email."
        ),
        Invited.ALREADY_INVITED: _(
            "{address} was already invited to agreement #{number}: no second mail goes there."
        ),
        Invited.REFUSED_ADDRESS: _(
            "The owner of {address} refused mail from this bot: no invitation goes there."
        ),
        Invited.NOT_A_PARTY: _("Only a party to agreement #{number} can invite by email."),
        Invited.UNKNOWN_AGREEMENT: _("This agreement no longer exists in this chat."),
        Invited.INVALID_ADDRESS: _(
            "That is not an email address I can send to, so nobody was invited. Check it for "
            "typos and send /agree with it again."
        ),
        Invited.NON_ASCII_ADDRESS: _(
            "I can only send to addresses written in Latin letters before the @, so nobody "
            "was invited."
        ),
        Invited.NO_WEB_PAGES: no_web_pages(),
        Invited.USER_LIMIT: ngettext(
            "You have sent {limit} invitation in the last 24 hours, the most one person may. "
            "Nobody was invited; try again tomorrow.",
            "You have sent {limit} invitations in the last 24 hours, the most one person may. "
            "Nobody was invited; try again tomorrow.",
            limit,
        ),
        Invited.CHAT_LIMIT: ngettext(
            "This chat has sent {limit} invitation in the last 24 hours, the most one chat "
            "may. Nobody was invited; try again tomorrow.",
            "This chat has sent {limit} invitations in the last 24 hours, the most one chat "
            "may. Nobody was invited; try again tomorrow.",
            limit,
        ),
        Invited.ADDRESS_LIMIT: ngettext(
            "{address} was invited {limit} time this week, the most the bot mails one address. "
            "Nobody was invited; try again next week.",
            "{address} was invited {limit} times this week, the most the bot mails one address. "
            "Nobody was invited; try again next week.",
            limit,
        ),
    }
    return texts[invitation.outcome].format(address=address, number=number, limit=limit)


def no_web_pages() -> str:
    return _(
        "Invitations by email can't be sent by this bot yet: their confirm links open its web "
        "pages, and the bot's operator must set WEB_BASE_URL first. Nothing was recorded or "
        "invited."
    )


def command_deleted() -> str:
    return _("🔒 I deleted your message, so the address is no longer visible in this chat.")


def command_visible() -> str:
    return _(
        "⚠️ Everyone in this chat can see the address in your message: I may not delete "
        "messages here. Delete it yourself if it should stay private. Next time, add the "
        "address in the app (/agreements → 📋 Review in the app → the agreement → Add by "
        "email): it never shows there in the chat. Or make me an administrator with the "
        "right to delete messages."
    )
