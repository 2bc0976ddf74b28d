"""Answers about edits and amendments, in the current locale."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration as hd

from bot.core.diff import Diff, changes_only, with_markers
from bot.core.timefmt import format_clock, format_utc
from bot.edits.amendments import Acceptation, AcceptResult
from bot.edits.service import AlertView
from bot.telegram.views.callbacks import AcceptVersion, ShowChanges
from bot.telegram.views.common import clip, utf16_length

# Telegram shows at most 200 characters in a callback answer.
CALLBACK_TEXT_LIMIT = 200


def edit_alert(alert: AlertView, zone: ZoneInfo, *, acceptable: bool = True) -> str:
    """``acceptable``: the chat has the "Accept new version" button (groups do; business
    chats don't, where the bot speaks for the owner)."""
    number = alert.agreement_number
    if alert.edits_in_alert == 1:
        head = _("✏️ <b>The message of agreement #{number} was edited</b> at {time}.").format(
            number=number, time=format_clock(alert.last_edit_at, zone)
        )
    else:
        head = _(
            "✏️ <b>The message of agreement #{number} was edited {count} times</b>, last at {time}."
        ).format(
            number=number, count=alert.edits_in_alert, time=format_clock(alert.last_edit_at, zone)
        )
    if alert.amendment_label:
        stands = _("The agreed text stays the one of amendment #{label}.").format(
            label=alert.amendment_label
        )
    elif alert.mailed_at is not None:
        stands = _(
            "The agreed text stays the original one, emailed to the parties on {date}."
        ).format(date=format_utc(alert.mailed_at))
    else:
        stands = _("The agreed text stays the original one, recorded on {date}.").format(
            date=format_utc(alert.agreed_at)
        )
    if acceptable:
        note = _(
            'An edit is not an agreement: it becomes one only when every party presses "Accept '
            'new version". Edits of this message so far: {total}.'
        ).format(total=alert.total_edits)
    else:
        note = _(
            "An edit is not an agreement: the recorded text stands, and every party has it by "
            "email. Edits of this message so far: {total}."
        ).format(total=alert.total_edits)
    if alert.file_replaced:
        head += "\n" + _("📎 The attached file was replaced with another one.")
    return "\n".join((head, stands, note))


def edit_alert_keyboard(alert: AlertView) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("🔍 Show changes"),
                    callback_data=ShowChanges(agreement_id=alert.agreement_id).pack(),
                ),
                InlineKeyboardButton(
                    text=_("✅ Accept new version"),
                    callback_data=AcceptVersion(version_id=alert.latest_version_id).pack(),
                ),
            ]
        ]
    )


def changes_short(diff: Diff) -> str | None:
    """``[-old-]{+new+}`` with little context, if it fits a callback answer."""
    text = with_markers(changes_only(diff))
    return text if utf16_length(text) <= CALLBACK_TEXT_LIMIT else None


def diff_html(diff: Diff, context_words: int = 4, limit: int = 3000) -> str:
    """Struck-through removed words, underlined added ones; user text escaped."""
    pieces, length = [], 0
    for op, text in changes_only(diff, context_words=context_words):
        if length + utf16_length(text) > limit:
            text = clip(text, max(limit - length, 1))
        length += utf16_length(text)
        quoted = hd.quote(text)
        if op == "delete":
            pieces.append(f"<s>{quoted}</s>")
        elif op == "insert":
            # A space keeps "150" struck and "120" added from reading as one word.
            gap = " " if pieces and pieces[-1].startswith("<s>") else ""
            pieces.append(f"{gap}<u><b>{quoted}</b></u>")
        else:
            pieces.append(quoted)
        if length >= limit:
            break
    return "".join(pieces)


def diff_legend() -> str:
    return _("(struck out: removed; underlined: added)")


def changes_message(number: int, diff: Diff) -> str:
    """For a diff too long for a callback answer: struck-through and underlined words."""
    head = _("Changes against the agreed text of agreement #{number}:").format(number=number)
    return f"{head}\n{diff_html(diff)}\n<i>{diff_legend()}</i>"


def acceptance(result: AcceptResult) -> str:
    """Plain text: it is a callback answer."""
    number = result.agreement_number
    texts = {
        Acceptation.UNKNOWN: _("This version is not known in this chat."),
        Acceptation.NOT_A_PARTY: _("Only the parties of agreement #{number} can accept it."),
        Acceptation.OUTDATED: _(
            "The message was edited again since; accept the newest version under its alert."
        ),
        Acceptation.ALREADY_ACCEPTED: _("You have already accepted this version."),
        Acceptation.ALREADY_AMENDED: _("This version is already amendment #{label}."),
        Acceptation.ACCEPTED: _("Accepted. Waiting for: {names}."),
        Acceptation.AMENDED: _("Accepted by every party: amendment #{label} is recorded."),
    }
    if result.outcome is Acceptation.ACCEPTED and result.waiting_by_email:
        return clip(_waiting_by_email(result), CALLBACK_TEXT_LIMIT)
    text = texts[result.outcome].format(
        number=number, names=", ".join(result.waiting_for), label=result.amendment_label
    )
    return clip(text, CALLBACK_TEXT_LIMIT)


def _waiting_by_email(result: AcceptResult) -> str:
    """Someone who confirmed by email must accept too: they have a link in their mail."""
    addresses = ", ".join(result.waiting_by_email)
    if not result.waiting_for:
        return _(
            "Accepted. Waiting for {addresses}, who confirmed by email: the new version "
            "becomes an amendment once accepted from the link in their mail."
        ).format(addresses=addresses)
    return _("Accepted. Waiting for: {names}, and by email: {addresses}.").format(
        names=", ".join(result.waiting_for), addresses=addresses
    )


def amendment_recorded(result: AcceptResult) -> str:
    return _(
        "📝 <b>Amendment #{label} recorded</b>: every party accepted the new version of "
        "agreement #{number}. It is now the agreed text and has been emailed to the parties.\n"
        "Digest: <code>{digest}</code>"
    ).format(label=result.amendment_label, number=result.agreement_number, digest=result.digest)
