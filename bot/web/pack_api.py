"""Evidence packs for the Mini App: a ZIP for one agreement, or for every agreement of a
chat that the user may see (bot/agreements/pack.py makes it). Signed in, throttled and
checked like every other API call: a chat or agreement that isn't the user's is the same
404 as one that doesn't exist.

A pack is built in memory, so a chat's is capped: at most MAX_CHAT_PACK_AGREEMENTS, and at
most MAX_CHAT_PACK_BYTES of records and mails before compression (the agreed files make
most of it: one 7 MB file rides in every mail about its agreement). One agreement's pack
is never refused: it is what a user needs most, and it is bounded by that agreement's own
mails. PACKS_AT_ONCE bound the memory all packs take together.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.pack import build_pack
from bot.agreements.pack_size import pack_bytes
from bot.db.models import Agreement
from bot.mail.parts import record_filename
from bot.web.access import Access
from bot.web.api_answers import ApiError
from bot.web.app_api import MAX_ID
from bot.web.sign_in import AppUser

MAX_CHAT_PACK_AGREEMENTS = 200
MAX_CHAT_PACK_BYTES = 64_000_000
PACKS_AT_ONCE = 2


class PackApi:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        user: Callable[[web.Request], AppUser],
        access: Access,
        zone: ZoneInfo,
    ) -> None:
        """``user`` signs the request in and throttles it (the API's own)."""
        self._session_factory = session_factory
        self._user = user
        self._access = access
        self._zone = zone
        self._building = asyncio.Semaphore(PACKS_AT_ONCE)

    def register(self, app: web.Application) -> None:
        app.router.add_get(r"/api/agreements/{agreement_id:\d{1,19}}/pack", self.agreement)
        app.router.add_get(r"/api/chats/{chat_id:-?\d{1,19}}/pack", self.chat)

    async def agreement(self, request: web.Request) -> web.Response:
        user = self._user(request)
        agreement_id = int(request.match_info["agreement_id"])
        async with self._turn(), self._session_factory() as session:
            if agreement_id > MAX_ID or not await self._access.may_see(
                session, agreement_id, user.id
            ):
                raise _not_found("no such agreement among yours")
            found = (
                await session.execute(
                    select(Agreement.chat_id, Agreement.number).where(Agreement.id == agreement_id)
                )
            ).first()
            if found is None:
                raise _not_found("no such agreement among yours")
            name = "evidence-" + record_filename(found.chat_id, found.number).removesuffix(".json")
            return await self._pack(session, user, [agreement_id], name)

    async def chat(self, request: web.Request) -> web.Response:
        user = self._user(request)
        chat_id = int(request.match_info["chat_id"])
        async with self._turn(), self._session_factory() as session:
            ids = (
                []
                if abs(chat_id) > MAX_ID
                else await self._access.chat_agreements(session, chat_id, user.id)
            )
            if not ids:  # no such chat, or nothing in it is the user's: alike
                raise _not_found("no such chat among yours")
            if len(ids) > MAX_CHAT_PACK_AGREEMENTS:
                raise _too_large(
                    f"the chat has {len(ids)} agreements; a pack holds at most "
                    f"{MAX_CHAT_PACK_AGREEMENTS}: download them one by one",
                    "agreements",
                    len(ids),
                )
            size = await pack_bytes(session, user.id, ids)
            if size > MAX_CHAT_PACK_BYTES:
                raise _too_large(
                    f"the chat's records and mails hold {size} bytes; a pack holds at most "
                    f"{MAX_CHAT_PACK_BYTES}: download its agreements one by one",
                    "bytes",
                    size,
                )
            return await self._pack(session, user, ids, f"evidence-chat{chat_id}")

    @contextlib.asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """One of PACKS_AT_ONCE, taken before a database connection is: a request that
        would wait is refused instead, so waiting packs hold no connections the bot's
        handlers need."""
        if self._building.locked():
            raise ApiError(503, "busy", "other packs are being built: try again in a minute")
        async with self._building:
            yield

    async def _pack(
        self, session: AsyncSession, user: AppUser, ids: list[int], name: str
    ) -> web.Response:
        content = await build_pack(session, user.id, ids, user.language, self._zone)
        return web.Response(
            body=content,
            content_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}.zip"'},
        )


def _not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def _too_large(message: str, counted: str, count: int) -> ApiError:
    """``counted``: what went over ("agreements" or "bytes"), with how many there are."""
    extra: dict[str, Any] = {
        counted: count,
        "max_agreements": MAX_CHAT_PACK_AGREEMENTS,
        "max_bytes": MAX_CHAT_PACK_BYTES,
    }
    return ApiError(422, "pack_too_large", message, **extra)
