"""The web server: its own port, or the webhook's server in webhook mode (one port).

Pages are rendered on the server from templates/web; static/web holds their one style
sheet and scripts. Without WEB_BASE_URL none of this runs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import DEFAULT_WEB_PORT, Settings
from bot.paths import STATIC_DIR
from bot.web.pages import PageRenderer
from bot.web.record_pages import RecordPages
from bot.web.security import security_headers
from bot.web.throttle import Throttle
from bot.web.verify_page import VerifyPage

logger = logging.getLogger(__name__)

# Record look-ups a minute from one client.
LOOKUPS_PER_MINUTE = 60
# Files checked on the verify page a minute from one client: a large mail's check takes a
# core for a while.
CHECKS_PER_MINUTE = 10


class WebSite:
    def __init__(
        self, settings: Settings, session_factory: async_sessionmaker[AsyncSession]
    ) -> None:
        self._settings = settings
        renderer = PageRenderer()
        lookups = Throttle(LOOKUPS_PER_MINUTE)
        self._records = RecordPages(
            session_factory, renderer, lookups, settings.zone, settings.trusted_roots()
        )
        self._verify = VerifyPage(settings, session_factory, renderer, Throttle(CHECKS_PER_MINUTE))

    def install(self, app: web.Application) -> None:
        """Add the pages to ``app`` (the webhook's server, or the site's own)."""
        app.middlewares.append(security_headers)
        app.router.add_static("/static/", STATIC_DIR / "web")
        self._records.register(app)
        self._verify.register(app)

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[None]:
        """Serve on WEB_HOST:WEB_PORT while the block runs."""
        app = web.Application()
        self.install(app)
        runner = web.AppRunner(app, access_log=None)  # an access log would name the digests
        await runner.setup()
        port = self._settings.web_port or DEFAULT_WEB_PORT
        await web.TCPSite(runner, self._settings.web_host, port).start()
        logger.info("web pages served on %s:%s", self._settings.web_host, port)
        try:
            yield
        finally:
            await runner.cleanup()
