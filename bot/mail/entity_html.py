"""How a record's formatted text looks in its mail: the styles of code, pre and quotes, the
links a mail may carry, and which entities nest. Nothing here knows aiogram.

Walking a message's entities into HTML is aiogram's (bot/telegram/formatting.py); letters and
verify are handed that walk as an ``EntitiesToHtml`` and never import it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from markupsafe import Markup

# A message's text and its stored entities (Bot API dicts) as safe HTML for the mail.
EntitiesToHtml = Callable[[str, list[dict[str, Any]]], Markup]

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


def is_safe_link(link: str) -> bool:
    """javascript:, data: and the like are not: the words stay, the link goes."""
    return bool(_SAFE_LINK.match(link))


def href(kind: str, shown: str) -> str:
    """Where a url or email entity points, from the text it covers."""
    if kind == "email":
        return f"mailto:{shown}"
    return shown if _HAS_SCHEME.match(shown) else f"http://{shown}"  # "example.com/x"


class Span(Protocol):
    offset: int
    length: int


S = TypeVar("S", bound=Span)


def nested(entities: list[S]) -> list[S]:
    """Outer before inner; drop entities that are empty, cross another or nest too deep."""
    entities.sort(key=lambda e: (e.offset, -e.length))
    kept: list[S] = []
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
