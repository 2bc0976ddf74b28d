"""The text part's framed sections (``===== Original message text =====`` …): exactly those
the bot writes for the kind of record, the agreed text between its own frame lines, and no
other frame a reader could take for an agreed text ("===== Corrected message text =====").

Lines the bot copies from people (earlier versions, a diff) may look like frames too; they
are skipped where the bot writes them, and only there."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.phrases import N_, Phrase
from bot.verify.record_view import RecordView
from bot.verify.verdict import Verdict
from mailer.filters import normalize_newlines

NAME = "text part"
_FRAME = re.compile(r"===== .* =====")
Translate = Callable[[str], str]


def check_frames(text: str, record: RecordView, tr: Translate, verdict: Verdict) -> None:
    lines = text.split("\n")
    if record.is_amendment:
        agreed = (tr("New agreed text"), tr("End of the new agreed text"))
        diff = (tr("Changes against the previous agreed text"), tr("End of the changes"))
    else:
        agreed = (tr("Original message text"), tr("End of the original message text"))
        diff = None
    opening, closing = (f"===== {label} =====" for label in agreed)
    if opening not in lines:
        verdict.fail(NAME, N_('the text part has no "%(frame)s" frame'), frame=opening)
        return
    start = lines.index(opening) + 1
    expected = normalize_newlines(record.text).split("\n")
    end = start + len(expected)
    if lines[start:end] != expected or lines[end : end + 1] != [closing]:
        shown = lines[start:]
        if closing in shown:
            shown = shown[: shown.index(closing)]
        verdict.fail(NAME, difference("\n".join(shown), "\n".join(expected)))
        return
    copied = _copied_spans(lines, end + 1, diff, tr)
    others = [
        line
        for index, line in enumerate(lines)
        if _FRAME.fullmatch(line)
        and not start - 1 <= index <= end
        and not any(first <= index <= last for first, last in copied)
    ]
    if others:
        verdict.fail(NAME, N_('holds a frame this bot never writes: "%(frame)s"'), frame=others[0])
        return
    verdict.ok(NAME, N_("shows exactly the record's text, in the one frame this bot writes"))


def _copied_spans(
    lines: list[str], after: int, diff: tuple[str, str] | None, tr: Translate
) -> list[tuple[int, int]]:
    """Where, after the agreed text, the bot writes text people wrote: an amendment's diff
    (its own frame lines included), an agreement's earlier versions (up to "Details")."""
    rest = lines[after:]
    if diff is not None:
        opening, closing = (f"===== {label} =====" for label in diff)
        if opening in rest and closing in rest[rest.index(opening) :]:
            first = rest.index(opening)
            last = len(rest) - 1 - rest[::-1].index(closing)
            return [(after + first, after + last)]
        return []
    heading, details = f"{tr('Earlier versions seen by the bot')}:", tr("Details")
    if heading in rest and details in rest:
        first, last = rest.index(heading), len(rest) - 1 - rest[::-1].index(details)
        return [(after + first, after + last)] if first < last else []
    return []


def difference(shown: str, expected: str, context: int = 24) -> Phrase:
    """Where the shown text departs from the record's, with a little context."""
    shown, expected = normalize_newlines(shown), normalize_newlines(expected)
    start = 0
    while start < min(len(shown), len(expected)) and shown[start] == expected[start]:
        start += 1
    end = 0
    limit = min(len(shown), len(expected)) - start
    while end < limit and shown[-1 - end] == expected[-1 - end]:
        end += 1

    def excerpt(value: str) -> str:
        head = max(0, start - context)
        tail = min(len(value), len(value) - end + context)
        cut = value[head:tail].replace("\n", "⏎")
        return f"{'…' if head else ''}{cut}{'…' if tail < len(value) else ''}"

    return Phrase(
        N_('shows "%(shown)s" where the record has "%(expected)s"'),
        {"shown": excerpt(shown), "expected": excerpt(expected)},
    )
