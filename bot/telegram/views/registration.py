"""Answers about registering an email address, in the current locale."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.text_decorations import html_decoration as hd

from bot.core.timefmt import format_both
from bot.registration.service import (
    CODE_LIFETIME,
    CodeRequest,
    CodeRequestResult,
    EmailStatus,
    Verification,
    VerificationResult,
)
from bot.telegram.views.common import email_deep_link
from bot.telegram.views.terms import acceptance_notice, accepted, not_yet_accepted


def welcome() -> str:
    return _(
        "Hi! I record agreements made in work chats and email an unchangeable copy to "
        "every party.\n\n"
        "1. Register your email here: <code>/email name@example.com</code>\n"
        "2. In a work chat, reply <code>/agree</code> to the message that holds the agreement.\n\n"
        "If the message is edited later, the original stays on record."
    )


def group_welcome(bot_username: str) -> tuple[str, InlineKeyboardMarkup]:
    text = _(
        "I record agreements made in this chat and email an unchangeable copy to every party.\n\n"
        "• Reply <code>/agree</code> to the message that holds the agreement (optionally with "
        "a title: <code>/agree Stage 1</code>).\n"
        '• Others join with the "I agree" button under my answer.\n'
        "• <code>/agreements</code> lists what was recorded here.\n\n"
        "To receive the records, set up your email in a private chat with me."
    )
    return text, email_keyboard(bot_username)


def email_keyboard(bot_username: str) -> InlineKeyboardMarkup:
    """One button that opens the private chat at the email prompt."""
    button = InlineKeyboardButton(text=_("Set up my email"), url=email_deep_link(bot_username))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def help_text(reaction: str | None, *, private: bool) -> str:
    """Every command, for a group and for a private chat; ``reaction`` marks too (None: it
    marks nothing here)."""
    parts = [
        _(
            "<b>In a work chat</b> (a group with me in it):\n"
            "• Reply <code>/agree</code> to the message that holds the agreement; a title may "
            "follow: <code>/agree Stage 1</code>."
        )
    ]
    if reaction is not None:
        parts.append(
            _(
                "• Or react to that message with {reaction} (I see reactions only as an "
                "administrator of the group)."
            ).format(reaction=hd.quote(reaction))
        )
    parts.append(
        _(
            '• Others join with the "I agree" button under my answer.\n'
            "• <code>/agreements</code> lists the agreements recorded in the chat.\n"
            "• <code>/history 3</code> shows every version of agreement #3."
        )
    )
    parts.append(
        _(
            "• Administrators: <code>/archive</code> sets up an address (a CRM's inbox, say) "
            "that gets a copy of every record, alert and amendment of the chat; the address "
            "is given in a private chat with me and never shown in the group."
        )
    )
    parts.append("")
    parts.append(
        _("<b>Here, in our private chat:</b>")
        if private
        else _("<b>In a private chat with me:</b>")
    )
    parts.append(
        _(
            "• <code>/email</code> with your address sets where your records go; "
            "<code>/email</code> alone shows it.\n"
            "• <code>/verify</code> with the code I email you confirms the address.\n"
            "• <code>/agreements</code> lists the agreements you are a party to."
        )
    )
    parts.append(
        _(
            "• <code>/terms</code> shows the signing terms: which of your actions count as "
            "your signature."
        )
    )
    parts.append(
        _(
            "• <code>/unsubscribe</code> stops my emails; <code>/subscribe</code> starts "
            "them again."
        )
    )
    return "\n".join(parts)


def email_prompt() -> str:
    return _(
        "Send me your address like this: <code>/email name@example.com</code>. "
        "I'll email you a 6-digit code to confirm it."
    )


def email_status(status: EmailStatus, zone: ZoneInfo) -> str:
    lines = []
    if status.verified_address:
        lines.append(
            _("Your verified email: <b>{address}</b>.").format(
                address=hd.quote(status.verified_address)
            )
        )
        if status.unsubscribed:
            lines.append(_("Emails to it are stopped; send /subscribe to get them again."))
    else:
        lines.append(_("You have no verified email yet."))
    if status.pending_address and status.pending_expires_at:
        lines.append(
            _(
                "A code was sent to <b>{address}</b>; it is valid until {time}. "
                "Send <code>/verify 123456</code> with the code from the email."
            ).format(
                address=hd.quote(status.pending_address),
                time=format_both(status.pending_expires_at, zone),
            )
        )
    if status.verified_address and not status.terms_accepted:
        lines.append(not_yet_accepted())
    lines.append(_("To set an address: <code>/email name@example.com</code>."))
    return "\n".join(lines)


def code_request(result: CodeRequestResult, zone: ZoneInfo) -> str:
    address = hd.quote(result.address or "")
    if result.outcome is CodeRequest.SENT:
        text = _(
            "I've sent a 6-digit code to <b>{address}</b>. Send it back as "
            "<code>/verify 123456</code>. The code is valid for {minutes} minutes."
        ).format(address=address, minutes=int(CODE_LIFETIME.total_seconds() // 60))
        if result.terms is not None:
            text += "\n\n" + acceptance_notice(result.terms)
        return text
    if result.outcome is CodeRequest.ALREADY_VERIFIED:
        return _("<b>{address}</b> is already your verified email.").format(address=address)
    if result.outcome is CodeRequest.RATE_LIMITED:
        assert result.retry_at is not None
        return _(
            "Too many codes were requested for your account or for this address. "
            "You can ask for a new one after {time}."
        ).format(time=format_both(result.retry_at, zone))
    if result.outcome is CodeRequest.NON_ASCII_ADDRESS:
        return _(
            "Addresses with non-Latin letters before the @ can't be used: not every mail "
            "server delivers them. Please send another address."
        )
    return _(
        "That doesn't look like a valid email address. Please send it like this: "
        "<code>/email name@example.com</code>."
    )


def verification(result: VerificationResult) -> str:
    outcome = result.outcome
    if outcome is Verification.VERIFIED:
        text = _("✅ <b>{address}</b> is verified. Agreements will be emailed there.").format(
            address=hd.quote(result.address or "")
        )
        if result.released:
            text += "\n" + ngettext(
                "I'm sending you {count} agreement that was waiting for your address.",
                "I'm sending you {count} agreements that were waiting for your address.",
                result.released,
            ).format(count=result.released)
        if result.terms is not None:
            text += "\n" + accepted(result.terms)
        if result.unsubscribed:
            text += "\n" + _(
                "This address unsubscribed from my emails, so nothing goes there until you "
                "send /subscribe."
            )
        return text
    if outcome is Verification.NO_PENDING:
        return _(
            "There is no code waiting for confirmation. First send "
            "<code>/email name@example.com</code>."
        )
    if outcome is Verification.MALFORMED:
        return _("The code is 6 digits, like this: <code>/verify 123456</code>.")
    if outcome is Verification.EXPIRED:
        return _(
            "This code has expired. Ask for a new one with <code>/email name@example.com</code>."
        )
    if outcome is Verification.EXHAUSTED:
        return _(
            "Too many wrong attempts: this code no longer works. Ask for a new one with "
            "<code>/email name@example.com</code>."
        )
    return ngettext(
        "Wrong code. {count} attempt left.",
        "Wrong code. {count} attempts left.",
        result.attempts_left,
    ).format(count=result.attempts_left)


def go_private(bot_username: str) -> tuple[str, InlineKeyboardMarkup]:
    """In a group nobody should post an address or a code: send them to a private chat."""
    text = _("Email addresses are set up in a private chat with me, so they stay private.")
    return text, email_keyboard(bot_username)


def mail_undelivered(address: str, reason: str) -> str:
    return _(
        "⚠️ An email to <b>{address}</b> could not be delivered, and won't be: {reason}\n"
        "Records can't reach you there. Set another address with "
        "<code>/email name@example.com</code>; waiting agreements are then sent to it."
    ).format(address=hd.quote(address), reason=hd.quote(reason[:300]))


def code_undelivered(address: str) -> str:
    """Without the server's answer: the requester has not shown the address is theirs."""
    return _(
        "⚠️ The code could not be sent: <b>{address}</b> can't be reached. Check the "
        "address and send it again: <code>/email name@example.com</code>."
    ).format(address=hd.quote(address))
