"""verify finds the mail's sentences with patterns whose cost stays linear in the mail's
size: the verify page is public, and a regex's work holds the interpreter lock."""

from __future__ import annotations

import re

import pytest

from bot.verify.mail_checks import _sentence

INTRO = "Agreement #%(number)s was recorded in the chat “%(chat)s”."
AMENDED = (
    "Agreement #%(number)s in the chat “%(chat)s” was amended: every party accepted the "
    "new version, and it is recorded as amendment #%(amendment)s."
)


@pytest.mark.parametrize("template", [INTRO, AMENDED])
def test_no_part_of_a_sentence_pattern_repeats_without_bound(template: str) -> None:
    pattern = _sentence(template).pattern
    # An unescaped * or + lets one start scan to the end of the mail: with the sentence's
    # start repeated and its end left out, every start does, and the cost is quadratic.
    assert not re.search(r"(?<!\\)[*+]", pattern), pattern


def test_the_longest_chat_title_still_matches() -> None:
    title = "Т" * 128  # Telegram's longest title
    found = _sentence(INTRO).search(f"Agreement #17 was recorded in the chat “{title}”.")
    assert found is not None and found["number"] == "17"
    amended = _sentence(AMENDED).search(
        f"Agreement #3 in the chat “{title}” was amended: every party accepted the new "
        "version, and it is recorded as amendment #3.2."
    )
    assert amended is not None and (amended["number"], amended["amendment"]) == ("3", "3.2")
