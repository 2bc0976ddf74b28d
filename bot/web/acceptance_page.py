"""The page behind an edit alert's accept link, ``/a/<token>``: a confirmed address reads
the new version against the agreed text, and accepts it with the page's button.

A GET only shows: link scanners open links. The button POSTs to the same address, and
only that accepts (bot/edits/email_accepts.py). The token is the key (signed, one
purpose, one address and version, expiring), so the page is limited per client.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.signed_links import BadLink, LinkSigner
from bot.core.timefmt import format_both
from bot.edits.amendments import Acceptation
from bot.edits.email_accepts import EmailAcceptService
from bot.edits.notices import AcceptNotices
from bot.edits.offers import Offer, OfferState, read_offer
from bot.evidence.stamps import StampWaker
from bot.mail.accept_links import read_accept_link
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.telegram.formatting import entities_to_page_html
from bot.terms.texts import current_terms
from bot.web.pages import PageRenderer, page_language
from bot.web.throttle import Throttle

TOKEN = "{token:[A-Za-z0-9_-]{1,200}\\.[A-Za-z0-9_-]{1,64}}"
# A page that can't accept says why with its status: a newer edit, or not (or no longer)
# asked.
SHOWN = {OfferState.OUTDATED: 409, OfferState.NOT_ASKED: 403}
PRESSED = {Acceptation.OUTDATED: 409, Acceptation.NOT_A_PARTY: 403, Acceptation.UNKNOWN: 404}


class AcceptancePage:
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
        notices: AcceptNotices,
        stamper: StampWaker | None,
    ) -> None:
        self._session_factory = session_factory
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
        app.router.add_get(f"/a/{TOKEN}", self.page)
        app.router.add_post(f"/a/{TOKEN}", self.press)
        # Anything else under /a/ is a damaged link: said plainly, not a bare 404.
        app.router.add_route("*", "/a/{rest:.*}", self.damaged)

    async def page(self, request: web.Request) -> web.Response:
        self._throttle.check(request)
        offer = await self._open(request)
        if isinstance(offer, web.Response):
            return offer
        return self._show(request, offer, status=SHOWN.get(offer.state, 200))

    async def press(self, request: web.Request) -> web.Response:
        self._throttle.check(request)
        offer = await self._open(request)
        if isinstance(offer, web.Response):
            return offer
        async with self._session_factory() as session:
            service = EmailAcceptService(
                session,
                self._letters,
                self._mail_waker,
                self._clock,
                self._notices,
                stamper=self._stamper,
            )
            language = page_language(request, offer.language)
            result = await service.accept_by_email(offer.party_id, offer.version_id, language)
            after = await read_offer(session, offer.party_id, offer.version_id)
        assert after is not None
        status = PRESSED.get(result.outcome, 200)
        return self._show(request, after, outcome=result.outcome, status=status)

    async def damaged(self, request: web.Request) -> web.Response:
        self._throttle.check(request)
        return self._problem(request, expired=False)

    async def _open(self, request: web.Request) -> Offer | web.Response:
        token = request.match_info["token"]
        try:
            party_id, version_id = read_accept_link(self._signer, token, self._clock())
        except BadLink as exc:
            return self._problem(request, expired=exc.expired)
        async with self._session_factory() as session:
            offer = await read_offer(session, party_id, version_id)
        return offer if offer is not None else self._problem(request, expired=False)

    def _show(
        self,
        request: web.Request,
        offer: Offer,
        *,
        outcome: Acceptation | None = None,
        status: int = 200,
    ) -> web.Response:
        language = page_language(request, offer.language)
        return self._renderer.page(
            "acceptance.html",
            language,
            status=status,
            offer=offer,
            outcome=outcome.value if outcome else None,
            text_html=entities_to_page_html(offer.text, offer.entities),
            when=lambda moment: format_both(moment, self._zone),
            action=f"{request.path}?lang={language}",
            terms=current_terms(language),
        )

    def _problem(self, request: web.Request, *, expired: bool) -> web.Response:
        return self._renderer.page(
            "acceptance_link.html",
            page_language(request),
            status=410 if expired else 400,
            expired=expired,
        )
