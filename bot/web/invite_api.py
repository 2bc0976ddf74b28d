""" "Add by email" in the Mini App: ``POST /api/agreements/<id>/email-parties`` with
``{"address": "client@example.com"}``. Signed in and throttled like every API call; only a
party of the agreement may invite (bot/agreements/invitations.py decides, with its limits),
and the address never reaches the chat. The answer shows every invited address masked."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.invitations import Invitation, InvitationLimits, InvitationService, Invited
from bot.agreements.invited import invited_addresses
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.web.access import Access
from bot.web.api_answers import ApiError, answer
from bot.web.app_api import MAX_ID
from bot.web.app_json import email_parties_json
from bot.web.sign_in import AppUser

# {"address": ...} and nothing much else: an address is at most 320 characters.
MAX_BODY = 2048

# Each refusal: its status and code (the page words them), and a line for raw readers.
_REFUSALS: dict[Invited, tuple[int, str]] = {
    Invited.ALREADY_INVITED: (409, "this address was already invited to this agreement"),
    Invited.REFUSED_ADDRESS: (409, "the owner of this address refused mail from this bot"),
    Invited.NOT_A_PARTY: (403, "only a party to the agreement can invite by email"),
    Invited.UNKNOWN_AGREEMENT: (404, "no such agreement among yours"),
    Invited.INVALID_ADDRESS: (422, "not an email address the bot can send to"),
    Invited.NON_ASCII_ADDRESS: (422, "only ASCII before the @"),
    Invited.NO_WEB_PAGES: (503, "invitations need WEB_BASE_URL"),
    Invited.USER_LIMIT: (429, "you sent the most invitations one person may in 24 hours"),
    Invited.CHAT_LIMIT: (429, "the chat sent the most invitations one chat may in 24 hours"),
    Invited.ADDRESS_LIMIT: (429, "the address was invited the most one address may in a week"),
}


class InviteApi:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        user: Callable[[web.Request], AppUser],
        access: Access,
        invitations: Callable[[AsyncSession], InvitationService],
    ) -> None:
        """``user`` signs the request in and throttles it (the API's own); ``invitations``
        builds the service on a session."""
        self._session_factory = session_factory
        self._user = user
        self._access = access
        self._invitations = invitations

    def register(self, app: web.Application) -> None:
        path = r"/api/agreements/{agreement_id:\d{1,19}}/email-parties"
        app.router.add_post(path, self.add)

    async def add(self, request: web.Request) -> web.Response:
        user = self._user(request)
        agreement_id = int(request.match_info["agreement_id"])
        address = await _address_in(request)
        async with self._session_factory() as session:
            # An agreement the user may not see is one that doesn't exist, as everywhere.
            if agreement_id > MAX_ID or not await self._access.may_see(
                session, agreement_id, user.id
            ):
                raise ApiError(404, "not_found", "no such agreement among yours")
            invited = await self._invitations(session).invite(
                agreement_id, user.id, address, user.language
            )
            listed = await invited_addresses(session, agreement_id)
        if invited.outcome is not Invited.INVITED:
            raise _refusal(invited)
        return answer({"invited": invited.address, "email_parties": email_parties_json(listed)})


def invitation_service(
    letters: Letters,
    mail_waker: MailWaker,
    clock: Callable[[], datetime],
    limits: InvitationLimits,
) -> Callable[[AsyncSession], InvitationService]:
    return lambda session: InvitationService(session, letters, mail_waker, clock, limits=limits)


async def _address_in(request: web.Request) -> str:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise ApiError(413, "too_large", f"at most {MAX_BODY} bytes")
    body = await request.content.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise ApiError(413, "too_large", f"at most {MAX_BODY} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    address = data.get("address") if isinstance(data, dict) else None
    if not isinstance(address, str) or not address.strip():
        raise ApiError(400, "bad_parameter", "address: expected a string", parameter="address")
    return address


def _refusal(invited: Invitation) -> ApiError:
    status, message = _REFUSALS[invited.outcome]
    extra: dict[str, Any] = {"limit": invited.limit} if invited.limit else {}
    return ApiError(status, invited.outcome.value, message, **extra)
