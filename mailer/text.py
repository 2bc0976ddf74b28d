"""Making untrusted strings safe for one-line places (headers, subjects, filenames)."""

import re
import unicodedata

ELLIPSIS = "…"

# Bidi embeddings, overrides and isolates: in a one-line header they could reorder the
# text that follows them (a chat title flipping the rest of the subject).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SURROGATES = re.compile("[\ud800-\udfff]")


def scrub_surrogates(value: str) -> str:
    """Replace lone surrogates (not encodable as UTF-8) with U+FFFD."""
    return _SURROGATES.sub("\ufffd", value)


def _is_dropped(char: str) -> bool:
    return char in _BIDI_CONTROLS or (unicodedata.category(char) == "Cc" and not char.isspace())


def one_line(value: str, limit: int | None = None) -> str:
    """Collapse all whitespace (CR, LF, tabs, runs) to single spaces, drop control
    characters, and shorten to at most `limit` characters with an ellipsis."""
    value = scrub_surrogates(value)
    value = "".join(char for char in value if not _is_dropped(char))
    value = " ".join(value.split())
    if limit is None or len(value) <= limit:
        return value
    return shorten(value, limit)


def shorten(value: str, limit: int) -> str:
    """Cut to `limit` characters including the ellipsis, at a word boundary when one is
    near the end (so a word is not chopped in half), else mid-word."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(value) <= limit:
        return value
    head = value[: limit - 1]
    cuts_a_word = not value[limit - 1].isspace()
    space = head.rfind(" ")
    if cuts_a_word and space >= (limit * 2) // 3:
        head = head[:space]
    # Don't leave a dangling joiner or variation selector from a cut emoji sequence.
    head = head.rstrip(" \u200d\ufe0e\ufe0f")
    return head + ELLIPSIS
