"""What every domain service works with, bound to one update's database session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.evidence.stamps import StampWaker
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker


class Service:
    def __init__(
        self,
        session: AsyncSession,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
        *,
        stamper: StampWaker | None = None,
    ) -> None:
        self._session = session
        self._letters = letters
        self._mail_waker = mail_waker
        self._clock = clock
        # Set when TSA_URL is: new records are queued for a trusted timestamp.
        self._stamper = stamper
