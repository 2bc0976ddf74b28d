"""Chat text that looks like HTML, one payload per field of a mail, and the check that a
mail shows each as written: verbatim in its text part, escaped in its HTML."""

from __future__ import annotations

from markupsafe import escape

# Each field its own payload, so a failure names the field that went out raw.
TITLE = "<b>title</b> & <script>alert(1)</script>"
AGREED = "<b>agreed</b> & <script>alert(2)</script>"
LATEST = "<b>latest</b> & <script>alert(3)</script>"
CHAT = "<i>chat</i> & <script>alert(4)</script>"


def assert_escaped(text: str, html: str, payloads: tuple[str, ...]) -> None:
    """Each payload shows as written: verbatim in the text part, escaped in the HTML."""
    for payload in payloads:
        assert payload in text, payload
        assert str(escape(payload)) in html, payload
    for raw in ("<script", "<b>", "<i>"):
        assert raw not in html
