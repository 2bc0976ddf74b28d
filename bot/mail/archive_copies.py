"""A chat's archive address as a recipient: while one is set (bot/archives sets and ends
it), it gets a copy of every mail about the chat's agreements, one thread per agreement,
in the language it was set in. Its copies' topics begin ``kinds.ARCHIVE_PREFIX``."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import locks_rows
from bot.db.models import Agreement, ChatArchive, Mail, MailStatus
from bot.logs import mask_address
from bot.mail import kinds

logger = logging.getLogger(__name__)

WITHDRAWN = "withdrawn: the chat's archive address was removed before it was sent"


@dataclass(frozen=True, slots=True)
class ArchiveCopy:
    address: str
    language: str
    in_reply_to: str | None  # the archive's first mail about the agreement


async def archive_in_force(session: AsyncSession, chat_id: int) -> ChatArchive | None:
    """The chat's archive now. On PostgreSQL its row is held (FOR SHARE) until the
    transaction ends: a removal waits for the mails being written to it and then withdraws
    them, and a mail written after the removal finds no archive."""
    query = select(ChatArchive).where(
        ChatArchive.chat_id == chat_id, ChatArchive.removed_at.is_(None)
    )
    if locks_rows(session):
        query = query.with_for_update(read=True)
    return await session.scalar(query, execution_options={"populate_existing": True})


async def archive_copy(
    session: AsyncSession,
    agreement: Agreement,
    topic: str,
    *,
    record: bool = False,
    fresh: bool = False,
) -> ArchiveCopy | None:
    """Where the archive's copy of the mail about ``topic`` goes, or None: no archive, or
    it has that copy already. ``record``: the agreement's own mail, which goes only to an
    archive set before the agreement was recorded (a party joining later must not send an
    old record to a new archive). ``fresh``: the agreement was recorded in this
    transaction, so nothing was mailed about it yet."""
    archive = await archive_in_force(session, agreement.chat_id)
    if archive is None or (record and agreement.marked_at < archive.set_at):
        return None
    if fresh:
        return ArchiveCopy(archive.address, archive.language, None)
    copied = await session.scalar(
        select(Mail.id).where(
            Mail.user_id.is_(None),
            Mail.to_address == archive.address,
            Mail.topic == kinds.archive_topic(topic),
        )
    )
    if copied is not None:
        return None
    thread = await _thread(session, agreement.id, archive.address)
    return ArchiveCopy(archive.address, archive.language, thread)


async def _thread(session: AsyncSession, agreement_id: int, address: str) -> str | None:
    """The Message-ID the archive's thread about the agreement goes on from: its agreement
    mail, or (an archive set after the agreement) its first mail about it."""
    agreement_first = case((Mail.kind == kinds.AGREEMENT, 0), else_=1)
    return await session.scalar(
        select(Mail.message_id)
        .where(
            Mail.agreement_id == agreement_id,
            Mail.user_id.is_(None),
            Mail.to_address == address,
            Mail.topic.startswith(kinds.ARCHIVE_PREFIX, autoescape=True),
            Mail.status != MailStatus.FAILED,
        )
        .order_by(agreement_first, Mail.id)
        .limit(1)
    )


async def withdraw_copies(session: AsyncSession, chat_id: int, address: str) -> int:
    """The chat's copies to ``address`` not sent yet are not sent: marked failed, with why.
    One the mail worker is handing to the server at this moment goes (it then records it
    sent); one the server puts off is not tried again (the worker's write after a deferral
    leaves the status alone)."""
    of_chat = select(Agreement.id).where(Agreement.chat_id == chat_id)
    result = await session.execute(
        update(Mail)
        .where(
            Mail.status == MailStatus.PENDING,
            Mail.user_id.is_(None),
            Mail.to_address == address,
            Mail.topic.startswith(kinds.ARCHIVE_PREFIX, autoescape=True),
            Mail.agreement_id.in_(of_chat),
        )
        .values(status=MailStatus.FAILED, last_error=WITHDRAWN)
        .execution_options(synchronize_session=False)
    )
    withdrawn = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if withdrawn:
        logger.info(
            "archive copies withdrawn chat=%s address=%s mails=%s",
            chat_id,
            mask_address(address),
            withdrawn,
        )
    return withdrawn
