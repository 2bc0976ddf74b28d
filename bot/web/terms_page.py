"""The signing terms for anyone to read, ``/terms``, and each text's exact bytes, the file
whose SHA-256 parties accept (``/terms/v1.ru.txt``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiohttp import web

from bot.terms.texts import CURRENT_VERSION, Terms, current_terms, terms
from bot.web.pages import PageRenderer, page_language

NUMBERED = re.compile(r"\d+\. ")


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of the text as the page lays it out: a numbered heading, a paragraph or a
    list ("- " lines). The file itself stays plain text."""

    kind: str  # "heading", "paragraph" or "list"
    lines: list[str]


def blocks(text: str) -> list[Block]:
    laid_out: list[Block] = []
    for line in text.strip().splitlines()[1:]:  # the first line is the page's title
        if not line.strip():
            continue
        if NUMBERED.match(line):
            laid_out.append(Block("heading", [line]))
        elif line.startswith("- "):
            if laid_out and laid_out[-1].kind == "list":
                laid_out[-1].lines.append(line[2:])
            else:
                laid_out.append(Block("list", [line[2:]]))
        else:
            laid_out.append(Block("paragraph", [line]))
    return laid_out


class TermsPage:
    def __init__(self, renderer: PageRenderer) -> None:
        self._renderer = renderer

    def register(self, app: web.Application) -> None:
        app.router.add_get("/terms", self.page)
        app.router.add_get(r"/terms/v{version:\d{1,4}}.{language:ru|en}.txt", self.file)

    async def page(self, request: web.Request) -> web.Response:
        language = page_language(request)
        shown = current_terms(language)
        return self._renderer.page(
            "terms.html",
            language,
            terms=shown,
            title=shown.text.strip().splitlines()[0],
            blocks=blocks(shown.text),
            file_url=file_path(shown),
        )

    async def file(self, request: web.Request) -> web.Response:
        """The exact bytes: ``sha256sum`` of the download is the digest parties accepted."""
        version = int(request.match_info["version"])
        if not 1 <= version <= CURRENT_VERSION:
            raise web.HTTPNotFound(text="No such version of the terms\n")
        shown = terms(version, request.match_info["language"])
        return web.Response(
            body=shown.content,
            content_type="text/plain",
            charset="utf-8",
            headers={"Content-Disposition": f'inline; filename="{shown.file_name}"'},
        )


def file_path(shown: Terms) -> str:
    return f"/terms/v{shown.version}.{shown.language}.txt"
