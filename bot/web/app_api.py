"""The Mini App's API, JSON only: the agreements a signed-in user may see, the chats to
filter them by, and one agreement's whole story. Each request signs in again (initData)
and works out again what its user may see; nothing is taken from the URL on trust."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.chain_standing import ChainVerdicts
from bot.agreements.details import agreement_details
from bot.agreements.overview import overview_page
from bot.agreements.page_query import PAGE_SIZE, SEARCH_MAX_LENGTH, OverviewQuery, State
from bot.agreements.visibility import chat_choices
from bot.web.access import Access
from bot.web.api_answers import ApiError, answer
from bot.web.app_json import chat_json, details_json, item_json
from bot.web.sign_in import AppUser, SignIn
from bot.web.throttle import Throttle

# Ids are 64-bit: a larger number names nothing.
MAX_ID = 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]{1,19}")
MAX_PAGE_SIZE = 50


class AppApi:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        sign_in: SignIn,
        access: Access,
        throttle: Throttle,
        zone: ZoneInfo,
        tsa_roots: list[bytes] | None,
        verdicts: ChainVerdicts,
    ) -> None:
        self._session_factory = session_factory
        self._sign_in = sign_in
        self._access = access
        self._throttle = throttle
        self._zone = zone
        self._tsa_roots = tsa_roots
        self._verdicts = verdicts

    def register(self, app: web.Application) -> None:
        app.router.add_get("/api/agreements", self.agreements)
        app.router.add_get(r"/api/agreements/{agreement_id:\d{1,19}}", self.agreement)
        app.router.add_get("/api/chats", self.chats)

    async def agreements(self, request: web.Request) -> web.Response:
        user = self.user(request)
        query = parse_query(request.query)
        async with self._session_factory() as session:
            found = await self._access.reach(session, user.id)
            page = await overview_page(session, found.reach, query)
        return answer(
            {
                "items": [item_json(item, self._zone) for item in page.items],
                "next": page.next_cursor,
                "unchecked_chats": found.unchecked,
            }
        )

    async def chats(self, request: web.Request) -> web.Response:
        user = self.user(request)
        async with self._session_factory() as session:
            found = await self._access.reach(session, user.id)
            choices = await chat_choices(session, found.reach)
        return answer(
            {"chats": [chat_json(c) for c in choices], "unchecked_chats": found.unchecked}
        )

    async def agreement(self, request: web.Request) -> web.Response:
        user = self.user(request)
        agreement_id = int(request.match_info["agreement_id"])
        async with self._session_factory() as session:
            # Not found and not yours answer alike: an id tells nothing about what exists.
            if agreement_id > MAX_ID or not await self._access.may_see(
                session, agreement_id, user.id
            ):
                raise ApiError(404, "not_found", "no such agreement among yours")
            details = await agreement_details(
                session, agreement_id, self._tsa_roots, self._verdicts
            )
        if details is None:  # gone between the two reads: it can't be, records stay
            raise ApiError(404, "not_found", "no such agreement among yours")
        return answer(details_json(details, self._zone))

    def user(self, request: web.Request) -> AppUser:
        """The signed-in user, throttled: every call of the Mini App API passes here."""
        user = self._sign_in.user(request)
        wait = self._throttle.wait(f"user:{user.id}")
        if wait > 0:
            raise ApiError(
                429,
                "too_many_requests",
                "too many requests; wait a little",
                headers={"Retry-After": str(math.ceil(wait))},
            )
        return user


def parse_query(params: Mapping[str, str]) -> OverviewQuery:
    """The list's filters; anything malformed is a 400 that names the parameter."""
    chat = _integer(params, "chat", -MAX_ID, MAX_ID)
    before = _integer(params, "before", 1, MAX_ID)
    limit = _integer(params, "limit", 1, MAX_PAGE_SIZE) or PAGE_SIZE
    state = params.get("state") or None
    if state is not None and state not in State.__members__.values():
        raise _bad("state", f"one of {', '.join(State)}")
    search = (params.get("q") or "").strip() or None
    if search is not None and len(search) > SEARCH_MAX_LENGTH:
        raise _bad("q", f"at most {SEARCH_MAX_LENGTH} characters")
    return OverviewQuery(
        chat_id=chat,
        state=State(state) if state else None,
        search=search,
        before=before,
        limit=limit,
    )


def _integer(params: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    raw = params.get(name) or None
    if raw is None:
        return None
    if not _INTEGER.fullmatch(raw):
        raise _bad(name, "a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise _bad(name, f"between {low} and {high}")
    return value


def _bad(parameter: str, expected: str) -> ApiError:
    return ApiError(400, "bad_parameter", f"{parameter}: expected {expected}", parameter=parameter)
