"""The Mini App's page, ``/app``: a shell that loads Telegram's script and its own, with the
texts for both languages (its script picks the reader's Telegram language)."""

from __future__ import annotations

import json

from aiohttp import web

from bot.core.people import SUPPORTED_LANGUAGES
from bot.web.pages import PageRenderer, page_language
from bot.web.security import mini_app_policy


class AppPage:
    def __init__(self, renderer: PageRenderer, script_url: str) -> None:
        self._renderer = renderer
        self._script_url = script_url
        self._policy = mini_app_policy(script_url)
        # The same for every request: rendered once.
        self._texts = {
            language: json.loads(renderer.render("_app_texts.html", language))
            for language in SUPPORTED_LANGUAGES
        }

    def register(self, app: web.Application) -> None:
        app.router.add_get("/app", self.page)

    async def page(self, request: web.Request) -> web.Response:
        response = self._renderer.page(
            "app.html",
            page_language(request),
            texts=self._texts,
            script_url=self._script_url,
        )
        response.headers["Content-Security-Policy"] = self._policy
        return response
