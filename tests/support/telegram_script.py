"""Serves the stand-in of Telegram's telegram-web-app.js (static/telegram-web-app.js) on a
port of its own: another origin than the pages', as telegram.org is, so the Mini App's
Content-Security-Policy has to let exactly that script in."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

SCRIPT = Path(__file__).parent / "static" / "telegram-web-app.js"
PATH = "/js/telegram-web-app.js"


@contextlib.asynccontextmanager
async def serving_telegram_script() -> AsyncIterator[str]:
    """The script's URL while the block runs."""

    async def script(_: web.Request) -> web.FileResponse:
        return web.FileResponse(SCRIPT, headers={"Content-Type": "text/javascript"})

    app = web.Application()
    app.router.add_get(PATH, script)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}{PATH}"
    finally:
        await runner.cleanup()
