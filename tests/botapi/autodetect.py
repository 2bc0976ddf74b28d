"""Entities Telegram finds by itself in any text: commands, mentions, hashtags, links.

Follows TDLib's matchers for bot commands, mentions, hashtags and cashtags. Links are
simplified: only explicit ``http(s)://`` and ``tg://`` URLs and e-mail addresses are found
(Telegram also links bare domains like ``example.com``; the fake does not).
"""

from __future__ import annotations

import re
import unicodedata

from .entities import Entity, sort_entities
from .utf16 import offsets

_COMMAND_CHARS = re.compile(r"[A-Za-z0-9_]*")
_BAD_URL_END = ".:;,('?!`"
_URL = re.compile(r"https?://[^\s<>\"«»\u2000-\u200b\u200e-\u200f\u2016-\u206f]+", re.IGNORECASE)
_TG_URL = re.compile(
    r"(?:tg|ton|tonsite)://[A-Za-z0-9_-]{1,253}(?:[/?#][^\s<>\"«»\u2000-\u200b\u200e-\u200f\u2016-\u206f]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"(?<![\w.+\-@])[A-Za-z0-9._+\-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,}(?![\w@])"
)
# two- and three-letter usernames that Telegram still links (its list is longer)
_SHORT_USERNAMES = frozenset({"gif", "wiki", "vid", "bing", "pic", "bold", "imdb", "coub"})


def is_word_char(char: str) -> bool:
    return char == "_" or unicodedata.category(char)[0] in "LN"


def _is_hashtag_letter(char: str) -> bool:
    if char in "_\u200c\u00b7" or "\u0d80" <= char <= "\u0dff":
        return True
    kind = unicodedata.category(char)
    return kind[0] == "L" or kind == "Nd"


def _commands(text: str) -> list[tuple[int, int]]:
    found = []
    for start in (i for i, c in enumerate(text) if c == "/"):
        if start and (is_word_char(text[start - 1]) or text[start - 1] in "/<>"):
            continue
        name = _COMMAND_CHARS.match(text, start + 1)
        end = name.end() if name else start + 1
        if not 1 <= end - start - 1 <= 64:
            continue
        if text[end : end + 1] == "@":
            username = _COMMAND_CHARS.match(text, end + 1)
            username_end = username.end() if username else end + 1
            if not 3 <= username_end - end - 1 <= 32:
                continue
            end = username_end
        if end < len(text) and (is_word_char(text[end]) or text[end] in "/<>"):
            continue
        found.append((start, end))
    return found


def _mentions(text: str) -> list[tuple[int, int]]:
    found = []
    for start in (i for i, c in enumerate(text) if c == "@"):
        if start and is_word_char(text[start - 1]):
            continue
        name = _COMMAND_CHARS.match(text, start + 1)
        end = name.end() if name else start + 1
        size = end - start - 1
        if not 2 <= size <= 32 or (end < len(text) and is_word_char(text[end])):
            continue
        if size < 4 and text[start + 1 : end].lower() not in _SHORT_USERNAMES:
            continue
        found.append((start, end))
    return found


def _hashtags(text: str) -> list[tuple[int, int]]:
    found = []
    for start in (i for i, c in enumerate(text) if c == "#"):
        if start and _is_hashtag_letter(text[start - 1]):
            continue
        end = start + 1
        while end < len(text) and _is_hashtag_letter(text[end]):
            end += 1
        body = text[start + 1 : end]
        if not body or text[end : end + 1] == "#":
            continue
        if not any(unicodedata.category(c)[0] == "L" for c in body[:256]):
            continue
        found.append((start, min(end, start + 1 + 256)))
    return found


def _cashtags(text: str) -> list[tuple[int, int]]:
    found = []
    for match in re.finditer(r"\$(1INCH|[A-Z]{1,8})", text):
        start, end = match.span()
        if start and (_is_hashtag_letter(text[start - 1]) or text[start - 1] == "$"):
            continue
        if end < len(text) and (_is_hashtag_letter(text[end]) or text[end] == "$"):
            continue
        found.append((start, end))
    return found


def _links(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    found = []
    for match in pattern.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _BAD_URL_END:
            end -= 1
        found.append((start, end))
    return found


def find_entities(text: str) -> list[Entity]:
    """Auto-detected entities, non-intersecting, sorted, in UTF-16 units."""
    spans: list[tuple[str, int, int]] = []
    for kind, finder in (
        ("mention", _mentions),
        ("bot_command", _commands),
        ("hashtag", _hashtags),
        ("cashtag", _cashtags),
    ):
        spans += [(kind, start, end) for start, end in finder(text)]
    spans += [("url", s, e) for s, e in _links(_TG_URL, text)]
    spans += [("url", s, e) for s, e in _links(_URL, text)]
    spans += [("email", s, e) for s, e in _links(_EMAIL, text)]
    starts = offsets(text)
    entities = sort_entities(
        [Entity(kind, starts[s], starts[e] - starts[s]) for kind, s, e in spans if e > s]
    )
    result: list[Entity] = []
    for entity in entities:
        if not result or entity.offset >= result[-1].end:
            result.append(entity)
    return result
