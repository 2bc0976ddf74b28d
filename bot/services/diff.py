"""Word-level differences between two texts, for alerts and emails."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["equal", "delete", "insert"]
Diff = list[tuple[Op, str]]

# Words and the whitespace between them, so joining the pieces gives the texts back exactly.
_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> Diff:
    """Pieces of ``old`` and ``new`` marked equal, deleted or inserted, in reading order."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces: Diff = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            _append(pieces, "equal", "".join(before[a_start:a_end]))
            continue
        if tag in ("delete", "replace"):
            _append(pieces, "delete", "".join(before[a_start:a_end]))
        if tag in ("insert", "replace"):
            _append(pieces, "insert", "".join(after[b_start:b_end]))
    return pieces


def _append(pieces: Diff, op: Op, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1][0] == op:
        pieces[-1] = (op, pieces[-1][1] + text)
    else:
        pieces.append((op, text))


def old_text(diff: Diff) -> str:
    return "".join(text for op, text in diff if op != "insert")


def new_text(diff: Diff) -> str:
    return "".join(text for op, text in diff if op != "delete")


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
        words = _TOKENS.findall(text)
        keep = context_words * 2  # words and the spaces between them
        has_before, has_after = index > 0, index < len(diff) - 1
        if len(words) <= keep * (has_before + has_after) + 1:
            compact.append((op, text))
            continue
        head = "".join(words[:keep]) if has_before else ""
        tail = "".join(words[-keep:]) if has_after else ""
        compact.append((op, f"{head}…{tail}"))
    return compact
