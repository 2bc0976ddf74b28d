"""An agreement's story: the original, every later version, every amendment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.diff import Diff, word_diff
from bot.core.labels import label
from bot.core.people import full_name
from bot.db.models import Agreement, Amendment, MessageVersion, User


@dataclass(frozen=True, slots=True)
class VersionEntry:
    number: int
    edited_at: datetime
    editor: str
    diff: Diff  # against the version before it


@dataclass(frozen=True, slots=True)
class AmendmentEntry:
    label: str
    version: int
    recorded_at: datetime
    digest: str


@dataclass(frozen=True, slots=True)
class History:
    number: int
    title: str | None
    author: str
    sent_at: datetime
    text: str
    digest: str
    versions: list[VersionEntry]
    amendments: list[AmendmentEntry]


async def agreement_history(session: AsyncSession, chat_id: int, number: int) -> History | None:
    agreement = await session.scalar(
        select(Agreement).where(Agreement.chat_id == chat_id, Agreement.number == number)
    )
    if agreement is None:
        return None
    rows = await session.execute(
        select(MessageVersion, User)
        .outerjoin(User, User.id == MessageVersion.editor_id)
        .where(MessageVersion.agreement_id == agreement.id)
        .order_by(MessageVersion.number)
    )
    versions, previous, numbers = [], agreement.text, {}
    for version, editor in rows:
        numbers[version.id] = version.number
        name = full_name(editor.first_name, editor.last_name) if editor else agreement.author_name
        versions.append(
            VersionEntry(
                version.number, version.edit_date, name, word_diff(previous, version.text)
            )
        )
        previous = version.text
    amendments = [
        AmendmentEntry(
            label(agreement.number, a.number), numbers[a.version_id], a.created_at, a.digest
        )
        for a in await session.scalars(
            select(Amendment)
            .where(Amendment.agreement_id == agreement.id)
            .order_by(Amendment.number)
        )
    ]
    return History(
        number=agreement.number,
        title=agreement.title,
        author=agreement.author_name,
        sent_at=agreement.message_date,
        text=agreement.text,
        digest=agreement.digest,
        versions=versions,
        amendments=amendments,
    )
