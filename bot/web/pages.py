"""The pages' templates (templates/web) in the reader's language."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.core.people import SUPPORTED_LANGUAGES
from bot.core.timefmt import format_utc
from bot.paths import LOCALES_DIR, TEMPLATES_DIR

GETTEXT_DOMAIN = "web"
DEFAULT_LANGUAGE = "en"


class PageRenderer:
    """One jinja2 Environment and the compiled catalogs, loaded at start."""

    def __init__(self) -> None:
        self._env = Environment(
            loader=FileSystemLoader(TEMPLATES_DIR / "web"),
            autoescape=select_autoescape(enabled_extensions=("html",), default=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self._env.policies["ext.i18n.trimmed"] = True
        self._env.filters["utc"] = format_utc
        self._translations = {
            language: gettext.translation(GETTEXT_DOMAIN, LOCALES_DIR, languages=[language])
            for language in SUPPORTED_LANGUAGES
        }

    def gettext(self, language: str) -> Callable[[str], str]:
        return self._translations[language].gettext

    def render(self, template: str, language: str, **context: Any) -> str:
        # Rendering is synchronous: no other request switches the language meanwhile.
        self._env.install_gettext_translations(  # type: ignore[attr-defined]
            self._translations[language], newstyle=True
        )
        return self._env.get_template(template).render(language=language, **context)

    def page(
        self, template: str, language: str, status: int = 200, **context: Any
    ) -> web.Response:
        return web.Response(
            text=self.render(template, language, **context),
            status=status,
            content_type="text/html",
            charset="utf-8",
        )


def page_language(request: web.Request, preferred: str | None = None) -> str:
    """``?lang=ru`` when given, else ``preferred`` (a page about a mail: the mail's
    language), else the browser's first supported language."""
    asked = request.query.get("lang")
    if asked in SUPPORTED_LANGUAGES:
        return asked
    if preferred in SUPPORTED_LANGUAGES:
        return preferred
    for item in request.headers.get("Accept-Language", "").split(","):
        code = item.split(";")[0].strip().lower()[:2]
        if code in SUPPORTED_LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
