"""Recording that a party accepted the signing terms, and reading who accepted what.

Rows are append-only (migration 0016): an acceptance stands as it was made. A party
accepts once per version; accepting again adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import TermsAcceptance
from bot.db.upsert import insert_ignoring_duplicates
from bot.terms.texts import Terms


async def record_acceptance(
    session: AsyncSession,
    *,
    user_id: int | None,
    address: str | None,
    terms: Terms,
    at: datetime,
) -> TermsAcceptance:
    """Records that a party accepted ``terms`` at ``at``: a Telegram account (``user_id``,
    with its confirmed address if it has one), or an email-only party by its confirmed
    ``address`` alone (pass it as it was confirmed, normalized by email-validator: the
    key is the exact string). Returns the acceptance of this version that stands: this one, or
    the earlier one when the party had accepted it already (two at once included: the
    database's unique keys decide). The user's row must exist; the caller commits."""
    if user_id is None and address is None:
        raise ValueError("an acceptance needs an account or an address")
    await session.execute(
        insert_ignoring_duplicates(session, TermsAcceptance).values(
            user_id=user_id,
            address=address,
            version=terms.version,
            language=terms.language,
            sha256=terms.sha256,
            accepted_at=at,
        )
    )
    if user_id is not None:
        whose = TermsAcceptance.user_id == user_id
    else:
        assert address is not None
        whose = TermsAcceptance.user_id.is_(None) & (TermsAcceptance.address == address)
    standing = await session.scalar(
        select(TermsAcceptance).where(whose, TermsAcceptance.version == terms.version)
    )
    assert standing is not None  # just inserted, or there before
    return standing


async def has_accepted(session: AsyncSession, user_id: int, version: int) -> bool:
    found = await session.scalar(
        select(TermsAcceptance.id).where(
            TermsAcceptance.user_id == user_id, TermsAcceptance.version == version
        )
    )
    return found is not None


async def accepted_terms(
    session: AsyncSession, user_ids: Iterable[int], at: datetime
) -> dict[int, TermsAcceptance]:
    """Each person's newest version accepted by ``at`` (people who accepted none are left
    out): the terms their actions at that moment were made under."""
    ids = set(user_ids)
    if not ids:
        return {}
    rows = await session.scalars(
        select(TermsAcceptance)
        .where(TermsAcceptance.user_id.in_(ids), TermsAcceptance.accepted_at <= at)
        .order_by(TermsAcceptance.version)
    )
    return {row.user_id: row for row in rows if row.user_id is not None}
