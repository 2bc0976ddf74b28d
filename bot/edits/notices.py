"""What the chat is told when a confirmed address accepts an edited version by email. The
domain says what happened; bot/telegram says it under the agreed message (this package
never imports aiogram)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class AcceptedByEmail:
    chat_id: int
    thread_id: int | None
    message_id: int  # the agreed message: the notice replies to it
    number: int  # the agreement's
    language: str  # the agreement card's: the chat's
    masked_address: str  # c…@example.com: the chat never sees an address
    amendment_label: str | None = None  # "3.1" when this acceptance was the last one
    digest: str | None = None  # the amendment's
    waiting_for: tuple[str, ...] = ()  # parties in Telegram still to accept, by name
    waiting_by_email: tuple[str, ...] = ()  # other confirmed addresses, masked


class AcceptNotices(Protocol):
    async def accepted_by_email(self, notice: AcceptedByEmail) -> None:
        """Say it in the agreement's group; a failure is logged, never raised: what was
        recorded stands."""
