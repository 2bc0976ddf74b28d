"""The middlewares, installed in one place in the order below (``install``).

Outer middlewares on ``update`` run for every update, first to last; outer ones on an
event observer run after those, inner ones (``observer.middleware``) only when a handler
matched. The table is the order the code keeps:

====  ===========================  ==================================  ===========================
 #    middleware                   scope                               why
====  ===========================  ==================================  ===========================
 1    MembershipCacheInvalidation  outer, update                       chat_member updates clear
                                                                       the cached membership
                                                                       answers, and need no
                                                                       handler
 2    PlainMessageFastPath         outer, update                       fast path: a plain message
                                                                       (not a command) skips the
                                                                       dispatcher: counted, and
                                                                       journaled if a group's
 3    GracefulStop                 outer, update                       a stop lets the update
                                                                       being handled finish (a
                                                                       grace period)
 4    LastHandledUpdate            outer, update                       notes the last update
                                                                       handled, so a clean stop
                                                                       confirms it
 5    UpdateMetrics                outer, update                       counts and times every
                                                                       update
 6    SessionPerUpdate             outer, update                       one database session per
                                                                       update, closed after the
                                                                       handler
 7    TopicNameLearner             outer, message                      learns forum topics' names
                                                                       for the mails (needs the
                                                                       session)
 8    MessageJournaling            outer, message + edited_message     the journal holds every
                                   (JOURNAL on)                        message before any handler
                                                                       reads it
 9    UserLanguage                 outer, every observer (I18n setup)  answers in the user's
                                                                       language
10    HandleOnce                   inner, the observers with handlers  idempotency: an update
                                                                       Telegram delivers again is
                                                                       handled once
11    ServicesMiddleware           inner, the observers with handlers  the domain services the
                                                                       matched handler takes, each
                                                                       bound to the update's
                                                                       session (the rest is built
                                                                       once, here)
====  ===========================  ==================================  ===========================

Polling adds JournalBeforeConfirming on the bot's HTTP session (bot/app.py): a getUpdates
batch is journaled before the next call confirms it to Telegram.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from aiogram import Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.file_budget import FileBudget
from bot.agreements.invitations import InvitationLimits
from bot.config import Settings
from bot.evidence.stamps import StampWaker
from bot.journal.journal import Journal
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.registration.codes import code_key
from bot.telegram.i18n import create_i18n
from bot.telegram.membership import Membership
from bot.telegram.middlewares.fast_path import PlainMessageFastPath
from bot.telegram.middlewares.graceful_stop import GracefulStop
from bot.telegram.middlewares.idempotency import HandleOnce
from bot.telegram.middlewares.journaling import MessageJournaling
from bot.telegram.middlewares.last_handled import LastHandledUpdate
from bot.telegram.middlewares.membership_cache import MembershipCacheInvalidation
from bot.telegram.middlewares.metrics import UpdateMetrics
from bot.telegram.middlewares.services import ServicesMiddleware
from bot.telegram.middlewares.session_per_update import SessionPerUpdate
from bot.telegram.middlewares.topic_names import TopicNameLearner
from bot.telegram.middlewares.user_language import UserLanguage


def install(
    dispatcher: Dispatcher,
    *,
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    letters: Letters,
    mail_waker: MailWaker,
    journal: Journal,
    handled: LastHandledUpdate,
    membership: Membership,
    clock: Callable[[], datetime],
    grace_seconds: float,
    stamper: StampWaker | None = None,
) -> None:
    """Puts every middleware on the dispatcher in the order of the table above; the
    routers must be included already."""
    topics = TopicNameLearner(session_factory)
    journaling = MessageJournaling(journal) if settings.journal else None
    dispatcher.update.outer_middleware(MembershipCacheInvalidation(membership, handled))
    dispatcher.update.outer_middleware(PlainMessageFastPath(handled, topics, journaling))
    dispatcher.update.outer_middleware(GracefulStop(grace=grace_seconds))
    dispatcher.update.outer_middleware(handled)
    dispatcher.update.outer_middleware(UpdateMetrics())
    dispatcher.update.outer_middleware(SessionPerUpdate(session_factory))
    dispatcher.message.outer_middleware(topics)
    if journaling is not None:
        for observer in (dispatcher.message, dispatcher.edited_message):
            observer.outer_middleware(journaling)
    UserLanguage(create_i18n()).setup(dispatcher)
    coalesce = timedelta(seconds=settings.edit_alert_coalesce_seconds)
    once = HandleOnce(clock)
    key = code_key(settings.bot_token.get_secret_value())
    budget = FileBudget.in_mb(
        settings.files_mb_per_user_per_day, settings.files_mb_per_chat_per_day
    )
    invitation_limits = InvitationLimits(
        settings.invitations_per_user_day, settings.invitations_per_chat_day
    )
    services = ServicesMiddleware(
        letters,
        mail_waker,
        clock,
        coalesce,
        stamper,
        code_key=key,
        file_budget=budget,
        invitation_limits=invitation_limits,
    )
    # Every kind of update a handler takes: the routers say which (include them first).
    for update_type in dispatcher.resolve_used_update_types():
        observer = dispatcher.observers[update_type]
        observer.middleware(once)
        observer.middleware(services)
