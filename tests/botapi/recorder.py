"""What the bot asked for: every call with decoded parameters and the answer it got."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# values that are JSON in the Bot API and are decoded for readable assertions
JSON_FIELDS = frozenset(
    {"reply_markup", "reply_parameters", "entities", "caption_entities", "allowed_updates"}
    | {"commands", "scope", "link_preview_options", "media", "results", "permissions"}
    | {"message_ids", "reaction", "menu_button", "rights"}
)
# values that must stay strings even when they look like numbers or booleans
TEXT_FIELDS = frozenset(
    {"text", "caption", "url", "callback_query_id", "inline_message_id", "description"}
    | {"short_description", "name", "title", "language_code", "secret_token", "parse_mode"}
    | {"action", "emoji", "query", "custom_title", "question", "ip_address", "data"}
)
_INTEGER = re.compile(r"-?\d+")


def decode_params(raw: dict[str, str]) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for key, value in raw.items():
        decoded[key] = _decode(key, value)
    return decoded


def _decode(key: str, value: str) -> Any:
    if key in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if key in TEXT_FIELDS:
        return value
    if _INTEGER.fullmatch(value):
        return int(value)
    if value in ("true", "false"):
        return value == "true"
    return value


@dataclass
class RecordedCall:
    """One request: ``params`` decoded, ``raw`` as received, and the answer."""

    method: str
    params: dict[str, Any]
    raw: dict[str, str]
    ok: bool = False
    result: Any = None
    error_code: int | None = None
    description: str | None = None
    answered: bool = False
    sequence: int = field(default=0)

    def __repr__(self) -> str:
        outcome = "ok" if self.ok else f"{self.error_code} {self.description!r}"
        return f"<{self.method} #{self.sequence} {outcome} {self.params!r}>"
