"""Which records wait for a trusted timestamp, and the tokens they got.

With TSA_URL set, a new record's digest is queued for stamping in the same transaction
as the record, and its mails wait until the stamper (bot/mail/stamper.py) has a token (or
gave up), so that each mail carries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Timestamp


class StampWaker(Protocol):
    def wake(self) -> None: ...


@dataclass(frozen=True, slots=True)
class StampState:
    token: bytes | None
    pending: bool


def request_stamp(
    session: AsyncSession,
    digest: str,
    now: datetime,
    *,
    agreement_id: int | None = None,
    amendment_id: int | None = None,
    confirmation_id: int | None = None,
) -> None:
    session.add(
        Timestamp(
            digest=digest,
            agreement_id=agreement_id,
            amendment_id=amendment_id,
            confirmation_id=confirmation_id,
            requested_at=now,
            next_attempt_at=now,
            attempts=0,
        )
    )


async def stamp_states(session: AsyncSession, digests: Sequence[str]) -> dict[str, StampState]:
    """Only digests that were queued for stamping appear (none when TSA_URL is unset)."""
    if not digests:
        return {}
    rows = await session.scalars(select(Timestamp).where(Timestamp.digest.in_(digests)))
    return {
        row.digest: StampState(
            token=row.token, pending=row.token is None and row.given_up_at is None
        )
        for row in rows
    }
