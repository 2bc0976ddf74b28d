"""The allow-list verify reads HTML parts with (bot/verify/mail_markup.py) accepts every
record mail the templates write: each optional part, every formatting entity, both
languages. A template change that writes new markup fails here, not in a user's verify."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.mail.parts import ForwardView, MediaView, TimestampView
from bot.telegram.formatting import entities_to_html
from bot.verify.mail_view import read_html, tokens
from tests.support.agreement_context import agreement_context
from tests.support.edit_contexts import amendment_context
from tests.support.mail_spec import renderer

TEXT = "Price 150 000 <b>&\nsee example.com and the offer\n\n  indented line"


def at(word: str) -> dict[str, int]:
    return {"offset": TEXT.index(word), "length": len(word)}  # ASCII: UTF-16 offsets alike


ENTITIES = [{"type": kind, **at("Price")} for kind in ("bold", "italic", "underline", "spoiler")]
ENTITIES += [
    {"type": "strikethrough", **at("150")},
    {"type": "code", **at("000")},
    {"type": "url", **at("example.com")},
    {"type": "text_link", **at("offer"), "url": "https://example.com/a?b=1&c=2"},
    {"type": "pre", **at("indented"), "language": "txt"},
    {"type": "blockquote", **at("line")},
    {"type": "mention", **at("see")},
]
STAMP = TimestampView("Test TSA", "2026-11-29 09:41:05 UTC", "agreement--1001234-7.tsr")
MEDIA = MediaView(
    "document", "offer.pdf", "1.2 MB", "application/pdf", "ab" * 32, True, None, True
)


@dataclass
class Earlier:
    time_utc: str
    text: str


def agreement_variants() -> list[dict[str, Any]]:
    return [
        agreement_context(),
        agreement_context(
            text_html=entities_to_html(TEXT, ENTITIES),
            media=MEDIA,
            timestamp=STAMP,
            earlier_versions=[Earlier("2026-11-29 09:30:00 UTC", "Price <i>100</i>\nold")],
            forwarded=ForwardView("Carol (@carol)", "2026-11-28 10:00:00 UTC"),
            edited_before_marking=True,
            previous_digest="ab" * 32,
            topic="Delivery",
            author_kind="channel",
            marked_at_local="2026-11-29 12:41:02 MSK",
        ),
        agreement_context(
            title=None,
            message_link=None,
            author_kind="chat",
            media=MediaView("photo", "photo-1-7.jpg", None, None, None, False, "too big", False),
        ),
        agreement_context(message_link="tg://privatepost?channel=1&post=2"),
        # The footer's own unsubscribe link (WEB_BASE_URL set), and without one.
        agreement_context(unsubscribe_url="https://agreements.example/u/SealedToken_0-9"),
        agreement_context(unsubscribe_url=None),
    ]


def amendment_variants() -> list[dict[str, Any]]:
    return [
        amendment_context(),
        amendment_context(
            text_html=entities_to_html(TEXT, ENTITIES),
            timestamp=STAMP,
            previous_label="7.1",
            topic="Delivery",
            unsubscribe_url="mailto:unsubscribe@agreements.example?subject=unsubscribe%20Tok",
        ),
    ]


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(
    ("kind", "variants"), [("agreement", agreement_variants), ("amendment", amendment_variants)]
)
def test_every_record_mail_the_templates_write_fits_the_allow_list(
    kind: str, variants: Any, language: str
) -> None:
    for context in variants():
        html = renderer().render(kind, language, context).html
        view = read_html(html)
        assert view.problems == [], view.problems
        [box] = view.boxes
        shown = context.get("text_html")
        if shown is not None:
            assert box == tokens(str(shown))
        assert view.heading is not None and "7" in "".join(view.heading)


@pytest.mark.parametrize(
    ("markup", "named"),
    [
        ("<style>.x{display:none}</style>", "<style>"),
        ('<div class="x">a</div>', "<div class>"),
        ('<div style="visibility:hidden">a</div>', 'style="visibility:hidden"'),
        ('<div style="display:none"><p>a</p></div>', "<p> inside an element that hides it"),
        ('<div style="display:none"></p>a</div>', "</p> where <div> is open"),
        ("<embed>", "<embed>"),
        ("<!--[if mso]><p>950 000</p><![endif]-->", "<!"),
        ("<div/>", "<div/>"),
    ],
)
def test_markup_the_bot_never_writes_is_named(markup: str, named: str) -> None:
    html = renderer().render("agreement", "en", agreement_context()).html
    view = read_html(html.replace("<h1 ", markup + "<h1 ", 1))
    assert any(named in problem for problem in view.problems), view.problems
