"""The record page behind every mail, ``/r/<digest>``, and its two downloads."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.chain_standing import ChainVerdicts
from bot.agreements.record_status import RecordStatus, confirmed_record, record_status
from bot.core.timefmt import format_both
from bot.evidence.tsa_client import REPLY_TYPE as STAMP_TYPE
from bot.mail.parts import RECORD_TYPE, stamp_filename
from bot.telegram.formatting import entities_to_page_html
from bot.web.pages import PageRenderer, page_language
from bot.web.throttle import Throttle

DIGEST = "{digest:[0-9a-f]{64}}"


class RecordPages:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        renderer: PageRenderer,
        throttle: Throttle,
        zone: ZoneInfo,
        tsa_roots: list[bytes] | None,
        verdicts: ChainVerdicts,
    ) -> None:
        self._session_factory = session_factory
        self._renderer = renderer
        self._throttle = throttle
        self._zone = zone
        self._tsa_roots = tsa_roots
        self._verdicts = verdicts

    def register(self, app: web.Application) -> None:
        app.router.add_get(f"/r/{DIGEST}", self.page)
        app.router.add_get(f"/r/{DIGEST}.json", self.record)
        app.router.add_get(f"/r/{DIGEST}.tsr", self.token)

    async def page(self, request: web.Request) -> web.Response:
        language = page_language(request)
        status = await self._status(request)
        if status is None:
            async with self._session_factory() as session:
                confirmed = await confirmed_record(session, request.match_info["digest"])
            if confirmed is not None:  # an email confirmation: shown on its record's page
                raise web.HTTPFound(f"/r/{confirmed}#confirmations")
            return self._renderer.page("not_found.html", language, status=404)
        return self._renderer.page(
            "record.html",
            language,
            record=status,
            text_html=entities_to_page_html(status.text, status.entities),
            when=lambda moment: format_both(moment, self._zone),
        )

    async def record(self, request: web.Request) -> web.Response:
        status = await self._found(request)
        return _download(status.record, RECORD_TYPE, status.file_name)

    async def token(self, request: web.Request) -> web.Response:
        status = await self._found(request)
        if status.stamp is None or status.stamp.token is None:
            raise web.HTTPNotFound(text="No timestamp for this record (yet)\n")
        return _download(status.stamp.token, STAMP_TYPE, stamp_filename(status.file_name))

    async def _found(self, request: web.Request) -> RecordStatus:
        status = await self._status(request)
        if status is None:
            raise web.HTTPNotFound(text="No record has this digest\n")
        return status

    async def _status(self, request: web.Request) -> RecordStatus | None:
        self._throttle.check(request)  # digests are unguessable; walking them must stay so
        async with self._session_factory() as session:
            return await record_status(
                session, request.match_info["digest"], self._tsa_roots, self._verdicts
            )


def _download(content: bytes, content_type: str, file_name: str) -> web.Response:
    return web.Response(
        body=content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )
