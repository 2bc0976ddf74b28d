"""From a request's text/parse_mode/entities to the text and entities Telegram stores.

Mirrors TDLib's pipeline: parse (HTML or explicit entities), clean control characters,
normalise entities, trim spaces and newlines at both ends, then add auto-detected entities.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .autodetect import find_entities
from .entities import AUTO_TYPES, Entity, sort_entities
from .entity_fixing import fix_entities, merge_new_entities
from .errors import ApiError, bad_request, lower_first
from .html_entities import HtmlParseError, ParsedText, parse_html
from .links import LinkError, check_link, link_user_id
from .utf16 import byte_offset, offsets

_REMOVED = frozenset("\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u0333\u033f\u030a")
# characters that do not count as content (TDLib's strip_empty_characters)
_EMPTY = frozenset(" \n\u200b\u200c\u200d\u200e\u200f\u202e\ufeff\u00a0")
TEXT_MUST_BE_NON_EMPTY = "text must be non-empty"


def _fail(message: str) -> ApiError:
    return bad_request(lower_first(message))


def parse_input(text: str, parse_mode: str, entities_json: str) -> ParsedText:
    """The Bot API layer: parse_mode wins over ``entities``; errors as Telegram words them."""
    mode = parse_mode.lower()
    if text and mode and mode != "none":
        if mode == "html":
            try:
                return parse_html(text)
            except HtmlParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        if mode in ("markdown", "markdownv2"):
            raise bad_request(
                f"can't parse entities: parse_mode {parse_mode} is not supported by the fake "
                "Bot API server (the bot is expected to use HTML)"
            )
        raise bad_request("unsupported parse_mode")
    return ParsedText(text, _entities_from_json(entities_json))


def _entities_from_json(raw: str) -> list[Entity]:
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return []  # like the Bot API, unparsable entities are ignored
    if not isinstance(value, list):
        return []
    entities = []
    for item in value:
        try:
            entity = _entity_from_json(item)
        except ValueError as error:
            raise bad_request(f"can't parse MessageEntity: {error}") from None
        if entity is not None:
            entities.append(entity)
    return entities


def _int_field(data: dict[str, Any], name: str) -> int:
    if name not in data:
        raise ValueError(f'Can\'t find field "{name}"')
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f'Field "{name}" must be of type Number')
    try:
        return int(value)
    except ValueError:
        raise ValueError(f'Field "{name}" must be of type Number') from None


def _str_field(data: dict[str, Any], name: str, *, required: bool = True) -> str:
    if name not in data:
        if required:
            raise ValueError(f'Can\'t find field "{name}"')
        return ""
    if not isinstance(data[name], str):
        raise ValueError(f'Field "{name}" must be of type String')
    return data[name]


def _entity_from_json(item: Any) -> Entity | None:
    if not isinstance(item, dict):
        raise ValueError("expected an Object")
    offset, length = _int_field(item, "offset"), _int_field(item, "length")
    kind = _str_field(item, "type")
    if kind in AUTO_TYPES:
        return None  # Telegram finds these itself
    if kind in ("bold", "italic", "underline", "strikethrough", "spoiler", "code"):
        return Entity(kind, offset, length)
    if kind in ("blockquote", "expandable_blockquote"):
        return Entity(kind, offset, length)
    if kind == "pre":
        return Entity("pre", offset, length, language=_str_field(item, "language", required=False))
    if kind == "text_link":
        url = _str_field(item, "url")
        user_id = link_user_id(url)
        if user_id is not None and user_id > 0:
            return Entity("text_mention", offset, length, user_id=user_id)
        try:
            return Entity("text_link", offset, length, url=check_link(url))
        except LinkError as error:
            raise ApiError(400, f"Bad Request: entity URL '{url}' is invalid: {error}") from None
    if kind == "text_mention":
        user = item.get("user")
        if not isinstance(user, dict):
            raise ValueError('Can\'t find field "user"')
        return Entity("text_mention", offset, length, user_id=_int_field(user, "id"))
    if kind == "custom_emoji":
        emoji_id = _int_field(item, "custom_emoji_id")
        if emoji_id == 0:
            raise ValueError("Invalid custom emoji identifier specified")
        return Entity("custom_emoji", offset, length, custom_emoji_id=str(emoji_id))
    raise ValueError("Unsupported type specified")


def _check_ranges(text: str, entities: list[Entity]) -> None:
    starts = offsets(text)
    boundaries = set(starts)
    total = starts[-1]
    for entity in sort_entities(entities):
        if not 0 <= entity.offset <= 1_000_000:
            raise _fail(f"Receive an entity with incorrect offset {entity.offset}")
        if not 0 <= entity.length <= 1_000_000:
            raise _fail(f"Receive an entity with incorrect length {entity.length}")
        if entity.offset > total:
            raise _fail(f"Entity begins after the end of the text at UTF-16 offset {total}")
        if entity.end > total:
            raise _fail(
                f"Entity beginning at UTF-16 offset {entity.offset} ends after the end of the "
                f"text at UTF-16 offset {entity.end}"
            )
        for point, what in ((entity.offset, "begins"), (entity.end, "ends")):
            if point not in boundaries:
                index = max(i for i, start in enumerate(starts) if start < point)
                raise _fail(
                    f"Entity {what} in a middle of a UTF-16 symbol at byte offset "
                    f"{byte_offset(text, index + 1)}"
                )


def _clean(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Control characters become spaces, some invisible ones vanish; entities follow."""
    kept: list[str] = []
    mapping = [0]  # old UTF-16 offset -> new UTF-16 offset
    new_offset = 0
    for char in text:
        if char not in _REMOVED:
            kept.append(" " if ord(char) < 32 and char != "\n" else char)
            new_offset += 2 if ord(char) > 0xFFFF else 1
        mapping.extend([new_offset] * (2 if ord(char) > 0xFFFF else 1))
    moved = [e.moved(mapping[e.offset], mapping[e.end] - mapping[e.offset]) for e in entities]
    return "".join(kept), moved


def _trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Drops spaces and newlines at the end, and at the start before the first entity."""
    text = text.rstrip(" \n")
    limit = offsets(text)[-1]
    entities = [
        e.moved(e.offset, min(e.end, limit) - e.offset) for e in entities if e.offset < limit
    ]
    first = min((e.offset for e in entities), default=len(text))
    lead = 0
    while lead < first and text[lead : lead + 1] in (" ", "\n"):
        lead += 1
    return text[lead:], sort_entities([e.moved(e.offset - lead, e.length) for e in entities])


def finalize(
    parsed: ParsedText,
    *,
    user_known: Callable[[int], bool],
    allow_empty: bool = False,
) -> ParsedText:
    """The text and entities a message will carry; raises "text must be non-empty"."""
    _check_ranges(parsed.text, parsed.entities)
    text, entities = _clean(parsed.text, fix_entities(parsed.entities))
    entities = [
        e for e in entities if e.type != "text_mention" or (e.user_id and user_known(e.user_id))
    ]
    entities = fix_entities(entities)
    if not text.strip(" \n"):
        if allow_empty:
            return ParsedText("", [])
        raise bad_request(TEXT_MUST_BE_NON_EMPTY)
    text, entities = _trim(text, entities)
    if all(char in _EMPTY for char in text):
        if allow_empty:
            return ParsedText("", [])
        raise bad_request(TEXT_MUST_BE_NON_EMPTY)
    return ParsedText(text, merge_new_entities(entities, find_entities(text)))


def entities_json(
    entities: list[Entity], user_lookup: Callable[[int], dict[str, Any] | None]
) -> list[dict[str, Any]]:
    return [entity.to_json(user_lookup) for entity in entities]
