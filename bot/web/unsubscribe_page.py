"""The unsubscribe page behind every mail's link, ``/u/<token>``.

GET shows the (masked) address and a button; it never changes anything, since link
scanners open every link in a mail. A POST with ``List-Unsubscribe=One-Click`` (RFC 8058:
what mail programs send, and what the button sends) unsubscribes at once and answers 200,
without a redirect; its token is the proof, so no CSRF token is asked. A POST with
``subscribe=yes`` (the button shown after unsubscribing) brings the mail back. A token
the bot did not make opens nothing: a 404 page that says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.addresses import masked
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.mail.unsubscribe_links import PATH, UnsubscribeLinks
from bot.mail.unsubscribes import is_unsubscribed
from bot.registration.subscription import VIA_LINK, SubscriptionService
from bot.web.pages import PageRenderer, page_language

ONE_CLICK = ("List-Unsubscribe", "One-Click")
SUBSCRIBE = ("subscribe", "yes")
# A one-click body is 26 bytes; the page's own forms hardly more.
MAX_FORM_BYTES = 1024


class UnsubscribePage:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        renderer: PageRenderer,
        links: UnsubscribeLinks,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
    ) -> None:
        self._session_factory = session_factory
        self._renderer = renderer
        self._links = links
        self._letters = letters
        self._mail_waker = mail_waker
        self._clock = clock

    def register(self, app: web.Application) -> None:
        app.router.add_get(PATH + "{token}", self.page)
        app.router.add_post(PATH + "{token}", self.change)

    async def page(self, request: web.Request) -> web.Response:
        address = self._address(request)
        async with self._session_factory() as session:
            stopped = await is_unsubscribed(session, address)
        return self._answer(request, address, "unsubscribed" if stopped else "subscribed")

    async def change(self, request: web.Request) -> web.Response:
        address = self._address(request)
        form = await _form(request)
        async with self._session_factory() as session:
            service = SubscriptionService(session, self._letters, self._mail_waker, self._clock)
            if form.get(ONE_CLICK[0]) == ONE_CLICK[1]:
                await service.stop(address, VIA_LINK)
                return self._answer(request, address, "unsubscribed", changed=True)
            if form.get(SUBSCRIBE[0]) == SUBSCRIBE[1]:
                await service.start(address)
                return self._answer(request, address, "subscribed", changed=True)
        return self._renderer.page(
            "unsubscribe.html", page_language(request), status=400, state="unknown_request"
        )

    def _address(self, request: web.Request) -> str:
        address = self._links.address_of(request.match_info["token"])
        if address is None:
            raise web.HTTPNotFound(
                text=self._renderer.render(
                    "unsubscribe.html", page_language(request), state="invalid"
                ),
                content_type="text/html",
            )
        return address

    def _answer(
        self, request: web.Request, address: str, state: str, *, changed: bool = False
    ) -> web.Response:
        return self._renderer.page(
            "unsubscribe.html",
            page_language(request),
            state=state,
            changed=changed,
            address=masked(address),
        )


async def _form(request: web.Request) -> dict[str, str]:
    """The posted fields (urlencoded or multipart, as mail programs send either); a body
    larger than any of these forms is refused before it is read."""
    if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
        raise web.HTTPRequestEntityTooLarge(MAX_FORM_BYTES, request.content_length)
    posted = await request.post()
    return {key: value for key, value in posted.items() if isinstance(value, str)}
