"""How many bytes of files a person, and a chat, may have stored a day.

An agreed file is kept for good (append-only), so the limits on marks a minute don't
bound storage: 60 marks of 7 MB files would be 420 MB a minute. The budget is counted
from the database (the files stored with agreements marked in the last 24 hours, by who
marked them and in which chat), so it survives restarts and replicas share it; a file is
refused before it is downloaded when its size, which Telegram states, would go over, and
again, exactly, under the chat's lock before it is stored.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agreement, AgreementFile

DAY = timedelta(days=1)
MB = 1_000_000


class Spent(enum.StrEnum):
    """Whose budget a file would go over."""

    USER = "user"
    CHAT = "chat"


@dataclass(frozen=True, slots=True)
class FileBudget:
    per_user_bytes: int = 200 * MB
    per_chat_bytes: int = 500 * MB

    @classmethod
    def in_mb(cls, per_user: float, per_chat: float) -> FileBudget:
        return cls(round(per_user * MB), round(per_chat * MB))


DEFAULT_FILE_BUDGET = FileBudget()  # the settings' defaults


async def spent_by(
    session: AsyncSession,
    budget: FileBudget,
    *,
    chat_id: int | None,
    user_id: int,
    size: int,
    now: datetime,
) -> Spent | None:
    """Whose daily budget storing ``size`` more bytes would go over, if anyone's
    (``chat_id`` None: a chat not made yet, which has stored nothing)."""
    if await _stored(session, Agreement.marked_by_id == user_id, now) + size > (
        budget.per_user_bytes
    ):
        return Spent.USER
    in_chat = 0 if chat_id is None else await _stored(session, Agreement.chat_id == chat_id, now)
    if in_chat + size > budget.per_chat_bytes:
        return Spent.CHAT
    return None


async def _stored(session: AsyncSession, whose: ColumnElement[bool], now: datetime) -> int:
    # length() of a bytea or a blob is read from its header, not from the bytes.
    total = await session.scalar(
        select(func.coalesce(func.sum(func.length(AgreementFile.content)), 0))
        .join(Agreement, Agreement.id == AgreementFile.agreement_id)
        .where(whose, Agreement.marked_at > now - DAY)
    )
    return int(total or 0)
