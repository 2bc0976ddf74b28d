"""A Telegram message's text and entities as safe HTML for the email body.

aiogram's HtmlDecoration walks the entities (UTF-16 offsets, nesting). Its walker assumes
what Telegram promises: entities that nest without crossing, inside the text, not empty.
Given anything else it duplicates text or raises, so the stored entities are checked here
first, and the decoration is narrowed to the few tags a mail client should get.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from aiogram.enums import MessageEntityType as Kind
from aiogram.types import MessageEntity
from aiogram.utils.text_decorations import HtmlDecoration
from markupsafe import Markup, escape
from pydantic import ValidationError

from mailer.filters import normalize_newlines

# Telegram nests a handful deep; a cap keeps crafted data from exhausting the recursive walker.
MAX_DEPTH = 32

_MONO = (
    "font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;"
    " font-size:13px; background-color:#eef1f5; border-radius:3px;"
)
CODE_STYLE = _MONO + " padding:1px 4px;"
PRE_STYLE = (
    _MONO + " margin:4px 0; padding:8px 10px; white-space:pre-wrap; overflow-wrap:anywhere;"
)
BLOCKQUOTE_STYLE = (
    "margin:4px 0; padding:0 0 0 10px; border-left:3px solid #b8c2cc; color:#3d4a5c;"
)

_SAFE_LINK = re.compile(r"(?:https?|tg|mailto):", re.IGNORECASE)
_HAS_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
_LINKS = frozenset({Kind.URL, Kind.EMAIL, Kind.TEXT_LINK})
_TAGGED = frozenset(
    {
        Kind.BOLD,
        Kind.ITALIC,
        Kind.UNDERLINE,
        Kind.STRIKETHROUGH,
        Kind.CODE,
        Kind.PRE,
        Kind.BLOCKQUOTE,
        Kind.EXPANDABLE_BLOCKQUOTE,
    }
)


class MailHtmlDecoration(HtmlDecoration):
    """aiogram's HTML decoration with only mail-safe tags, inline styles and escaped links."""

    def apply_entity(self, entity: MessageEntity, text: str) -> str:
        # `text` is HTML already: escaped, with the nested entities applied.
        if entity.type in _LINKS:
            return self.link(text, entity.url or "")
        if entity.type in _TAGGED:
            return super().apply_entity(entity, text)
        # Mentions, hashtags, spoilers (a mail can't hide them), custom emoji (the fallback
        # emoji is the text), date_time and types newer than this code: the text as sent.
        # aiogram would quote() an unknown type's HTML a second time.
        return text

    def quote(self, value: str) -> str:
        # aiogram leaves quotes alone; escape them too, so no text can close an attribute.
        return str(escape(value)).replace("\n", "<br>")

    def link(self, value: str, link: str) -> str:
        if not _SAFE_LINK.match(link):
            return value  # javascript:, data: and the like: keep the words, drop the link
        return f'<a href="{escape(link)}">{value}</a>'  # aiogram doesn't escape the href

    def code(self, value: str) -> str:
        return self._tag(self.CODE_TAG, value, attrs={"style": CODE_STYLE})

    def pre(self, value: str) -> str:
        return self._tag(self.PRE_TAG, value, attrs={"style": PRE_STYLE})

    def pre_language(self, value: str, language: str) -> str:
        return self.pre(value)  # no highlighting in mail, so the language adds nothing

    def blockquote(self, value: str) -> str:
        return self._tag(self.BLOCKQUOTE_TAG, value, attrs={"style": BLOCKQUOTE_STYLE})

    def expandable_blockquote(self, value: str) -> str:
        return self.blockquote(value)


_DECORATION = MailHtmlDecoration()


def entities_to_html(text: str, entities: list[dict[str, Any]]) -> Markup:
    """The text as HTML with its formatting; bad entities are skipped, never raised on."""
    try:
        text, prepared = _prepare(text, entities)
    except UnicodeEncodeError:
        # Lone surrogates: no UTF-16 offsets to trust, so show the text unformatted.
        return Markup(_DECORATION.quote(normalize_newlines(text)))
    return Markup(_DECORATION.unparse(text, prepared))


def _prepare(text: str, raw: list[dict[str, Any]]) -> tuple[str, list[MessageEntity]]:
    """Valid entities, nested without crossing, for the text with newlines normalized."""
    size = len(text.encode("utf-16-le")) // 2
    mid_pair: set[int] = set()  # UTF-16 positions between the halves of a surrogate pair
    crlf: list[int] = []  # positions of the \r in each \r\n, which normalizing removes
    position = 0
    for index, char in enumerate(text):
        if ord(char) > 0xFFFF:
            mid_pair.add(position + 1)
        elif char == "\r" and text[index + 1 : index + 2] == "\n":
            crlf.append(position)
        position += 2 if ord(char) > 0xFFFF else 1

    entities = []
    for item in raw or ():
        try:
            entity = MessageEntity.model_validate(item)
        except ValidationError:
            continue
        start, end = entity.offset, entity.offset + entity.length
        if not 0 <= start < end <= size or start in mid_pair or end in mid_pair:
            continue
        if entity.type in {Kind.URL, Kind.EMAIL}:
            entity.url = _href(entity.type, entity.extract_from(text))
        # Shift past the removed \r's; an entity on a lone \r of a \r\n becomes empty.
        entity.offset = start - bisect_left(crlf, start)
        entity.length = end - bisect_left(crlf, end) - entity.offset
        entities.append(entity)
    return normalize_newlines(text), _nested(entities)


def _href(kind: str, shown: str) -> str:
    if kind == Kind.EMAIL:
        return f"mailto:{shown}"
    return shown if _HAS_SCHEME.match(shown) else f"http://{shown}"  # "example.com/x"


def _nested(entities: list[MessageEntity]) -> list[MessageEntity]:
    """Outer before inner; drop entities that are empty, cross another or nest too deep."""
    entities.sort(key=lambda e: (e.offset, -e.length))
    kept: list[MessageEntity] = []
    open_ends: list[int] = []  # ends of the entities enclosing the current position
    for entity in entities:
        end = entity.offset + entity.length
        while open_ends and open_ends[-1] <= entity.offset:
            open_ends.pop()
        if entity.length <= 0 or len(open_ends) >= MAX_DEPTH:
            continue
        if open_ends and end > open_ends[-1]:
            continue  # crosses an enclosing entity, which Telegram never sends
        open_ends.append(end)
        kept.append(entity)
    return kept
