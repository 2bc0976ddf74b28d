"""getUpdates and the webhook switch that excludes it."""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urlsplit

from ..errors import bad_request, conflict
from ..updates import DEFAULT_UPDATE_TYPES, MAX_TIMEOUT, parse_allowed_updates
from .context import Context, Handler

WEBHOOK_PORTS = (80, 88, 443, 8443)


async def get_updates(ctx: Context) -> list[dict[str, Any]]:
    if ctx.state.webhook_url:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    params = ctx.params
    allowed = parse_allowed_updates(params.str("allowed_updates"))
    if allowed is not None:
        ctx.updates.allowed = allowed  # remembered for later calls, like Telegram
    updates = await ctx.updates.poll(
        offset=params.int("offset"),
        limit=params.clamped("limit", 100, 1, 100),
        timeout=params.clamped("timeout", 0, 0, MAX_TIMEOUT),
    )
    for update in updates:
        query = update.get("callback_query")
        if query and query["id"] not in ctx.state.answered_queries:
            ctx.state.delivered_queries[query["id"]] = query
    return copy.deepcopy(updates)


def _check_webhook_url(url: str, local: bool) -> None:
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if local:  # a self-hosted server in --local mode takes http and any port
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: Wrong HTTP URL specified")
        return
    if parts.scheme.lower() != "https":
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (parts.port or 443) not in WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


async def set_webhook(ctx: Context) -> bool:
    url = ctx.params.str("url")
    if url:
        _check_webhook_url(url, ctx.state.local_webhooks)
        ctx.updates.terminate_waiter("terminated by setWebhook request")
    secret = ctx.params.str("secret_token")
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    ctx.state.webhook_url = url
    ctx.state.webhook_secret = secret
    if ctx.params.bool("drop_pending_updates"):
        ctx.updates.clear()
    allowed = parse_allowed_updates(ctx.params.str("allowed_updates"))
    if allowed is not None:
        ctx.updates.allowed = allowed
    return True


async def delete_webhook(ctx: Context) -> bool:
    ctx.state.webhook_url = ""
    if ctx.params.bool("drop_pending_updates"):
        ctx.updates.clear()
    return True


async def get_webhook_info(ctx: Context) -> dict[str, Any]:
    info: dict[str, Any] = {
        "url": ctx.state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(ctx.updates.pending),
    }
    if ctx.state.webhook_url:
        info["max_connections"] = 40
    if ctx.updates.allowed != DEFAULT_UPDATE_TYPES:
        info["allowed_updates"] = sorted(ctx.updates.allowed)
    return info


METHODS: dict[str, Handler] = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
