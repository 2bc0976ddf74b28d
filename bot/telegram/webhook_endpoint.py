"""The URL Telegram POSTs updates to: only Telegram gets in, and only updates get through.

Every request must carry the secret given to ``setWebhook`` (WEBHOOK_SECRET, or one derived
from the bot token), so a forged update is refused (401) before it is read. A body that is
not an update gets 400 rather than a 500 with a traceback, which Telegram would resend; an
update of a kind this bot does not know (a newer Bot API) is taken and ignored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from bot.config import Settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The derived secret is an HMAC of the bot token under this label, so it reveals nothing
# of the token and differs from anything else keyed with it.
_SECRET_PURPOSE = b"agreement-bot: webhook secret_token v1"
# Ids are stored as BIGINT; a larger number in an update is not one Telegram sent.
_INT64 = range(-(2**63), 2**63)


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or a secret derived from the bot token: Telegram and the bot alone
    know the token, and every replica derives the same secret from it."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    key = settings.bot_token.get_secret_value().encode()
    digest = hmac.new(key, _SECRET_PURPOSE, hashlib.sha256).digest()
    # URL-safe base64 uses only characters Telegram allows in secret_token: 43 of them.
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class NotAnUpdate(ValueError):
    """The body of a request is not a Telegram update; the message says why."""


class UpdateEndpoint(SimpleRequestHandler):
    """aiogram's request handler, answering only after the update was handled."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret: str) -> None:
        super().__init__(dispatcher, bot, handle_in_background=False, secret_token=secret)
        self._secret = secret.encode("ascii")

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        # In constant time, as bytes: compare_digest refuses str that is not ASCII.
        given = telegram_secret_token.encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self._secret)

    async def handle(self, request: web.Request) -> web.Response:
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), self.bot):
            return web.Response(status=401, text="Unauthorized")
        try:
            update = parse_update(await request.read(), self.bot)
        except NotAnUpdate as refused:
            logger.warning("webhook request refused: %s", refused)
            return web.Response(status=400, text=f"Bad Request: {refused}")
        try:
            update.event_type  # noqa: B018 (raises for a kind aiogram does not know)
        except UpdateTypeLookupError:
            logger.warning("update=%s ignored: of a kind this bot does not know", update.update_id)
            return web.json_response({})
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            self.bot, update, **self.data
        )
        return web.Response(body=self._build_response_writer(bot=self.bot, result=result))


def parse_update(body: bytes, bot: Bot) -> Update:
    try:
        payload = json.loads(body)
    except ValueError:  # UnicodeDecodeError too, and numbers too long to read
        raise NotAnUpdate("the body is not JSON") from None
    except RecursionError:
        raise NotAnUpdate("the body is nested too deeply") from None
    if not isinstance(payload, dict):
        raise NotAnUpdate("the body is not a JSON object")
    try:
        if not _ints_fit(payload):
            raise NotAnUpdate("a number does not fit in 64 bits")
    except RecursionError:
        raise NotAnUpdate("the body is nested too deeply") from None
    try:
        return Update.model_validate(payload, context={"bot": bot})
    except ValidationError as invalid:
        # Where, not what: the values are the sender's text.
        [first, *_] = invalid.errors(include_input=False, include_url=False)
        where = ".".join(map(str, first["loc"])) or "the update"
        raise NotAnUpdate(f"not an update ({first['msg']} at {where})") from None


def _ints_fit(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_ints_fit(item) for item in value.values())
    if isinstance(value, list):
        return all(_ints_fit(item) for item in value)
    return not isinstance(value, int) or value in _INT64
