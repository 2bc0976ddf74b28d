"""Webhook mode: the update endpoint at WEBHOOK_URL's path, /healthz and /metrics.

Each update is answered only after it was handled (not in the background), so Telegram
keeps and resends an update whose replica died halfway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.journal.journal import Journal
from bot.telegram.webhook_endpoint import UpdateEndpoint, webhook_secret

logger = logging.getLogger(__name__)

# Updates handled at once; the rest wait in line (Telegram itself sends at most 40).
UPDATES_AT_ONCE = 4


def webhook_path(settings: Settings) -> str:
    assert settings.webhook_url is not None
    return urlsplit(str(settings.webhook_url)).path or "/"


async def serve_webhook(
    settings: Settings,
    dispatcher: Dispatcher,
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    journal: Journal,
    stop: asyncio.Event,
    grace: float,
    pages: Callable[[web.Application], None] | None = None,
) -> None:
    """Serve until ``stop`` is set; requests under way then get ``grace`` seconds.
    ``pages`` adds the web pages to this server (WEB_PORT unset or the same)."""
    path = webhook_path(settings)
    app = web.Application(
        middlewares=[_bounded(path, UPDATES_AT_ONCE), _journal_stored(path, journal)]
    )
    UpdateEndpoint(dispatcher, bot, webhook_secret(settings)).register(app, path=path)
    app.router.add_get("/healthz", _healthz(session_factory))
    app.router.add_get("/metrics", _metrics)
    if pages is not None:
        pages(app)
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app, shutdown_timeout=grace, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    logger.info(
        "webhook served on %s:%s%s",
        settings.webhook_host,
        settings.webhook_port,
        webhook_path(settings),
    )
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def _bounded(path: str, limit: int) -> Any:
    """Handle at most ``limit`` updates at once: each takes database connections from a
    bounded pool, and a burst of requests would otherwise starve them all."""
    slots = asyncio.Semaphore(limit)

    @web.middleware
    async def bounded(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path != path:
            return await handler(request)
        async with slots:
            return await handler(request)

    return bounded


def _journal_stored(path: str, journal: Journal) -> Any:
    """Telegram hears an update was taken only once what it journaled is stored."""

    @web.middleware
    async def stored(request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        if request.path == path:
            await journal.flush()  # requests at once share one transaction
        return response

    return stored


async def _metrics(_request: web.Request) -> web.Response:
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def _healthz(
    session_factory: async_sessionmaker[AsyncSession],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def healthz(_request: web.Request) -> web.Response:
        try:
            async with session_factory() as session:
                await session.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as exc:
            logger.warning("health check: database unreachable: %s", exc)
            return web.json_response({"database": "unreachable"}, status=503)
        return web.json_response({"database": "ok"})

    return healthz
