"""Headers every answer carries: what a page may load, and that it is not framed."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

# The pages load only their own script and style; nothing remote, nothing inline.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def mini_app_policy(script_url: str) -> str:
    """The Mini App's policy: it also loads Telegram's script (that one file: its address
    without the query, which a policy can't name), and Telegram's web clients show it in a
    frame. Its data comes from this server's API only."""
    script = script_url.split("#", 1)[0].split("?", 1)[0]
    return (
        f"default-src 'none'; script-src 'self' {script}; style-src 'self'; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors https://web.telegram.org https://*.web.telegram.org"
    )


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # 404s and 405s carry the headers too
        response = exc
    response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # A record page's address is its key: never hand it to another site.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    if isinstance(response, web.HTTPException):
        raise response
    return response
