"""/history N: an agreement's versions and amendments, compact."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration as hd

from bot.services.history import History
from bot.services.timefmt import format_both
from bot.views.agreements import shorten
from bot.views.edits import diff_html, diff_legend

SHOWN_VERSIONS = 15  # keeps the answer well under Telegram's 4096 characters
DIFF_LENGTH = 150


def history_text(history: History, zone: ZoneInfo) -> str:
    lines = [_("📜 <b>History of agreement #{number}</b>").format(number=history.number)]
    if history.title:
        lines.append(f"<i>{hd.quote(shorten(history.title, 100))}</i>")
    lines.append(
        _("Original, sent {time} by {author}:").format(
            time=format_both(history.sent_at, zone), author=hd.quote(history.author)
        )
    )
    lines.append(f"«{hd.quote(shorten(history.text, 300))}»")
    lines.append(_("Digest: <code>{digest}</code>").format(digest=history.digest))
    if not history.versions:
        lines.append("")
        lines.append(_("The message has not been edited since it was recorded."))
    hidden = len(history.versions) - SHOWN_VERSIONS
    if hidden > 0:
        lines.append("")
        lines.append(_("… {count} earlier edits not shown.").format(count=hidden))
    for version in history.versions[-SHOWN_VERSIONS:]:
        lines.append("")
        lines.append(
            _("✏️ Edit {number}, {time}, by {editor}:").format(
                number=version.number,
                time=format_both(version.edited_at, zone),
                editor=hd.quote(version.editor),
            )
        )
        lines.append(diff_html(version.diff, context_words=3, limit=DIFF_LENGTH))
    for amendment in history.amendments:
        lines.append("")
        lines.append(
            _(
                "📝 Amendment #{label}: edit {version} accepted by every party, {time}. "
                "Digest: <code>{digest}</code>"
            ).format(
                label=amendment.label,
                version=amendment.version,
                time=format_both(amendment.recorded_at, zone),
                digest=amendment.digest,
            )
        )
    if history.versions:
        lines.append("")
        lines.append(f"<i>{diff_legend()}</i>")
    return "\n".join(lines)


def history_usage() -> str:
    return _("Send the agreement's number: <code>/history 3</code>.")


def history_not_found(number: int) -> str:
    return _("There is no agreement #{number} in this chat.").format(number=number)
