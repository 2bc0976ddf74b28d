"""Word-level differences between two texts, for alerts and emails."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["equal", "delete", "insert"]
Diff = list[tuple[Op, str]]

# A word with the whitespace after it (and any leading whitespace on its own), so joining the
# pieces gives the texts back exactly.
_WORDS = re.compile(r"\s+|\S+\s*")
_LINES = re.compile(r"[^\n]*\n|[^\n]+")
# SequenceMatcher is quadratic in the worst case (long runs of one repeated word): above this
# many token pairs, compare whole lines; above it again, say the whole text was replaced.
MAX_COMPARISONS = 250_000


def word_diff(old: str, new: str) -> Diff:
    """Pieces of ``old`` and ``new`` marked equal, deleted or inserted, in reading order.

    Lines first, then words within the lines that changed, which keeps long messages with a
    small change cheap.
    """
    before, after = _LINES.findall(old), _LINES.findall(new)
    if len(before) * len(after) > MAX_COMPARISONS:
        return _replaced(old, new)
    pieces: Diff = []
    for tag, a_start, a_end, b_start, b_end in _opcodes(before, after):
        removed, added = "".join(before[a_start:a_end]), "".join(after[b_start:b_end])
        if tag == "equal":
            _append(pieces, "equal", removed)
            continue
        words_before, words_after = _WORDS.findall(removed), _WORDS.findall(added)
        # What starts and ends the same is unchanged; only the middle needs comparing.
        head = _common_prefix(words_before, words_after)
        tail = _common_prefix(words_before[head:][::-1], words_after[head:][::-1])
        _append(pieces, "equal", "".join(words_before[:head]))
        middle_before = words_before[head : len(words_before) - tail]
        middle_after = words_after[head : len(words_after) - tail]
        if len(middle_before) * len(middle_after) > MAX_COMPARISONS:
            _append_change(pieces, "".join(middle_before), "".join(middle_after))
        else:
            for word_tag, wa, wb, va, vb in _opcodes(middle_before, middle_after):
                gone, new_words = "".join(middle_before[wa:wb]), "".join(middle_after[va:vb])
                if word_tag == "equal":
                    _append(pieces, "equal", gone)
                else:
                    _append_change(pieces, gone, new_words)
        _append(pieces, "equal", "".join(words_before[len(words_before) - tail :]))
    return pieces


def _common_prefix(first: list[str], second: list[str]) -> int:
    count = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        count += 1
    return count


def _opcodes(before: list[str], after: list[str]) -> Sequence[tuple[str, int, int, int, int]]:
    return SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()


def _replaced(old: str, new: str) -> Diff:
    pieces: Diff = []
    _append_change(pieces, old, new)
    return pieces


def _append_change(pieces: Diff, removed: str, added: str) -> None:
    """A removal and an addition; whitespace both end with stays unchanged text."""
    common = len(removed) - len(removed.rstrip())
    common = min(common, len(added) - len(added.rstrip()))
    tail = removed[len(removed) - common :] if common else ""
    if common and added.endswith(tail):
        removed, added = removed[:-common], added[:-common]
    else:
        tail = ""
    _append(pieces, "delete", removed)
    _append(pieces, "insert", added)
    _append(pieces, "equal", tail)


def _append(pieces: Diff, op: Op, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1][0] == op:
        pieces[-1] = (op, pieces[-1][1] + text)
    else:
        pieces.append((op, text))


def with_markers(diff: Diff) -> str:
    """``[-removed-]{+added+}``, as in ``git diff --word-diff``."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[op].format(text) for op, text in diff)


def changes_only(diff: Diff, context_words: int = 2) -> Diff:
    """The changed pieces with a few words around them; long unchanged runs become "…"."""
    compact: Diff = []
    for index, (op, text) in enumerate(diff):
        if op != "equal":
            compact.append((op, text))
            continue
        words = text.split()
        has_before, has_after = index > 0, index < len(diff) - 1
        if len(words) <= context_words * (has_before + has_after) + 1:
            compact.append((op, text))
            continue
        lead = " " if has_before and text[:1].isspace() else ""
        trail = " " if has_after and text[-1:].isspace() else ""
        head = lead + " ".join(words[:context_words]) + " " if has_before else ""
        tail = " " + " ".join(words[-context_words:]) + trail if has_after else ""
        compact.append((op, f"{head}…{tail}"))
    return compact
