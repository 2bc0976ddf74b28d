"""/history N: an agreement's versions and amendments, compact."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration as hd

from bot.agreements.history import History
from bot.core.timefmt import format_both
from bot.telegram.views.common import clip, utf16_length
from bot.telegram.views.edits import diff_html, diff_legend

SHOWN_VERSIONS = 15
SHOWN_AMENDMENTS = 5
DIFF_LENGTH = 150
MESSAGE_LIMIT = 4000  # Telegram takes 4096 UTF-16 units; leave room for the entities' text


def history_text(history: History, zone: ZoneInfo) -> str:
    """As many of the latest versions as fit in one Telegram message."""
    for shown in range(SHOWN_VERSIONS, 0, -1):
        text = _history_text(history, zone, shown)
        if utf16_length(text) <= MESSAGE_LIMIT:
            return text
    return clip(_history_text(history, zone, 0), MESSAGE_LIMIT)


def _history_text(history: History, zone: ZoneInfo, shown: int) -> str:
    lines = [_("📜 <b>History of agreement #{number}</b>").format(number=history.number)]
    if history.title:
        lines.append(f"<i>{hd.quote(clip(history.title, 100))}</i>")
    lines.append(
        _("Original, sent {time} by {author}:").format(
            time=format_both(history.sent_at, zone), author=hd.quote(history.author)
        )
    )
    lines.append(f"«{hd.quote(clip(history.text, 300))}»")
    lines.append(_("Digest: <code>{digest}</code>").format(digest=history.digest))
    if not history.versions:
        lines.append("")
        lines.append(_("The message has not been edited since it was recorded."))
    hidden = len(history.versions) - shown
    if hidden > 0:
        lines.append("")
        lines.append(_("… {count} earlier edits not shown.").format(count=hidden))
    for version in history.versions[len(history.versions) - shown :] if shown else ():
        lines.append("")
        lines.append(
            _("✏️ Edit {number}, {time}, by {editor}:").format(
                number=version.number,
                time=format_both(version.edited_at, zone),
                editor=hd.quote(version.editor),
            )
        )
        lines.append(diff_html(version.diff, context_words=3, limit=DIFF_LENGTH))
    for amendment in history.amendments[-SHOWN_AMENDMENTS:]:
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
