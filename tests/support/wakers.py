"""A waker that counts: what the services wake the mail worker with, in tests that run no
worker."""

from __future__ import annotations

from bot.confirmations.notices import ChatNotice
from bot.edits.notices import AcceptedByEmail


class RecordingWaker:
    def __init__(self) -> None:
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1


class RecordingNotices:
    """The chat's side of a confirmation by email (bot/confirmations/notices.py) and of an
    acceptance by email (bot/edits/notices.py), kept."""

    def __init__(self) -> None:
        self.told: list[ChatNotice | AcceptedByEmail] = []

    async def tell(self, notice: ChatNotice) -> None:
        self.told.append(notice)

    async def accepted_by_email(self, notice: AcceptedByEmail) -> None:
        self.told.append(notice)
