"""What a saved mail shows a reader: its text part, and its HTML part rendered as text.

Read from the decoded parts, so a mail client's re-encoding (quoted-printable to base64 or
8bit, CRLF to LF, refolded headers) changes nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser

from mailer.filters import normalize_newlines

# Tags that start a new line or cell where a reader sees them; their text is set apart.
_BREAKS = frozenset({"br", "p", "div", "td", "tr", "table", "h1", "li", "blockquote", "pre"})
_HIDDEN = frozenset({"head", "title", "style", "script"})
_VOID = frozenset({"br", "meta", "img", "hr", "input", "link", "wbr", "col", "area", "source"})


@dataclass(frozen=True, slots=True)
class MailView:
    language: str | None  # Content-Language
    text: str | None  # the text/plain part, line breaks as \n
    html_text: str | None  # the whole HTML part as text, whitespace collapsed
    html_heading: str | None  # its first <h1>, whitespace collapsed
    html_box: str | None  # the first box of user text (the agreed text), as text


def collapse(value: str) -> str:
    """Whitespace runs as one space: what HTML shows of them."""
    return " ".join(value.split())


def read_view(message: EmailMessage) -> MailView:
    text_part = message.get_body(("plain",))
    html_part = message.get_body(("html",))
    text = normalize_newlines(text_part.get_content()) if text_part is not None else None
    html = _RenderedHtml.of(html_part.get_content()) if html_part is not None else None
    language = message["Content-Language"]
    return MailView(
        language=str(language).strip() if language is not None else None,
        text=text,
        html_text=collapse("".join(html.text)) if html else None,
        html_heading=collapse("".join(html.heading)) if html and html.heading else None,
        html_box=collapse("".join(html.box)) if html and html.box is not None else None,
    )


class _RenderedHtml(HTMLParser):
    """The visible text of the mail's HTML. The templates put the agreed text in a
    ``white-space:pre-wrap`` div (the first in the mail) and the number in the <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.heading: list[str] = []
        self.box: list[str] | None = None
        self._hidden = 0
        self._in_heading = False
        self._box_depth = 0  # open divs inside the box, the box's own included
        self._box_done = False

    @classmethod
    def of(cls, html: str) -> _RenderedHtml:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden or tag in _HIDDEN or _hides(attrs):
            self._hidden += tag not in _VOID  # counts open elements until it ends
            return
        if tag == "h1" and not self.heading:
            self._in_heading = True
        if tag == "div":
            if self._box_depth:
                self._box_depth += 1
            elif not self._box_done and "white-space:pre-wrap" in _style(attrs):
                self.box, self._box_depth = [], 1
        self._add("\n" if tag == "br" else " " if tag in _BREAKS else "")

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            self._hidden -= 1
            return
        if tag == "h1":
            self._in_heading = False
        if tag == "div" and self._box_depth:
            self._box_depth -= 1
            self._box_done = self._box_depth == 0
        self._add(" " if tag in _BREAKS else "")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._add(data)

    def _add(self, data: str) -> None:
        self.text.append(data)
        if self._in_heading:
            self.heading.append(data)
        if self._box_depth and self.box is not None:
            self.box.append(data)


def _style(attrs: list[tuple[str, str | None]]) -> str:
    return "".join(
        (value or "").replace(" ", "").lower() for name, value in attrs if name == "style"
    )


def _hides(attrs: list[tuple[str, str | None]]) -> bool:
    """The preheader: inbox preview text, not shown in the body."""
    return "display:none" in _style(attrs)
