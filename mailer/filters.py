"""Jinja filters the mail templates use."""

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from .text import one_line


def normalize_newlines(value: str) -> str:
    """CRLF and lone CR become LF, as MIME text parts carry them anyway."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def html_lines(value: str) -> Markup:
    """Escape user text for HTML and turn its line breaks into <br>.

    The block it goes into also has white-space: pre-wrap, but Outlook's Word engine
    ignores that, so explicit <br> keep the lines there too (and the newline itself is
    dropped so pre-wrap clients don't break twice)."""
    return Markup("<br>").join(escape(line) for line in normalize_newlines(value).split("\n"))


FILTERS: dict[str, Callable[..., Any]] = {
    "one_line": one_line,
    "html_lines": html_lines,
}
