"""Word diffs: exact round trips (property-tested) and readable markers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.diff import Diff, changes_only, with_markers, word_diff


def test_changed_price_is_one_replacement() -> None:
    diff = word_diff("We agreed on 150 000 for stage 1", "We agreed on 120 000 for stage 1")
    assert with_markers(diff) == "We agreed on [-150-]{+120+} 000 for stage 1"


def test_added_and_removed_lines() -> None:
    diff = word_diff("Price: 100\nDue: Monday", "Price: 100\nDue: Friday\nPaid upfront")
    assert with_markers(diff) == "Price: 100\nDue: [-Monday-]{+Friday\nPaid upfront+}"


def test_identical_texts_have_no_changes() -> None:
    assert word_diff("same text", "same text") == [("equal", "same text")]


def test_changes_only_keeps_context_and_elides_the_rest() -> None:
    old = "one two three four five six seven eight nine ten eleven twelve"
    new = old.replace("six", "SIX")
    compact = with_markers(changes_only(word_diff(old, new)))
    assert compact == "… four five [-six-]{+SIX+} seven eight …"


def old_text(diff: Diff) -> str:
    """The text before: what is kept and what is deleted."""
    return "".join(text for op, text in diff if op != "insert")


def new_text(diff: Diff) -> str:
    """The text after: what is kept and what is inserted."""
    return "".join(text for op, text in diff if op != "delete")


@given(st.text(), st.text())
def test_diff_reproduces_both_texts(old: str, new: str) -> None:
    diff = word_diff(old, new)
    assert old_text(diff) == old
    assert new_text(diff) == new
    assert all(text for _, text in diff)


def test_a_long_repetitive_text_still_gets_an_exact_diff() -> None:
    # Long runs of one word are SequenceMatcher's worst case; lines come first to bound it.
    old = "\n".join(" ".join(["да"] * 40) for _ in range(100))
    new = old.replace("да", "нет", 1)
    diff = word_diff(old, new)
    assert old_text(diff) == old and new_text(diff) == new
    assert ("delete", "да") in diff and ("insert", "нет") in diff


def test_one_long_line_of_one_word_falls_back_to_a_whole_replacement() -> None:
    old = " ".join(["да"] * 3000)
    new = "нет " + old
    diff = word_diff(old, new)
    assert old_text(diff) == old and new_text(diff) == new
