"""Request parameters the way the Bot API reads them: every value is a string."""

from __future__ import annotations

import builtins
import json
import re
from typing import Any

from aiohttp import web

from .errors import bad_request

_INTEGER_PREFIX = re.compile(r"\s*([+-]?\d+)")


def _as_text(value: Any) -> str | None:
    """JSON bodies: strings stay, scalars keep their JSON spelling, objects are re-encoded."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def read_params(request: web.Request) -> dict[str, str]:
    """Query string first, then the body: multipart, urlencoded or JSON."""
    params: dict[str, str] = {}
    for key, value in request.query.items():
        params.setdefault(key, value)
    content_type = request.content_type
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        for key, field in form.items():
            if isinstance(field, str):
                decoded = field
            elif isinstance(field, bytes | bytearray):
                decoded = field.decode("utf-8")
            else:
                decoded = field.file.read().decode("utf-8")
            params.setdefault(key, decoded)
    elif content_type == "application/json":
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            body = {}  # the Bot API ignores a body it cannot parse
        if isinstance(body, dict):
            for key, value in body.items():
                text = _as_text(value)
                if text is not None:
                    params.setdefault(key, text)
    return params


def to_integer(text: str) -> int:
    """td::to_integer: the leading integer, or 0 for anything else."""
    match = _INTEGER_PREFIX.match(text)
    return int(match.group(1)) if match else 0


class Params:
    """Typed access to one request's raw string parameters.

    Its methods are named after the types they return, so annotations inside the class
    spell the builtins as ``builtins.str`` and ``builtins.int``.
    """

    def __init__(self, raw: dict[str, str]) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        return name in self.raw

    def str(self, name: str) -> str:
        return self.raw.get(name, "")

    def int(self, name: builtins.str, default: builtins.int = 0) -> builtins.int:
        text = self.str(name)
        return to_integer(text) if text else default

    def clamped(
        self, name: builtins.str, default: builtins.int, low: builtins.int, high: builtins.int
    ) -> builtins.int:
        return max(low, min(high, self.int(name, default)))

    def bool(self, name: builtins.str) -> builtins.bool:
        return self.str(name).strip().lower() in ("true", "yes", "1")

    def json(self, name: builtins.str, what: builtins.str) -> Any:
        """A JSON-encoded parameter; ``what`` names it in "can't parse ... JSON object"."""
        text = self.str(name)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise bad_request(f"can't parse {what} JSON object") from None
