"""The Mini App's email switch: ``GET /api/mail`` tells the signed-in user whether the bot
mails their verified address (shown masked, like everything the app shows), and
``POST /api/mail`` with ``{"subscribed": false}`` or ``true`` turns it off or on again.
Signed in and throttled like every other API call; it only ever concerns the user's own
address, never one named in the request."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.addresses import masked
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.registration.subscription import VIA_MINI_APP, MailState, SubscriptionService
from bot.web.api_answers import ApiError, answer
from bot.web.sign_in import AppUser

MAX_BODY_BYTES = 256


class MailSettingsApi:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        user: Callable[[web.Request], AppUser],
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
    ) -> None:
        """``user`` signs the request in and throttles it (the API's own)."""
        self._session_factory = session_factory
        self._user = user
        self._letters = letters
        self._mail_waker = mail_waker
        self._clock = clock

    def register(self, app: web.Application) -> None:
        app.router.add_get("/api/mail", self.state)
        app.router.add_post("/api/mail", self.change)

    async def state(self, request: web.Request) -> web.Response:
        user = self._user(request)
        async with self._session_factory() as session:
            return _state_json(await self._service(session).state(user.id))

    async def change(self, request: web.Request) -> web.Response:
        user = self._user(request)
        wanted = await _subscribed(request)
        async with self._session_factory() as session:
            service = self._service(session)
            if wanted:
                state = await service.start_user(user.id)
            else:
                state = await service.stop_user(user.id, VIA_MINI_APP)
        return _state_json(state)

    def _service(self, session: AsyncSession) -> SubscriptionService:
        return SubscriptionService(session, self._letters, self._mail_waker, self._clock)


def _state_json(state: MailState) -> web.Response:
    address = masked(state.address) if state.address else None
    return answer({"address": address, "subscribed": state.subscribed, "released": state.released})


async def _subscribed(request: web.Request) -> bool:
    """``subscribed`` from the JSON body; anything else is a 400 that says what is wanted."""
    if request.content_length is None or request.content_length > MAX_BODY_BYTES:
        raise _bad()
    try:
        body: Any = json.loads(await request.read())
    except ValueError:
        raise _bad() from None
    if not isinstance(body, dict) or not isinstance(body.get("subscribed"), bool):
        raise _bad()
    return bool(body["subscribed"])


def _bad() -> ApiError:
    return ApiError(
        400, "bad_parameter", 'send {"subscribed": true} or false', parameter="subscribed"
    )
