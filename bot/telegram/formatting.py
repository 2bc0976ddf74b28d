"""A Telegram message's text and entities as safe HTML for the email body.

The styles, the link rules and the nesting need no aiogram and sit in bot/mail/entity_html.py;
letters and verify are handed ``entities_to_html`` and never import this module.

aiogram's HtmlDecoration walks the entities (UTF-16 offsets, nesting). Its walker assumes
what Telegram promises: entities that nest without crossing, inside the text, not empty.
Given anything else it duplicates text or raises, so the stored entities are checked here
first, and the decoration is narrowed to the few tags a mail client should get.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from aiogram.enums import MessageEntityType as Kind
from aiogram.types import MessageEntity
from aiogram.utils.text_decorations import HtmlDecoration
from markupsafe import Markup, escape
from pydantic import ValidationError

from bot.mail.entity_html import (
    BLOCKQUOTE_STYLE,
    CODE_STYLE,
    PRE_STYLE,
    href,
    is_safe_link,
    nested,
)
from bot.telegram.views.common import utf16_length
from mailer.filters import normalize_newlines

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
        if not is_safe_link(link):
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


class PageHtmlDecoration(MailHtmlDecoration):
    """The same tags for the web pages, styled by their style sheet: their Content Security
    Policy refuses inline styles."""

    def code(self, value: str) -> str:
        return self._tag(self.CODE_TAG, value)

    def pre(self, value: str) -> str:
        return self._tag(self.PRE_TAG, value)

    def blockquote(self, value: str) -> str:
        return self._tag(self.BLOCKQUOTE_TAG, value)


_DECORATION = MailHtmlDecoration()
_PAGE_DECORATION = PageHtmlDecoration()


def entities_to_html(text: str, entities: list[dict[str, Any]]) -> Markup:
    """The text as HTML with its formatting; bad entities are skipped, never raised on."""
    return _decorated(_DECORATION, text, entities)


def entities_to_page_html(text: str, entities: list[dict[str, Any]]) -> Markup:
    """``entities_to_html`` for the web pages: no inline styles."""
    return _decorated(_PAGE_DECORATION, text, entities)


def _decorated(
    decoration: MailHtmlDecoration, text: str, entities: list[dict[str, Any]]
) -> Markup:
    try:
        text, prepared = _prepare(text, entities)
    except UnicodeEncodeError:
        # Lone surrogates: no UTF-16 offsets to trust, so show the text unformatted.
        return Markup(decoration.quote(normalize_newlines(text)))
    return Markup(decoration.unparse(text, prepared))


def _prepare(text: str, raw: list[dict[str, Any]]) -> tuple[str, list[MessageEntity]]:
    """Valid entities, nested without crossing, for the text with newlines normalized."""
    size = utf16_length(text)
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
            entity.url = href(entity.type, entity.extract_from(text))
        # Shift past the removed \r's; an entity on a lone \r of a \r\n becomes empty.
        entity.offset = start - bisect_left(crlf, start)
        entity.length = end - bisect_left(crlf, end) - entity.offset
        entities.append(entity)
    return normalize_newlines(text), nested(entities)
