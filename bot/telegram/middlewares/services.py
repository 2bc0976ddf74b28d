"""Hands handlers the domain services, bound to the update's database session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.agreements.file_budget import DEFAULT_FILE_BUDGET, FileBudget
from bot.agreements.listing import ListingService
from bot.agreements.marking import AgreementService
from bot.business.service import BusinessService
from bot.edits.amendments import AmendmentService
from bot.edits.service import EditService
from bot.evidence.stamps import StampWaker
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.registration.service import RegistrationService


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
    ) -> None:
        self._code_key = code_key
        self._stamper = stamper
        self._file_budget = file_budget
        self._letters = letters
        self._mail_waker = mail_waker
        self._clock = clock
        self._edit_coalesce = edit_coalesce

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        session = data["session"]
        common = (session, self._letters, self._mail_waker, self._clock)
        data["agreements"] = AgreementService(
            *common, stamper=self._stamper, file_budget=self._file_budget
        )
        data["registration"] = RegistrationService(*common, code_key=self._code_key)
        data["edits"] = EditService(*common, self._edit_coalesce)
        data["amendments"] = AmendmentService(*common, stamper=self._stamper)
        data["listing"] = ListingService(*common)
        data["business"] = BusinessService(*common)
        return await handler(event, data)
