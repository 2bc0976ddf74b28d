"""Answers about a chat's archive address, in the current locale. In a group they never
name the address: only administrators see it, in their private chat with the bot."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.text_decorations import html_decoration as hd

from bot.archives.service import (
    CodeRequest,
    CodeRequestResult,
    Confirmation,
    ConfirmationResult,
)
from bot.archives.store import ArchiveView
from bot.core.people import TELEGRAM_LINKS
from bot.core.timefmt import format_both
from bot.registration.service import CODE_LIFETIME
from bot.telegram.views.callbacks import RemoveArchive
from bot.telegram.views.common import clip

DEEP_LINK_PREFIX = "archive"
TITLE_LIMIT = 60  # a chat's title in a line or on a button


def deep_link(bot_username: str, chat_id: int) -> str:
    """Opens the private chat at this chat's archive: ``archive-100…`` (a group's id is
    negative; Telegram allows letters, digits, "_" and "-" there)."""
    return f"{TELEGRAM_LINKS}/{bot_username}?start={DEEP_LINK_PREFIX}{chat_id}"


def _title(view: ArchiveView) -> str:
    return hd.quote(clip(view.chat_title, TITLE_LIMIT) or str(view.chat_id))


def in_group(view: ArchiveView, *, admin: bool) -> str:
    """The group's answer to /archive: whether one is set, never which."""
    if view.address is not None:
        lines = [
            _(
                "This chat has an archive address: a copy of every agreement record, edit "
                "alert and amendment here is emailed to it."
            )
        ]
    else:
        lines = [
            _(
                "This chat has no archive address. One (for example, a CRM's inbox) would "
                "receive a copy of every agreement record, edit alert and amendment here."
            )
        ]
    if admin:
        lines.append(
            _(
                "Administrators set, see and remove it in a private chat with me, so the "
                "address is never posted here."
            )
        )
    else:
        lines.append(_("Only the chat's administrators can set or remove it."))
    return "\n\n".join(lines)


def group_keyboard(bot_username: str, chat_id: int) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=_("Set up the archive address"), url=deep_link(bot_username, chat_id)
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def anonymous_admin() -> str:
    return _(
        "Send <code>/archive</code> as yourself, not anonymously: I need to know which "
        "administrator asks."
    )


def admin_unknown() -> str:
    return _(
        "I could not check that you are an administrator of that chat. Please try again shortly."
    )


def not_admin() -> str:
    return _("Only administrators of that chat can set or remove its archive address.")


def unknown_chat() -> str:
    return _(
        "I don't know that chat. Send <code>/archive</code> in the group, then press the "
        "button under my answer."
    )


def choose_first() -> str:
    return _(
        "First choose the chat: send <code>/archive</code> in the group and press the button "
        "under my answer. Then send the address here."
    )


def chosen(view: ArchiveView, zone: ZoneInfo) -> str:
    """The private chat, opened from the group's button."""
    lines = [_("<b>Archive address of «{title}»</b>").format(title=_title(view))]
    if view.address is not None and view.set_at is not None:
        lines.append(
            _("Now: <b>{address}</b>, set {time}.").format(
                address=hd.quote(view.address), time=format_both(view.set_at, zone)
            )
        )
    else:
        lines.append(_("None is set."))
    lines.append(
        _(
            "It receives a copy of every agreement record, edit alert and amendment of the "
            "chat from the moment it is set, one thread per agreement, with subjects that "
            "name the chat and the agreement's number."
        )
    )
    lines.append(
        _(
            "To set a new one, send it like this: <code>/archive crm@example.com</code>. "
            "I'll email a 6-digit code there; send it back as <code>/archive 123456</code>."
        )
    )
    return "\n\n".join(lines)


def remove_keyboard(views: list[ArchiveView]) -> InlineKeyboardMarkup | None:
    """A "remove" button per chat with an archive."""
    rows = [
        [
            InlineKeyboardButton(
                text=_("Remove: {title}").format(title=clip(view.chat_title, TITLE_LIMIT)),
                callback_data=RemoveArchive(chat_id=view.chat_id).pack(),
            )
        ]
        for view in views
        if view.address is not None
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def code_request(result: CodeRequestResult, zone: ZoneInfo) -> str:
    address = hd.quote(result.address or "")
    title = hd.quote(clip(result.chat_title, TITLE_LIMIT))
    if result.outcome is CodeRequest.SENT:
        return _(
            "I've sent a 6-digit code to <b>{address}</b> to make it the archive address of "
            "«{title}». Send it back as <code>/archive 123456</code>. The code is valid for "
            "{minutes} minutes."
        ).format(address=address, title=title, minutes=int(CODE_LIFETIME.total_seconds() // 60))
    if result.outcome is CodeRequest.ALREADY_SET:
        return _("<b>{address}</b> is already the archive address of «{title}».").format(
            address=address, title=title
        )
    if result.outcome is CodeRequest.RATE_LIMITED:
        assert result.retry_at is not None
        return _(
            "Too many codes were requested by you or for this address. You can ask for a new "
            "one after {time}."
        ).format(time=format_both(result.retry_at, zone))
    if result.outcome is CodeRequest.NO_SETUP:
        return choose_first()
    if result.outcome is CodeRequest.NON_ASCII_ADDRESS:
        return _(
            "Addresses with non-Latin letters before the @ can't be used: not every mail "
            "server delivers them. Please send another address."
        )
    return _(
        "That doesn't look like a valid email address. Send it like this: "
        "<code>/archive crm@example.com</code>."
    )


def confirmation(result: ConfirmationResult) -> str:
    outcome = result.outcome
    if outcome is Confirmation.SET:
        assert result.archive is not None
        return _(
            "✅ <b>{address}</b> is now the archive address of «{title}». From now on it "
            "receives a copy of every agreement record, edit alert and amendment of the chat."
        ).format(address=hd.quote(result.archive.address or ""), title=_title(result.archive))
    if outcome is Confirmation.NO_PENDING:
        return no_code_waiting()
    if outcome is Confirmation.MALFORMED:
        return _("The code is 6 digits, like this: <code>/archive 123456</code>.")
    if outcome is Confirmation.EXPIRED:
        return _("This code has expired. Send the address again for a new one.")
    if outcome is Confirmation.EXHAUSTED:
        return _(
            "Too many wrong attempts: this code no longer works. Send the address again for "
            "a new one."
        )
    return ngettext(
        "Wrong code. {count} attempt left.",
        "Wrong code. {count} attempts left.",
        result.attempts_left,
    ).format(count=result.attempts_left)


def no_code_waiting() -> str:
    return _(
        "There is no archive code waiting for confirmation. First send the address: "
        "<code>/archive crm@example.com</code>."
    )


def archive_list(views: list[ArchiveView], zone: ZoneInfo) -> str:
    """The private /archive: the archives of the chats the person administers now."""
    if not views:
        return _(
            "None of the chats you administer has an archive address that I know of. To set "
            "one, send <code>/archive</code> in the group."
        )
    lines = [_("<b>Archive addresses of the chats you administer:</b>")]
    for view in views:
        assert view.address is not None and view.set_at is not None
        lines.append(
            _("• «{title}»: <b>{address}</b>, set {time}").format(
                title=_title(view),
                address=hd.quote(view.address),
                time=format_both(view.set_at, zone),
            )
        )
    lines.append("")
    lines.append(_("To set or change one, send <code>/archive</code> in that group."))
    return "\n".join(lines)


def removed(view: ArchiveView | None) -> str:
    if view is None or view.address is None:
        return _("That chat has no archive address.")
    return _(
        "The archive address of «{title}» is removed: nothing more goes to <b>{address}</b>, "
        "not even mails that were waiting to be sent."
    ).format(title=_title(view), address=hd.quote(view.address))


def removed_short() -> str:
    """The answer to the button (plain text)."""
    return _("Archive address removed.")


def group_notice_set() -> str:
    return _(
        "🗄 An administrator set an archive address for this chat. From now on a copy of "
        "every agreement record, edit alert and amendment here is emailed there too. Only "
        "administrators see the address."
    )


def group_notice_removed() -> str:
    return _("🗄 An administrator removed this chat's archive address: copies no longer go there.")
