"""Hands handlers the domain services, bound to the update's database session.

A service is a thin view: the update's session plus collaborators built once at start
(letters, wakers, the clock, limits, keys). It holds the session, so it lives as long as
the update; only the services the matched handler takes are built (about 0.5 µs each).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.file_budget import DEFAULT_FILE_BUDGET, FileBudget
from bot.agreements.invitations import DEFAULT_LIMITS, InvitationLimits, InvitationService
from bot.agreements.listing import ListingService
from bot.agreements.marking import AgreementService
from bot.archives.service import ArchiveService
from bot.business.service import BusinessService
from bot.edits.amendments import AmendmentService
from bot.edits.service import EditService
from bot.evidence.stamps import StampWaker
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.registration.service import RegistrationService
from bot.registration.subscription import SubscriptionService
from bot.registration.terms_acceptance import TermsService


class ServicesMiddleware(BaseMiddleware):
    def __init__(
        self,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
        edit_coalesce: timedelta,
        stamper: StampWaker | None = None,
        *,
        code_key: bytes,
        file_budget: FileBudget = DEFAULT_FILE_BUDGET,
        invitation_limits: InvitationLimits = DEFAULT_LIMITS,
    ) -> None:
        common = (letters, mail_waker, clock)
        # By the name a handler takes each under; built only for a handler that takes it.
        self._builders: dict[str, Callable[[AsyncSession], object]] = {
            "agreements": lambda session: AgreementService(
                session, *common, stamper=stamper, file_budget=file_budget
            ),
            "registration": lambda session: RegistrationService(
                session, *common, code_key=code_key
            ),
            "archives": lambda session: ArchiveService(session, *common, code_key=code_key),
            "subscriptions": lambda session: SubscriptionService(session, *common),
            "edits": lambda session: EditService(session, *common, edit_coalesce),
            "amendments": lambda session: AmendmentService(session, *common, stamper=stamper),
            "listing": lambda session: ListingService(session, *common),
            "business": lambda session: BusinessService(session, *common),
            "terms": lambda session: TermsService(session, *common),
            "invitations": lambda session: InvitationService(
                session, *common, stamper=stamper, limits=invitation_limits
            ),
        }

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        session = data["session"]
        matched: HandlerObject = data["handler"]
        for name, build in self._builders.items():
            if matched.varkw or name in matched.params:
                data[name] = build(session)
        return await handler(event, data)
