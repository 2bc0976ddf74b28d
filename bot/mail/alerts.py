"""Emails about edits and amendments, threaded under each recipient's agreement email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.labels import label
from bot.db.loading import load_agreement
from bot.db.models import Agreement, Amendment, EditAlert, Mail, MessageVersion, User
from bot.mail import kinds
from bot.mail.email_acceptors import asked_to_accept
from bot.mail.letters import AgreedText, Letters
from bot.mail.queuing import enqueue, recipients_of


async def queue_alert_mails(
    session: AsyncSession, letters: Letters, alert: EditAlert, now: datetime
) -> int:
    """One edit-alert mail per party with a verified address; marks the alert mailed."""
    agreement = await load_agreement(session, alert.agreement_id)
    assert agreement is not None
    versions = list(
        await session.scalars(
            select(MessageVersion)
            .where(MessageVersion.agreement_id == agreement.id)
            .order_by(MessageVersion.number)
        )
    )
    agreed = await agreed_text(session, agreement)
    editors = await _users(session, {v.editor_id for v in versions if v.editor_id})
    mailed_at = await agreement_mailed_at(session, agreement.id)
    to_mail = await recipients_of(session, agreement, kinds.edit_alert_topic(alert.id))
    asked = await _asked(session, agreement, versions[-1]) if versions else frozenset()
    queued = enqueue(
        session,
        letters.edit_alert(
            agreement,
            alert,
            versions,
            agreed,
            editors,
            to_mail,
            now,
            agreement_mailed_at=mailed_at or agreement.marked_at,
            asked=asked,
        ),
    )
    alert.mailed_at = now
    return queued


async def _asked(
    session: AsyncSession, agreement: Agreement, latest: MessageVersion
) -> frozenset[int]:
    """The confirmed addresses whose acceptance ``latest`` needs, unless it is an
    amendment already (every party accepted it before the alert's window passed)."""
    amended = await session.scalar(select(Amendment.id).where(Amendment.version_id == latest.id))
    if amended is not None:
        return frozenset()
    asked = await asked_to_accept(session, agreement, latest.number)
    return frozenset(party.party_id for party in asked)


async def queue_due_alerts(session: AsyncSession, letters: Letters, now: datetime) -> int:
    """Mail every alert whose coalescing window has passed; returns how many mails."""
    due = (
        await session.scalars(
            select(EditAlert)
            .where(EditAlert.mailed_at.is_(None), EditAlert.due_at <= now)
            .order_by(EditAlert.id)
        )
    ).all()
    queued = 0
    for alert in due:
        # Waits for an edit being added to this alert to commit; then reads its versions.
        claimed = await session.execute(
            update(EditAlert)
            .where(EditAlert.id == alert.id, EditAlert.mailed_at.is_(None))
            .values(mailed_at=now)
        )
        if claimed.rowcount:  # type: ignore[attr-defined]
            queued += await queue_alert_mails(session, letters, alert, now)
    return queued


async def agreed_text(session: AsyncSession, agreement: Agreement) -> AgreedText:
    """The text that stands: the latest amendment, else the original."""
    latest = await session.scalar(
        select(Amendment)
        .where(Amendment.agreement_id == agreement.id)
        .order_by(Amendment.number.desc())
        .limit(1)
    )
    if latest is None:
        return AgreedText(agreement.text, None, agreement.digest)
    return AgreedText(latest.text, label(agreement.number, latest.number), latest.digest)


async def agreement_mailed_at(session: AsyncSession, agreement_id: int) -> datetime | None:
    """When the agreement's first email went out, if one did."""
    return await session.scalar(
        select(func.min(Mail.sent_at)).where(
            Mail.agreement_id == agreement_id, Mail.kind == kinds.AGREEMENT
        )
    )


async def _users(session: AsyncSession, ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {user.id: user for user in await session.scalars(select(User).where(User.id.in_(ids)))}
