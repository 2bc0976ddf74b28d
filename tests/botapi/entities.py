"""MessageEntity in the fake: a small value type with TDLib's ordering and categories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

# TDLib sorts entities by (offset, -length, priority); equal ranges keep this order.
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre_code": 10,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
AUTO_TYPES = frozenset(
    {"mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number"}
    | {"bank_card_number"}
)
SPLITTABLE = frozenset({"bold", "italic", "underline", "strikethrough", "spoiler"})
BLOCKQUOTES = frozenset({"blockquote", "expandable_blockquote"})
PRE_LIKE = frozenset({"pre", "code"})


@dataclass(frozen=True)
class Entity:
    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    user_id: int | None = None
    custom_emoji_id: str | None = None

    @property
    def end(self) -> int:
        return self.offset + self.length

    @property
    def priority(self) -> int:
        if self.type == "pre" and self.language:
            return _PRIORITY["pre_code"]
        return _PRIORITY.get(self.type, 50)

    def sort_key(self) -> tuple[int, int, int]:
        return (self.offset, -self.length, self.priority)

    def moved(self, offset: int, length: int) -> Entity:
        return replace(self, offset=offset, length=length)

    def to_json(self, user_lookup: Callable[[int], dict[str, Any] | None]) -> dict[str, Any]:
        data: dict[str, Any] = {"offset": self.offset, "length": self.length, "type": self.type}
        if self.url is not None:
            data["url"] = self.url
        if self.user_id is not None:
            data["user"] = user_lookup(self.user_id)
        if self.language:
            data["language"] = self.language
        if self.custom_emoji_id is not None:
            data["custom_emoji_id"] = self.custom_emoji_id
        return data


def category(entity: Entity) -> str:
    if entity.type in SPLITTABLE:
        return "splittable"
    if entity.type in BLOCKQUOTES:
        return "blockquote"
    return "continuous"  # includes pre and code, which TDLib groups with them here


def sort_entities(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=Entity.sort_key)


def from_json(data: dict[str, Any]) -> Entity:
    """The inverse of ``to_json`` for messages the fake stored itself."""
    user = data.get("user")
    return Entity(
        type=data["type"],
        offset=data["offset"],
        length=data["length"],
        url=data.get("url"),
        language=data.get("language"),
        user_id=user["id"] if user else None,
        custom_emoji_id=data.get("custom_emoji_id"),
    )
