"""Assembly: settings -> database -> bot -> dispatcher -> long polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.types import User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.limits import ActionLimits
from bot.config import ConfigError, Settings
from bot.core.signed_links import LinkSigner, link_key
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import require_migrated, upgrade
from bot.edits.alert_scheduler import AlertScheduler
from bot.evidence.stamps import StampWaker
from bot.evidence.tsa_client import TimestampAuthority
from bot.journal.housekeeping import Housekeeping
from bot.journal.journal import Journal
from bot.logs import mask_address
from bot.mail.accept_links import AcceptLinks
from bot.mail.invitation_links import InvitationLinks
from bot.mail.letters import Letters
from bot.mail.outbox import FailureNotifier, MailWaker, MailWorker
from bot.mail.signing import dkim_signer
from bot.mail.stamper import Stamper, release_held_mails
from bot.mail.status import describe, mail_status
from bot.mail.unsubscribe_links import UnsubscribeLinks, unsubscribe_key
from bot.mail.unsubscribes import normalized, unsubscribe
from bot.paths import LOCALES_DIR, TEMPLATES_DIR
from bot.registration.subscription import VIA_OPERATOR
from bot.telegram.cards import CardPoster
from bot.telegram.commands import register_commands
from bot.telegram.confirmation_notices import TelegramChatNotices
from bot.telegram.formatting import entities_to_html
from bot.telegram.gatekeeper import Gatekeeper
from bot.telegram.i18n import create_i18n
from bot.telegram.membership import Membership
from bot.telegram.menu_button import register_menu_button
from bot.telegram.middlewares import install as install_middlewares
from bot.telegram.middlewares.journal_before_confirming import JournalBeforeConfirming
from bot.telegram.middlewares.last_handled import LastHandledUpdate
from bot.telegram.middlewares.membership_cache import CHAT_MEMBER
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.recovery import post_owed_cards
from bot.telegram.routers import build_router
from bot.telegram.session import TelegramSession
from bot.telegram.webhook import serve_webhook
from bot.telegram.webhook_endpoint import webhook_secret
from bot.web.server import Acting, WebSite
from mailer import MailRenderer, SmtpConfig, SmtpSender

logger = logging.getLogger(__name__)

# A stop waits this long for the update being handled (the mail worker's grace runs
# beside it), so that the process is gone within 10 seconds of SIGTERM.
HANDLER_GRACE_SECONDS = 5.0
# Then the cards still under way get this long (recovery.py posts any cut off).
CARDS_GRACE_SECONDS = 3.0


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_bot(settings: Settings) -> Bot:
    session = TelegramSession(api=TelegramAPIServer.from_base(settings.api_base_url))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_letters(settings: Settings) -> Letters:
    renderer = MailRenderer(TEMPLATES_DIR, LOCALES_DIR)
    signer = None
    if settings.dkim_private_key_file and settings.dkim_domain and settings.dkim_selector:
        signer = dkim_signer(
            settings.dkim_domain,
            settings.dkim_selector,
            settings.dkim_private_key_file.read_bytes(),
        )
    max_attachment = int(settings.mail_max_attachment_mb * 1024 * 1024)
    links, accept_links = None, None
    if settings.web_base is not None:  # invitations' and alerts' links open the web pages
        link_signer = LinkSigner(link_key(settings.bot_token.get_secret_value()))
        valid_for = timedelta(days=settings.invitation_link_days)
        links = InvitationLinks(link_signer, settings.web_base, valid_for)
        accept_links = AcceptLinks(link_signer, settings.web_base, valid_for)
    return Letters(
        renderer,
        settings.mail_from,
        settings.zone,
        signer,
        max_attachment,
        entities_html=entities_to_html,
        record_pages=settings.web_base,
        invitation_links=links,
        unsubscribe=unsubscribe_links(settings),
        accept_links=accept_links,
    )


def unsubscribe_links(settings: Settings) -> UnsubscribeLinks:
    key = unsubscribe_key(settings.bot_token.get_secret_value())
    return UnsubscribeLinks(key, settings.web_base, settings.mail_unsubscribe_mailto)


def build_mail_worker(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    notifier: FailureNotifier | None = None,
) -> MailWorker:
    smtp = SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        security=settings.smtp_security,
    )
    envelope_from = parseaddr(settings.mail_from)[1]
    return MailWorker(
        session_factory,
        SmtpSender(smtp),
        envelope_from,
        utc_now,
        retry_interval=settings.mail_retry_seconds,
        max_age=settings.outbox_max_age,
        notifier=notifier,
        connections=settings.smtp_connections,
        max_per_minute=settings.smtp_max_per_minute,
        claim_for=timedelta(seconds=settings.outbox_claim_seconds),
    )


def build_stamper(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    letters: Letters,
    mail_waker: MailWaker,
) -> Stamper | None:
    if settings.tsa_url is None:
        return None
    authority = TimestampAuthority(str(settings.tsa_url))
    return Stamper(
        session_factory,
        authority,
        letters,
        mail_waker,
        utc_now,
        roots=settings.trusted_roots(),
    )


def build_dispatcher(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    letters: Letters,
    mail_waker: MailWaker,
    journal: Journal,
    cards: CardPoster,
    stamper: StampWaker | None = None,
    membership: Membership | None = None,
) -> Dispatcher:
    """``membership``: shared with the web pages' Mini App, so both see a change at once."""
    handled = LastHandledUpdate()
    membership = membership or Membership()
    gatekeeper = Gatekeeper(
        membership,
        ActionLimits(settings.agree_limit_per_user, settings.agree_limit_per_chat),
    )
    dispatcher = Dispatcher(
        settings=settings,
        journal=journal,
        cards=cards,
        handled_updates=handled,
        gatekeeper=gatekeeper,
    )
    dispatcher.include_router(build_router(reactions=settings.journal))
    install_middlewares(
        dispatcher,
        settings=settings,
        session_factory=session_factory,
        letters=letters,
        mail_waker=mail_waker,
        journal=journal,
        handled=handled,
        membership=membership,
        clock=utc_now,
        grace_seconds=HANDLER_GRACE_SECONDS,
        stamper=stamper,
    )
    return dispatcher


def used_update_types(dispatcher: Dispatcher) -> list[str]:
    """What the handlers take, and the member changes that clear cached membership
    answers (Telegram sends those only to a group's administrators, and only if asked)."""
    return sorted({*dispatcher.resolve_used_update_types(), CHAT_MEMBER})


async def _introduce(bot: Bot, settings: Settings) -> User:
    """getMe, with the two ways it fails on a bad setting told in one line."""
    try:
        return await bot.get_me()
    except TelegramUnauthorizedError:
        raise ConfigError("BOT_TOKEN was rejected by the Bot API server (Unauthorized)") from None
    except TelegramNetworkError as exc:
        raise ConfigError(
            f"TELEGRAM_API_URL: cannot reach {settings.api_base_url}: {exc}"
        ) from None


async def run(
    settings: Settings, *, handle_signals: bool = True, stop: asyncio.Event | None = None
) -> None:
    """Serve until SIGINT/SIGTERM (or until ``stop`` is set, for embedding and tests).

    A stop takes no further update, lets the update being handled, the cards and the SMTP
    transaction under way finish, and exits within 10 seconds.
    """
    stop = stop or asyncio.Event()
    if handle_signals:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
    if settings.auto_migrate:
        await asyncio.to_thread(upgrade, settings.database_url)
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    bot = build_bot(settings)
    try:
        me = await _introduce(bot, settings)
        notifier = TelegramNotifier(bot, create_i18n())
        worker = build_mail_worker(settings, session_factory, notifier)
        letters = build_letters(settings)
        alerts = AlertScheduler(session_factory, letters, worker, utc_now)
        retention = timedelta(days=settings.journal_retention_days)
        journal = Journal(session_factory, utc_now, retention)
        stamper = build_stamper(settings, session_factory, letters, worker)
        if stamper is None and await release_held_mails(session_factory, letters, utc_now):
            logger.warning("TSA_URL is unset: mails that waited for a timestamp go without")
        cards = CardPoster(bot, session_factory, settings.zone)
        membership = Membership()
        dispatcher = build_dispatcher(
            settings, session_factory, letters, worker, journal, cards, stamper, membership
        )
        housekeeping = Housekeeping(session_factory, journal, utc_now)
        acting = Acting(letters, worker, TelegramChatNotices(bot, create_i18n()), stamper)
        site = (
            WebSite(
                settings,
                session_factory,
                bot,
                membership,
                utc_now,
                acting,
                unsubscribe_links(settings),
            )
            if settings.web_base_url
            else None
        )
        allowed_updates = used_update_types(dispatcher)
        if settings.webhook_url is not None:
            # Never open: without WEBHOOK_SECRET, one derived from the token.
            await bot.set_webhook(
                str(settings.webhook_url),
                allowed_updates=allowed_updates,
                secret_token=webhook_secret(settings),
            )
            if settings.webhook_secret is None:
                logger.info(
                    "WEBHOOK_SECRET is unset: the webhook's secret is derived from the token"
                )
        else:
            await bot.delete_webhook(drop_pending_updates=False)
            bot.session.middleware(JournalBeforeConfirming(journal))
        await register_commands(bot, create_i18n())
        if settings.web_base is not None:
            await register_menu_button(bot, create_i18n(), settings.web_base)
        await post_owed_cards(
            bot, session_factory, letters, worker, utc_now, create_i18n(), settings.zone
        )
        logger.info(
            "starting as @%s, database %s, event loop %s",
            me.username,
            engine.url.render_as_string(),
            type(asyncio.get_running_loop()).__module__.partition(".")[0],
        )
        if not me.can_read_all_group_messages:
            logger.warning(
                "privacy mode is on: in groups where the bot is not an admin, Telegram does not "
                "tell it about edits (turn it off with /setprivacy in @BotFather)"
            )
        async with (
            worker.running(),
            stamper.running() if stamper else contextlib.nullcontext(),
            alerts.running(),
            journal.running(),
            housekeeping.running(),
            site.serving()
            if site and not settings.shares_webhook_server
            else contextlib.nullcontext(),
            _stop_when_set(stop, dispatcher, worker, polling=settings.webhook_url is None),
        ):
            if settings.webhook_url is not None:
                grace = HANDLER_GRACE_SECONDS
                pages = site.install if site and settings.shares_webhook_server else None
                await serve_webhook(
                    settings, dispatcher, bot, session_factory, journal, stop, grace, pages
                )
                await cards.drain(CARDS_GRACE_SECONDS)
                await journal.flush()
            else:
                # Handling each update before asking for the next batch means an update is
                # confirmed to Telegram only after it was handled (aiogram confirms on fetch).
                await dispatcher.start_polling(
                    bot,
                    allowed_updates=allowed_updates,
                    handle_as_tasks=False,
                    handle_signals=False,
                    close_bot_session=False,
                )
                await cards.drain(CARDS_GRACE_SECONDS)
                await journal.flush()  # before telling Telegram these updates are done
                await dispatcher["handled_updates"].confirm(bot)
    finally:
        await bot.session.close()
        await engine.dispose()
    logger.info("stopped")


@contextlib.asynccontextmanager
async def _stop_when_set(
    stop: asyncio.Event, dispatcher: Dispatcher, worker: MailWorker, *, polling: bool
) -> AsyncIterator[None]:
    async def watch() -> None:
        await stop.wait()
        logger.info("stopping")
        worker.request_stop()  # at once: its grace runs beside the handler's
        if polling:  # the webhook server watches ``stop`` itself
            await dispatcher.stop_polling()

    watcher = asyncio.create_task(watch())
    try:
        yield
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


async def unsubscribe_by_operator(database_url: str, address: str) -> str:
    """``python -m bot unsubscribe``: no more mail to ``address``; what was done, masked."""
    engine = create_engine(database_url)
    try:
        await require_migrated(engine)
        async with create_session_factory(engine)() as session:
            new = await unsubscribe(session, address, utc_now(), VIA_OPERATOR)
            await session.commit()
    finally:
        await engine.dispose()
    state = "unsubscribed" if new else "was already unsubscribed"
    return f"{mask_address(normalized(address))} {state}: only the codes it asks for go there"


async def print_status(database_url: str) -> None:
    """``python -m bot status``: the mail queue, for an operator."""
    engine = create_engine(database_url)
    try:
        await require_migrated(engine)
        async with create_session_factory(engine)() as session:
            report = await mail_status(session, utc_now())
    finally:
        await engine.dispose()
    print(describe(report))
