"""The Mini App API answers in JSON only, its refusals too: a code the page turns into
words in the reader's language, and a line in English for anyone reading the raw answer."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

API_PREFIX = "/api/"


class ApiError(web.HTTPException):
    """An HTTP error whose body is ``{"error": code, "message": ...}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.status_code = status
        body = json.dumps({"error": code, "message": message, **extra})
        super().__init__(text=body, content_type="application/json", headers=headers)


def answer(data: Any) -> web.Response:
    return web.json_response(data, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """aiohttp's own 404s and 405s under /api/ in JSON as well."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    try:
        return await handler(request)
    except ApiError:
        raise
    except web.HTTPException as exc:
        if exc.status_code < 400:
            raise
        code = _CODES.get(exc.status_code, "error")
        kept = {k: v for k, v in exc.headers.items() if k == "Retry-After"}
        raise ApiError(exc.status_code, code, exc.reason, headers=kept) from None


_CODES = {404: "not_found", 405: "method_not_allowed", 429: "too_many_requests"}
