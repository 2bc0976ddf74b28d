"""How big a user's evidence pack would be, read from the store before it is built: the
pack is made in memory, so a chat's is refused above a size (bot/web/pack_api.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agreement, AgreementFile, Amendment, Mail, MailStatus
from bot.mail.files import KEPT_KINDS

# An agreed file goes back into each mail that carries it in base64: a third larger.
BASE64_GROWTH = 4 / 3


async def pack_bytes(session: AsyncSession, user_id: int, agreement_ids: Sequence[int]) -> int:
    """The bytes the pack's files would hold before compression: the records, and the
    user's own mails with their files put back (tokens and texts are small: left out)."""
    ids = list(agreement_ids)
    records = await session.scalar(
        select(func.coalesce(func.sum(func.length(Agreement.record)), 0)).where(
            Agreement.id.in_(ids)
        )
    )
    amendments = await session.scalar(
        select(func.coalesce(func.sum(func.length(Amendment.record)), 0)).where(
            Amendment.agreement_id.in_(ids)
        )
    )
    mine = (
        Mail.agreement_id.in_(ids),
        Mail.user_id == user_id,
        Mail.kind.in_(KEPT_KINDS),
        Mail.status == MailStatus.SENT,
    )
    mails = await session.scalar(
        select(func.coalesce(func.sum(func.length(Mail.raw)), 0)).where(*mine)
    )
    files = await session.scalar(
        select(func.coalesce(func.sum(func.length(AgreementFile.content)), 0))
        .join(Mail, Mail.agreement_id == AgreementFile.agreement_id)
        .where(*mine, Mail.file_at.is_not(None))
    )
    return (
        int(records or 0)
        + int(amendments or 0)
        + int(mails or 0)
        + int((files or 0) * BASE64_GROWTH)
    )
