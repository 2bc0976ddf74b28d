"""The pages behind an invitation's two links, ``/i/<token>``: "I confirm this agreement"
and "This is not me / don't write to me again".

A GET only shows: link scanners open links. The page's button POSTs to the same address,
and only that confirms or refuses. The token is the key (signed, one purpose, expiring,
bot/core/signed_links.py); nothing else is asked, so both are limited per client.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.chain_standing import ChainVerdicts
from bot.confirmations.invitations import Invitation, read_invitation
from bot.confirmations.links import Purpose, read_link
from bot.confirmations.notices import ChatNotices
from bot.confirmations.service import ConfirmationService, Outcome
from bot.core.signed_links import BadLink, LinkSigner
from bot.core.timefmt import format_both
from bot.evidence.stamps import StampWaker
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.telegram.formatting import entities_to_page_html
from bot.terms.texts import current_terms
from bot.web.pages import PageRenderer, page_language
from bot.web.throttle import Throttle

TOKEN = "{token:[A-Za-z0-9_-]{1,200}\\.[A-Za-z0-9_-]{1,64}}"
# What a press that recorded nothing answers with.
STATUSES = {Outcome.CHANGED: 409, Outcome.DEAD: 410, Outcome.UNKNOWN: 404}


class InvitationPages:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        renderer: PageRenderer,
        throttle: Throttle,
        signer: LinkSigner,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
        *,
        letters: Letters,
        mail_waker: MailWaker,
        notices: ChatNotices,
        stamper: StampWaker | None,
        verdicts: ChainVerdicts,
    ) -> None:
        self._session_factory = session_factory
        self._verdicts = verdicts
        self._renderer = renderer
        self._throttle = throttle
        self._signer = signer
        self._zone = zone
        self._clock = clock
        self._letters = letters
        self._mail_waker = mail_waker
        self._notices = notices
        self._stamper = stamper

    def register(self, app: web.Application) -> None:
        app.router.add_get(f"/i/{TOKEN}", self.page)
        app.router.add_post(f"/i/{TOKEN}", self.press)
        # Anything else under /i/ is a damaged link: said plainly, not a bare 404.
        app.router.add_route("*", "/i/{rest:.*}", self.damaged)

    async def page(self, request: web.Request) -> web.Response:
        self._throttle.check(request)
        opened = await self._open(request)
        if isinstance(opened, web.Response):
            return opened
        purpose, invitation = opened
        dead = purpose is Purpose.CONFIRM and invitation.dead
        return self._show(request, purpose, invitation, status=410 if dead else 200)

    async def press(self, request: web.Request) -> web.Response:
        self._throttle.check(request)
        opened = await self._open(request)
        if isinstance(opened, web.Response):
            return opened
        purpose, invitation = opened
        form = await request.post()
        async with self._session_factory() as session:
            service = ConfirmationService(
                session,
                self._letters,
                self._mail_waker,
                self._clock,
                self._notices,
                stamper=self._stamper,
            )
            if purpose is Purpose.CONFIRM:
                shown = form.get("digest")
                result = await service.confirm(
                    invitation.party_id,
                    shown if isinstance(shown, str) else "",
                    page_language(request, invitation.language),
                )
            else:
                result = await service.refuse(invitation.party_id)
            after = await read_invitation(session, invitation.party_id, self._verdicts)
        assert after is not None
        status = STATUSES.get(result.outcome, 200)
        return self._show(request, purpose, after, outcome=result.outcome, status=status)

    async def damaged(self, request: web.Request) -> web.Response:
        self._throttle.check(request)
        return self._problem(request, expired=False)

    async def _open(self, request: web.Request) -> tuple[Purpose, Invitation] | web.Response:
        try:
            purpose, party_id = read_link(self._signer, request.match_info["token"], self._clock())
        except BadLink as exc:
            return self._problem(request, expired=exc.expired)
        async with self._session_factory() as session:
            invitation = await read_invitation(session, party_id, self._verdicts)
        if invitation is None:
            return self._problem(request, expired=False)
        return purpose, invitation

    def _show(
        self,
        request: web.Request,
        purpose: Purpose,
        invitation: Invitation,
        *,
        outcome: Outcome | None = None,
        status: int = 200,
    ) -> web.Response:
        language = page_language(request, invitation.language)
        record = invitation.record
        return self._renderer.page(
            "invitation.html",
            language,
            status=status,
            purpose=purpose.value,
            invitation=invitation,
            outcome=outcome.value if outcome else None,
            record=record,
            # Plain, as the invitation mail shows it: a stranger is not led to links a
            # party hid behind words.
            text_html=entities_to_page_html(record.text, []),
            when=lambda moment: format_both(moment, self._zone),
            action=f"{request.path}?lang={language}",
            terms=current_terms(language),
        )

    def _problem(self, request: web.Request, *, expired: bool) -> web.Response:
        language = page_language(request)
        return self._renderer.page(
            "invitation_link.html",
            language,
            status=410 if expired else 400,
            expired=expired,
        )
