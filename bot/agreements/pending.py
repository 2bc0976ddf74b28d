"""Whether an agreed message's latest edit still awaits the parties' acceptance.

While one does, nobody new may join: a newcomer would change who must accept, and could
veto the edit by never accepting, or tip it by accepting. Joining opens again once the
edit is accepted by every party (an amendment), or the message is edited back to the
text that stands.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agreement, Amendment, MessageVersion


async def edit_awaits_acceptance(session: AsyncSession, agreement: Agreement) -> bool:
    latest = await session.scalar(
        select(MessageVersion.content_hash)
        .where(MessageVersion.agreement_id == agreement.id)
        .order_by(MessageVersion.number.desc())
        .limit(1)
    )
    if latest is None:
        return False  # never edited
    amended = await session.scalar(
        select(MessageVersion.content_hash)
        .join(Amendment, Amendment.version_id == MessageVersion.id)
        .where(Amendment.agreement_id == agreement.id)
        .order_by(Amendment.number.desc())
        .limit(1)
    )
    standing = amended if amended is not None else agreement.content_hash
    return latest != standing
