"""What an operator needs to know about the mail queue (``python -m bot status``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agreement, Mail, MailStatus


@dataclass(frozen=True, slots=True)
class MailStatusReport:
    pending: int
    sent: int
    failed: int
    oldest_pending_age: timedelta | None
    last_error: str | None
    last_error_at: datetime | None
    agreements: int


async def mail_status(session: AsyncSession, now: datetime) -> MailStatusReport:
    counts: dict[MailStatus, int] = dict(
        (await session.execute(select(Mail.status, func.count()).group_by(Mail.status))).all()
    )
    oldest = await session.scalar(
        select(func.min(Mail.created_at)).where(Mail.status == MailStatus.PENDING)
    )
    last = (
        await session.execute(
            select(Mail.last_error, Mail.created_at)
            .where(Mail.last_error.is_not(None))
            .order_by(Mail.id.desc())
            .limit(1)
        )
    ).first()
    return MailStatusReport(
        pending=counts.get(MailStatus.PENDING, 0),
        sent=counts.get(MailStatus.SENT, 0),
        failed=counts.get(MailStatus.FAILED, 0),
        oldest_pending_age=now - oldest if oldest else None,
        last_error=last[0] if last else None,
        last_error_at=last[1] if last else None,
        agreements=await session.scalar(select(func.count()).select_from(Agreement)) or 0,
    )


def describe(report: MailStatusReport) -> str:
    age = report.oldest_pending_age
    lines = [
        f"agreements:          {report.agreements}",
        f"mails pending:       {report.pending}",
        f"mails sent:          {report.sent}",
        f"mails failed:        {report.failed}",
        f"oldest pending mail: {_age(age) if age is not None else '-'}",
        f"last delivery error: {report.last_error or '-'}",
    ]
    return "\n".join(lines)


def _age(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m {seconds:02d}s"
