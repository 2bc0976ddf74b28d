"""Telegram entities to email HTML: every type, nesting, UTF-16 offsets, hostile input."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment
from markupsafe import Markup

from bot.telegram.formatting import BLOCKQUOTE_STYLE, CODE_STYLE, PRE_STYLE, entities_to_html
from mailer.filters import normalize_newlines

ATTACKS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "' onmouseover='x"]
ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote", "br"}


def entity(kind: str, offset: int, length: int, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "offset": offset, "length": length, **extra}


def visible_text(rendered: str) -> str:
    """What a reader gets back: <br> as newlines, no tags, entities unescaped."""
    return html.unescape(re.sub(r"<[^>]*>", "", rendered.replace("<br>", "\n")))


class TagCollector(HTMLParser):
    """The tags and attribute names a mail client would see."""

    def __init__(self, rendered: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.feed(rendered)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def test_plain_text_is_escaped_and_lines_become_br() -> None:
    rendered = entities_to_html("a < b & \"c\" 'd'\nnext\r\nlast", [])
    assert isinstance(rendered, Markup)
    assert rendered == "a &lt; b &amp; &#34;c&#34; &#39;d&#39;<br>next<br>last"


def test_jinja_autoescape_inserts_the_markup_as_is() -> None:
    rendered = entities_to_html("<x> bold", [entity("bold", 4, 4)])
    template = Environment(autoescape=True).from_string("<div>{{ body }}</div>")
    assert template.render(body=rendered) == "<div>&lt;x&gt; <b>bold</b></div>"


@pytest.mark.parametrize(
    ("kind", "tag"),
    [("bold", "b"), ("italic", "i"), ("underline", "u"), ("strikethrough", "s")],
)
def test_simple_styles(kind: str, tag: str) -> None:
    assert entities_to_html("a word", [entity(kind, 2, 4)]) == f"a <{tag}>word</{tag}>"


def test_code_is_monospace() -> None:
    rendered = entities_to_html("run ls -l", [entity("code", 4, 5)])
    assert rendered == f'run <code style="{CODE_STYLE}">ls -l</code>'
    assert "monospace" in CODE_STYLE


@pytest.mark.parametrize("extra", [{}, {"language": 'python" onclick="x'}])
def test_pre_is_a_styled_block_without_the_language(extra: dict[str, Any]) -> None:
    rendered = entities_to_html("x\nif a:\n  b", [entity("pre", 2, 9, **extra)])
    assert rendered == f'x<br><pre style="{PRE_STYLE}">if a:<br>  b</pre>'


@pytest.mark.parametrize("kind", ["blockquote", "expandable_blockquote"])
def test_blockquotes(kind: str) -> None:
    rendered = entities_to_html("said\nok", [entity(kind, 0, 4)])
    assert rendered == f'<blockquote style="{BLOCKQUOTE_STYLE}">said</blockquote><br>ok'


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a?b=1&c=2",
        "HTTP://example.com",
        "tg://resolve?domain=x",
        "mailto:a@b.c",
    ],
)
def test_text_link_with_a_safe_scheme(url: str) -> None:
    rendered = entities_to_html("see here", [entity("text_link", 4, 4, url=url)])
    assert rendered == f'see <a href="{html.escape(url)}">here</a>'


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:x", "java\tscript:x",
     "data:text/html,x", "vbscript:x", "//example.com", "", "ftp://example.com"],
)  # fmt: skip
def test_text_link_with_another_scheme_is_plain_text(url: str) -> None:
    assert entities_to_html("see here", [entity("text_link", 4, 4, url=url)]) == "see here"


def test_text_link_without_url_is_plain_text() -> None:
    assert entities_to_html("see here", [entity("text_link", 4, 4)]) == "see here"


def test_href_cannot_break_out_of_its_attribute() -> None:
    url = 'https://x.example/?q="><script>alert(1)</script>'
    rendered = entities_to_html("click", [entity("text_link", 0, 5, url=url)])
    assert rendered == (
        '<a href="https://x.example/?q=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">click</a>'
    )


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("see example.com/a?b=1&c=2", "http://example.com/a?b=1&amp;c=2"),
        ("see https://example.com", "https://example.com"),
    ],
)
def test_url_entity_links_to_its_own_text(text: str, href: str) -> None:
    # A stored "url" key is ignored: the link is what the reader sees.
    rendered = entities_to_html(text, [entity("url", 4, len(text) - 4, url="javascript:x")])
    assert rendered == f'see <a href="{href}">{html.escape(text[4:])}</a>'


def test_url_entity_with_another_scheme_is_plain_text() -> None:
    assert entities_to_html("see ftp://x.example", [entity("url", 4, 15)]) == "see ftp://x.example"


def test_email_entity_becomes_mailto() -> None:
    rendered = entities_to_html("write a@b.example", [entity("email", 6, 11)])
    assert rendered == 'write <a href="mailto:a@b.example">a@b.example</a>'


def test_text_mention_is_the_name_without_a_link() -> None:
    user = {"id": 42, "is_bot": False, "first_name": "Ann"}
    assert entities_to_html("hi Ann", [entity("text_mention", 3, 3, user=user)]) == "hi Ann"


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("mention", {}),
        ("hashtag", {}),
        ("cashtag", {}),
        ("bot_command", {}),
        ("phone_number", {}),
        ("spoiler", {}),
        ("custom_emoji", {"custom_emoji_id": "5368324170671202286"}),
        ("date_time", {"unix_time": 1700000000, "date_time_format": "wDT"}),
        ("text_mention", {}),  # without its user
        ("something_new", {"url": "https://example.com"}),
    ],
)
def test_other_types_are_plain_text(kind: str, extra: dict[str, Any]) -> None:
    text = "a <@x> 👍 & b"
    expected = "a &lt;@x&gt; 👍 &amp; b"
    assert entities_to_html(text, [entity(kind, 2, 9, **extra)]) == expected


def test_bold_inside_italic() -> None:
    entities = [entity("italic", 0, 11), entity("bold", 4, 3)]
    assert entities_to_html("one two six", entities) == "<i>one <b>two</b> six</i>"


def test_link_inside_bold_and_bold_inside_link() -> None:
    link = {"url": "https://example.com"}
    entities = [entity("bold", 0, 8), entity("text_link", 4, 4, **link)]
    assert entities_to_html("see here", entities) == (
        '<b>see <a href="https://example.com">here</a></b>'
    )
    entities = [entity("text_link", 0, 8, **link), entity("bold", 4, 4)]
    assert entities_to_html("see here", entities) == (
        '<a href="https://example.com">see <b>here</b></a>'
    )


def test_same_start_puts_the_longer_entity_outside_whatever_the_order() -> None:
    entities = [entity("bold", 0, 3), entity("italic", 0, 7)]
    assert entities_to_html("one two", entities) == "<i><b>one</b> two</i>"


def test_utf16_offsets_after_an_emoji() -> None:
    # 💰 is outside the BMP: two UTF-16 code units, so "150 000" starts at 3.
    assert entities_to_html("💰 150 000", [entity("bold", 3, 7)]) == "💰 <b>150 000</b>"
    assert entities_to_html("💰💰 x", [entity("bold", 0, 4)]) == "<b>💰💰</b> x"


def test_offsets_count_a_crlf_as_two_units() -> None:
    assert entities_to_html("a\r\nbc", [entity("bold", 3, 2)]) == "a<br><b>bc</b>"


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_are_escaped_inside_and_outside_entities(attack: str) -> None:
    text = f"{attack} and {attack}"
    start = len(attack) + 5
    for kind in ["bold", "code", "pre", "blockquote", "text_link", "url", "something_new"]:
        extra = {"url": "https://example.com"} if kind == "text_link" else {}
        rendered = entities_to_html(text, [entity(kind, start, len(attack), **extra)])
        assert "<script" not in rendered and "<img" not in rendered
        seen = TagCollector(rendered)
        assert seen.tags <= ALLOWED_TAGS and seen.attributes <= {"href", "style"}
        assert visible_text(rendered) == text


MALFORMED: list[Any] = [
    entity("bold", -1, 3),
    entity("bold", 2, -1),
    entity("bold", 2, 0),
    entity("bold", 0, 0),
    entity("bold", 5, 100),
    entity("bold", 100, 1),
    entity("bold", 1, 1),  # ends between the halves of 💰
    {"type": "bold", "offset": "x", "length": 1},
    {"type": "bold", "offset": 1.5, "length": 1},
    {"type": None, "offset": 0, "length": 1},
    {"type": "bold", "offset": 0},
    {"offset": 0, "length": 1},
    {},
    None,
    "bold",
    [0, 1],
    entity("text_mention", 0, 2, user="not a user"),
]


@pytest.mark.parametrize("bad", MALFORMED)
def test_malformed_entities_are_ignored(bad: Any) -> None:
    text = "💰 a <b> c"
    assert entities_to_html(text, [bad, entity("bold", 3, 1)]) == "💰 <b>a</b> &lt;b&gt; c"


def test_crossing_entities_keep_the_first_and_the_whole_text() -> None:
    entities = [entity("bold", 0, 4), entity("italic", 2, 4)]
    assert entities_to_html("abcdef", entities) == "<b>abcd</b>ef"


def test_deep_nesting_is_capped_not_a_recursion_error() -> None:
    text = "x" * 3000
    entities = [entity("bold", i, 3000 - 2 * i) for i in range(1500)]
    assert visible_text(entities_to_html(text, entities)) == text


def test_lone_surrogates_are_shown_without_formatting() -> None:
    text = "a\ud800b\nc"
    assert entities_to_html(text, [entity("bold", 0, 1)]) == "a\ud800b<br>c"


KINDS = [
    "bold", "italic", "underline", "strikethrough", "spoiler", "code", "pre", "text_link", "url",
    "email", "text_mention", "mention", "hashtag", "cashtag", "bot_command", "phone_number",
    "custom_emoji", "blockquote", "expandable_blockquote", "date_time", "new_kind",
]  # fmt: skip
# Lone surrogates (Cs) turn formatting off altogether, so they get a test of their own.
SPECIAL = st.sampled_from(list("<>&\"'\r\n💰é "))
TEXTS = st.text(st.one_of(st.characters(exclude_categories=["Cs"]), SPECIAL), max_size=40)
ANYTHING = st.one_of(
    st.none(),
    st.integers(),
    st.text(),
    st.dictionaries(
        st.sampled_from(["type", "offset", "length", "url"]), st.integers() | st.text()
    ),
)


EXTRAS = st.fixed_dictionaries(
    {},
    optional={
        "url": st.one_of(st.text(), st.sampled_from(["https://x.example", "javascript:x"])),
        "language": st.text(),
        "custom_emoji_id": st.text(),
        "user": st.fixed_dictionaries(
            {"id": st.integers(), "is_bot": st.booleans(), "first_name": st.text()}
        ),
    },
)


@st.composite
def well_shaped(draw: st.DrawFn, size: int) -> dict[str, Any]:
    """An entity dict mostly inside a text of `size` UTF-16 units, sometimes just outside."""
    offset = draw(st.integers(0, max(size - 1, 0)) | st.integers(-1, size + 1))
    length = draw(st.integers(1, max(size - offset, 1)) | st.integers(-1, size + 1))
    return {"type": draw(st.sampled_from(KINDS)), "offset": offset, "length": length} | draw(
        EXTRAS
    )


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, list[Any]]:
    text = draw(TEXTS)
    size = len(text.encode("utf-16-le", "surrogatepass")) // 2
    entity_or_junk = st.one_of(well_shaped(size), well_shaped(size), well_shaped(size), ANYTHING)
    return text, draw(st.lists(entity_or_junk, max_size=8))


@given(messages())
def test_never_raises_and_keeps_the_text(message: tuple[str, list[Any]]) -> None:
    text, entities = message
    rendered = entities_to_html(text, entities)
    assert visible_text(rendered) == normalize_newlines(text)
    seen = TagCollector(rendered)
    assert seen.tags <= ALLOWED_TAGS and seen.attributes <= {"href", "style"}
    for href in re.findall(r'<a href="([^"]*)"', rendered):
        assert re.match(r"(?:https?|tg|mailto):", html.unescape(href), re.IGNORECASE)
