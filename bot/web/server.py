"""The web server: its own port, or the webhook's server in webhook mode (one port).

Pages are rendered on the server from templates/web; static/web holds their one style
sheet and scripts. Without WEB_BASE_URL none of this runs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aiogram import Bot
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.chain_standing import ChainVerdicts
from bot.agreements.invitations import InvitationLimits
from bot.config import DEFAULT_WEB_PORT, Settings
from bot.confirmations.notices import ChatNotices
from bot.core.signed_links import LinkSigner, link_key
from bot.edits.notices import AcceptNotices
from bot.evidence.stamps import StampWaker
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.mail.unsubscribe_links import UnsubscribeLinks
from bot.paths import STATIC_DIR
from bot.telegram.membership import Membership
from bot.web.acceptance_page import AcceptancePage
from bot.web.access import Access
from bot.web.api_answers import json_errors
from bot.web.app_api import AppApi
from bot.web.app_page import AppPage
from bot.web.invitation_pages import InvitationPages
from bot.web.invite_api import InviteApi, invitation_service
from bot.web.mail_settings_api import MailSettingsApi
from bot.web.pack_api import PackApi
from bot.web.pages import PageRenderer
from bot.web.record_pages import RecordPages
from bot.web.security import security_headers
from bot.web.sign_in import SignIn
from bot.web.terms_page import TermsPage
from bot.web.throttle import Throttle
from bot.web.unsubscribe_page import UnsubscribePage
from bot.web.verify_page import VerifyPage

logger = logging.getLogger(__name__)

# Record look-ups a minute from one client.
LOOKUPS_PER_MINUTE = 60
# Files checked on the verify page a minute from one client: a large mail's check takes a
# core for a while.
CHECKS_PER_MINUTE = 10
# Mini App API calls a minute from one signed-in user: a person browsing makes a few.
APP_CALLS_PER_MINUTE = 120
# Invitation (and accept-link) pages and presses a minute from one client: a person opens
# one or two; the tokens are unguessable, and walking them must stay so.
INVITATION_PAGES_PER_MINUTE = 30


class Notices(ChatNotices, AcceptNotices, Protocol):
    """What the chat is told of the pages' presses: confirmations, refusals, acceptances."""


@dataclass(frozen=True, slots=True)
class Acting:
    """What the pages that act (the invitation's and the accept link's buttons) act with:
    the mail queue, the stamper and the chat, as the bot's handlers have them."""

    letters: Letters
    mail_waker: MailWaker
    notices: Notices
    stamper: StampWaker | None = None


class WebSite:
    def __init__(
        self,
        settings: Settings,
        session_factory: async_sessionmaker[AsyncSession],
        bot: Bot,
        membership: Membership,
        clock: Callable[[], datetime],
        acting: Acting,
        unsubscribe: UnsubscribeLinks,
    ) -> None:
        """``membership`` is the dispatcher's own, so a member change the bot learns of
        reaches the Mini App at once. ``acting``'s letters and mail waker write and send what
        the pages queue: invitations, confirmations, and the records an address missed when
        it subscribes again."""
        self._settings = settings
        letters, mail_waker = acting.letters, acting.mail_waker
        renderer = PageRenderer()
        lookups = Throttle(LOOKUPS_PER_MINUTE)
        roots = settings.trusted_roots()
        verdicts = ChainVerdicts()  # the record page's and the Mini App's, one walk for both
        self._records = RecordPages(
            session_factory, renderer, lookups, settings.zone, roots, verdicts
        )
        self._app_page = AppPage(renderer, str(settings.web_app_script_url))
        access = Access(bot, membership)
        self._app_api = AppApi(
            session_factory,
            SignIn(settings.bot_token.get_secret_value(), clock),
            access,
            Throttle(APP_CALLS_PER_MINUTE),
            settings.zone,
            roots,
            verdicts,
        )
        assert settings.web_base is not None  # the pages are served only when it is set
        self._packs = PackApi(
            session_factory,
            self._app_api.user,
            access,
            settings.zone,
            LinkSigner(link_key(settings.bot_token.get_secret_value())),
            settings.web_base,
            clock,
        )
        limits = InvitationLimits(
            settings.invitations_per_user_day, settings.invitations_per_chat_day
        )
        self._invites = InviteApi(
            session_factory,
            self._app_api.user,
            access,
            invitation_service(letters, mail_waker, clock, limits),
        )
        self._verify = VerifyPage(settings, session_factory, renderer, Throttle(CHECKS_PER_MINUTE))
        self._terms = TermsPage(renderer)
        self._unsubscribe = UnsubscribePage(
            session_factory, renderer, unsubscribe, letters, mail_waker, clock
        )
        self._mail_settings = MailSettingsApi(
            session_factory, self._app_api.user, letters, mail_waker, clock
        )
        self._invitations = InvitationPages(
            session_factory,
            renderer,
            Throttle(INVITATION_PAGES_PER_MINUTE),
            LinkSigner(link_key(settings.bot_token.get_secret_value())),
            settings.zone,
            clock,
            letters=letters,
            mail_waker=mail_waker,
            notices=acting.notices,
            stamper=acting.stamper,
            verdicts=verdicts,
        )
        self._acceptance = AcceptancePage(
            session_factory,
            renderer,
            Throttle(INVITATION_PAGES_PER_MINUTE),
            LinkSigner(link_key(settings.bot_token.get_secret_value())),
            settings.zone,
            clock,
            letters=letters,
            mail_waker=mail_waker,
            notices=acting.notices,
            stamper=acting.stamper,
        )

    def install(self, app: web.Application) -> None:
        """Add the pages to ``app`` (the webhook's server, or the site's own)."""
        app.middlewares.append(security_headers)
        app.middlewares.append(json_errors)
        app.router.add_static("/static/", STATIC_DIR / "web")
        self._records.register(app)
        self._verify.register(app)
        self._terms.register(app)
        self._app_page.register(app)
        self._app_api.register(app)
        self._packs.register(app)
        self._invites.register(app)
        self._unsubscribe.register(app)
        self._mail_settings.register(app)
        self._invitations.register(app)
        self._acceptance.register(app)

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[None]:
        """Serve on WEB_HOST:WEB_PORT while the block runs."""
        app = web.Application()
        self.install(app)
        runner = web.AppRunner(app, access_log=None)  # an access log would name the digests
        await runner.setup()
        port = self._settings.web_port or DEFAULT_WEB_PORT
        await web.TCPSite(runner, self._settings.web_host, port).start()
        logger.info("web pages served on %s:%s", self._settings.web_host, port)
        try:
            yield
        finally:
            await runner.cleanup()
