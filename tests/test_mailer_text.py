"""Header-safe text helpers and template filters."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailer.filters import html_lines
from mailer.languages import normalize_language
from mailer.text import one_line, shorten


def test_one_line_collapses_whitespace_and_drops_controls() -> None:
    assert one_line("  Evil\r\nBcc: x@y.z\t\tend  ") == "Evil Bcc: x@y.z end"
    assert one_line("a\x00b\x1bc\x7fd\u2028e\u0085f") == "abcd e f"
    assert one_line("abc\u202edcba") == "abcdcba"  # no bidi override in headers
    assert one_line("\ud800x") == "\ufffdx"


def test_shorten_prefers_word_boundaries() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("the quick brown fox jumps", 20) == "the quick brown fox…"
    assert shorten("abcdefghijklmnopqrstuvwxyz", 10) == "abcdefghi…"
    assert shorten("👨‍👩‍👧" * 4, 3) == "👨…"  # no dangling zero-width joiner
    with pytest.raises(ValueError):
        shorten("abc", 0)


@given(value=st.text(), limit=st.integers(min_value=1, max_value=200))
def test_one_line_is_always_a_safe_single_line(value: str, limit: int) -> None:
    result = one_line(value, limit)
    assert len(result) <= limit
    assert result == result.strip()
    assert "  " not in result
    for char in result:
        assert char == " " or not char.isspace()
        assert unicodedata.category(char) not in ("Cc", "Cs")


def test_html_lines_escapes_and_keeps_breaks() -> None:
    assert html_lines("<b>a</b> &\r\nb\rc\n") == "&lt;b&gt;a&lt;/b&gt; &amp;<br>b<br>c<br>"


@pytest.mark.parametrize(
    "tag, expected",
    [("ru", "ru"), ("ru-RU", "ru"), ("ru_RU", "ru"), (" EN ", "en"), ("uk", "en"), ("", "en")],
)
def test_normalize_language(tag: str, expected: str) -> None:
    assert normalize_language(tag) == expected
