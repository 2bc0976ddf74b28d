"""What the chat is told when an invited address confirms or refuses. The domain says
what happened; bot/telegram says it in the chat (this package never imports aiogram)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class Happened(enum.StrEnum):
    CONFIRMED = "confirmed"
    REFUSED = "refused"  # "this is not me / don't write to me again"


@dataclass(frozen=True, slots=True)
class ChatNotice:
    happened: Happened
    chat_id: int
    thread_id: int | None
    message_id: int  # the agreed message: the notice replies to it
    number: int  # the agreement's
    language: str  # the agreement card's: the chat's
    masked_address: str  # c…@example.com: the chat never sees an address
    added_by_id: int  # who added the address (told of a refusal by name)
    added_by_name: str
    # A business chat's owner: told privately (the bot can't write in a client's chat
    # unprompted); None for a group.
    owner_id: int | None = None


class ChatNotices(Protocol):
    async def tell(self, notice: ChatNotice) -> None:
        """Say it in the agreement's chat (a business chat's owner privately); a failure
        is logged, never raised: what was recorded stands."""
