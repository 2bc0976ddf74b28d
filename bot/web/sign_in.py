"""Who is asking: the Mini App's user, from the initData Telegram signed for them.

The page sends ``Telegram.WebApp.initData`` with every API call, as
``Authorization: tma <initData>``. aiogram's validator checks its HMAC with the bot token
(only Telegram and this bot can make one); the user inside is then who they say.

A signed initData stays valid for anyone who holds it, and it sits in the page's address
(its fragment), where a screenshot, a shared link or a proxy's log can leak it. So it is
taken for MAX_AGE after Telegram made it: long enough for a sitting of review, short enough
that a leaked one soon stops working. Reopening the app makes a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram.utils.web_app import WebAppUser, safe_parse_webapp_init_data
from aiohttp import web

from bot.core.people import language_for
from bot.web.api_answers import ApiError

logger = logging.getLogger(__name__)

MAX_AGE = timedelta(hours=1)
# Telegram's clock and ours may differ a little; an auth_date further ahead is no
# initData Telegram made just now.
CLOCK_SKEW = timedelta(minutes=5)
SCHEME = "tma"
# Telegram's initData is well under 2 KB; anything much longer is not one.
MAX_LENGTH = 8192


@dataclass(frozen=True, slots=True)
class AppUser:
    id: int
    language: str  # "ru" or "en", from their Telegram language (for what the API makes)


class SignIn:
    def __init__(self, bot_token: str, clock: Callable[[], datetime]) -> None:
        self._token = bot_token
        self._clock = clock

    def user(self, request: web.Request) -> AppUser:
        """The signed-in user, or a 401 the page answers with "reopen the app"."""
        user, signed_at = self._signed(request)
        age = self._clock() - signed_at
        if age > MAX_AGE or age < -CLOCK_SKEW:
            logger.info("mini app: initData of user=%s refused, %s old", user.id, age)
            raise ApiError(
                401,
                "sign_in_expired",
                "initData is too old: reopen the app from the bot",
                max_age_seconds=int(MAX_AGE.total_seconds()),
            )
        return AppUser(user.id, language_for(user.language_code))

    def _signed(self, request: web.Request) -> tuple[WebAppUser, datetime]:
        scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != SCHEME or not init_data or len(init_data) > MAX_LENGTH:
            raise _signed_out("send Authorization: tma <Telegram.WebApp.initData>")
        try:
            data = safe_parse_webapp_init_data(self._token, init_data.strip())
        except ValueError:  # a wrong signature, or fields that don't parse
            logger.info("mini app: initData with a bad signature refused")
            raise _signed_out("initData is not signed for this bot") from None
        if data.user is None:  # signed, but opened in a way that names nobody
            raise _signed_out("initData names no user")
        return data.user, data.auth_date


def _signed_out(message: str) -> ApiError:
    return ApiError(401, "sign_in_required", message)
