"""Evidence packs for the Mini App: a ZIP for one agreement, or for every agreement of a
chat that the user may see (bot/agreements/pack.py makes it). Signed in, throttled and
checked like every other API call: a chat or agreement that isn't the user's is the same
404 as one that doesn't exist.

A pack is built in memory, so a chat's is capped: at most MAX_CHAT_PACK_AGREEMENTS, and at
most MAX_CHAT_PACK_BYTES of records and mails before compression (the agreed files make
most of it: one 7 MB file rides in every mail about its agreement). One agreement's pack
is never refused: it is what a user needs most, and it is bounded by that agreement's own
mails. PACKS_AT_ONCE bound the memory all packs take together.

Telegram's clients (Bot API 8.0) save a file from a URL they fetch themselves
(WebApp.downloadFile), which a blob: URL in the webview may not be; such a fetch carries no
initData. So the app may ask for a link instead (POST .../pack-link): a signed token naming
the user and the pack, valid LINK_SECONDS, with every check made again when it is fetched.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.pack import build_pack
from bot.agreements.pack_size import pack_bytes
from bot.core.signed_links import BadLink, LinkSigner
from bot.db.models import Agreement
from bot.mail.parts import record_filename
from bot.web.access import Access
from bot.web.api_answers import ApiError, answer
from bot.web.app_api import MAX_ID
from bot.web.sign_in import AppUser
from bot.web.throttle import Throttle

MAX_CHAT_PACK_AGREEMENTS = 200
MAX_CHAT_PACK_BYTES = 64_000_000
PACKS_AT_ONCE = 2
LINK_SECONDS = 300
LINK_PURPOSE = "pack"
LINK_FETCHES_PER_MINUTE = 6  # per user: Telegram fetches a link once


@dataclass(frozen=True, slots=True)
class PackPlan:
    ids: list[int]  # the agreements it holds
    name: str  # the file's name, without .zip


class PackApi:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        user: Callable[[web.Request], AppUser],
        access: Access,
        zone: ZoneInfo,
        links: LinkSigner,
        web_base: str,
        clock: Callable[[], datetime],
    ) -> None:
        """``user`` signs the request in and throttles it (the API's own)."""
        self._session_factory = session_factory
        self._user = user
        self._access = access
        self._zone = zone
        self._links = links
        self._web_base = web_base
        self._clock = clock
        self._building = asyncio.Semaphore(PACKS_AT_ONCE)
        self._link_fetches = Throttle(LINK_FETCHES_PER_MINUTE)

    def register(self, app: web.Application) -> None:
        agreement = r"/api/agreements/{agreement_id:\d{1,19}}/pack"
        chat = r"/api/chats/{chat_id:-?\d{1,19}}/pack"
        app.router.add_get(agreement, self.agreement)
        app.router.add_get(chat, self.chat)
        app.router.add_post(agreement + "-link", self.agreement_link)
        app.router.add_post(chat + "-link", self.chat_link)
        app.router.add_get(r"/p/{token:[A-Za-z0-9_.-]{1,300}}", self.linked)

    async def agreement(self, request: web.Request) -> web.Response:
        user = self._user(request)
        agreement_id = int(request.match_info["agreement_id"])
        async with self._turn(), self._session_factory() as session:
            plan = await self._agreement_plan(session, user.id, agreement_id)
            return await self._pack(session, user, plan)

    async def chat(self, request: web.Request) -> web.Response:
        user = self._user(request)
        chat_id = int(request.match_info["chat_id"])
        async with self._turn(), self._session_factory() as session:
            plan = await self._chat_plan(session, user.id, chat_id)
            return await self._pack(session, user, plan)

    async def agreement_link(self, request: web.Request) -> web.Response:
        user = self._user(request)
        agreement_id = int(request.match_info["agreement_id"])
        async with self._session_factory() as session:
            plan = await self._agreement_plan(session, user.id, agreement_id)
        return self._link(user, f"a:{agreement_id}", plan)

    async def chat_link(self, request: web.Request) -> web.Response:
        user = self._user(request)
        chat_id = int(request.match_info["chat_id"])
        async with self._session_factory() as session:
            plan = await self._chat_plan(session, user.id, chat_id)
        return self._link(user, f"c:{chat_id}", plan)

    async def linked(self, request: web.Request) -> web.Response:
        """The pack a link names, checked again as if the user asked now."""
        try:
            subject = self._links.read(request.match_info["token"], LINK_PURPOSE, self._clock())
        except BadLink as exc:
            raise ApiError(410 if exc.expired else 404, "bad_link", "no such pack link") from None
        kind, number, user_id, language = subject.split(":")
        user = AppUser(int(user_id), language)
        # A link is no sign-in, but counts as its user's call: fetched in a loop, it would
        # otherwise keep every pack slot busy for the 5 minutes it lasts.
        if (wait := self._link_fetches.wait(f"user:{user.id}")) > 0:
            raise ApiError(
                429,
                "too_many_requests",
                "too many requests; wait a little",
                headers={"Retry-After": str(math.ceil(wait))},
            )
        async with self._turn(), self._session_factory() as session:
            if kind == "a":
                plan = await self._agreement_plan(session, user.id, int(number))
            else:
                plan = await self._chat_plan(session, user.id, int(number))
            return await self._pack(session, user, plan)

    def _link(self, user: AppUser, pack: str, plan: PackPlan) -> web.Response:
        expires = self._clock() + timedelta(seconds=LINK_SECONDS)
        token = self._links.sign(LINK_PURPOSE, f"{pack}:{user.id}:{user.language}", expires)
        return answer({"url": f"{self._web_base}/p/{token}", "file_name": f"{plan.name}.zip"})

    async def _agreement_plan(
        self, session: AsyncSession, user_id: int, agreement_id: int
    ) -> PackPlan:
        if agreement_id > MAX_ID or not await self._access.may_see(session, agreement_id, user_id):
            raise _not_found("no such agreement among yours")
        found = (
            await session.execute(
                select(Agreement.chat_id, Agreement.number).where(Agreement.id == agreement_id)
            )
        ).first()
        if found is None:
            raise _not_found("no such agreement among yours")
        name = "evidence-" + record_filename(found.chat_id, found.number).removesuffix(".json")
        return PackPlan([agreement_id], name)

    async def _chat_plan(self, session: AsyncSession, user_id: int, chat_id: int) -> PackPlan:
        ids = (
            []
            if abs(chat_id) > MAX_ID
            else await self._access.chat_agreements(session, chat_id, user_id)
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
        size = await pack_bytes(session, user_id, ids)
        if size > MAX_CHAT_PACK_BYTES:
            raise _too_large(
                f"the chat's records and mails hold {size} bytes; a pack holds at most "
                f"{MAX_CHAT_PACK_BYTES}: download its agreements one by one",
                "bytes",
                size,
            )
        return PackPlan(ids, f"evidence-chat{chat_id}")

    @contextlib.asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """One of PACKS_AT_ONCE, taken before a database connection is: a request that
        would wait is refused instead, so waiting packs hold no connections the bot's
        handlers need."""
        if self._building.locked():
            raise ApiError(503, "busy", "other packs are being built: try again in a minute")
        async with self._building:
            yield

    async def _pack(self, session: AsyncSession, user: AppUser, plan: PackPlan) -> web.Response:
        content = await build_pack(session, user.id, plan.ids, user.language, self._zone)
        return web.Response(
            body=content,
            content_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{plan.name}.zip"'},
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
