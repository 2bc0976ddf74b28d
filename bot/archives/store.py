"""The archive rows of a chat: the one in force, set and ended under the chat's archive
lock, and the chats a person may be asked about."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.people import GROUP_TYPES
from bot.db.models import Agreement, Chat, ChatArchive, JournalEntry, Party
from bot.logs import mask_address
from bot.mail.archive_copies import withdraw_copies

logger = logging.getLogger(__name__)

# At most this many chats are asked about (getChatMember each) for one private /archive.
MAX_CANDIDATES = 20


@dataclass(frozen=True, slots=True)
class ArchiveView:
    chat_id: int
    chat_title: str
    address: str | None  # None: no archive set
    set_at: datetime | None = None


async def lock_chat_archive(session: AsyncSession, chat_id: int) -> ChatArchive | None:
    """The chat's archive in force, held until the commit. Changes of it take turns on the
    chat's row (there may be no archive row yet), the lock marking takes too, always before
    the archive's; then they wait for mails being written to it (those hold it FOR SHARE).
    SQLite: the process' writers take turns anyway."""
    await session.execute(select(Chat.id).where(Chat.id == chat_id).with_for_update())
    return await session.scalar(
        select(ChatArchive)
        .where(ChatArchive.chat_id == chat_id, ChatArchive.removed_at.is_(None))
        .with_for_update(),
        execution_options={"populate_existing": True},
    )


async def end_archive(
    session: AsyncSession, archive: ChatArchive, admin_id: int | None, now: datetime
) -> None:
    """No more copies to it, from now: it is ended, and its unsent copies withdrawn. The
    caller holds it (``lock_chat_archive``). ``admin_id`` None: nobody in Telegram ended it
    (the address's owner did, from a mail)."""
    archive.removed_at, archive.removed_by_id = now, admin_id
    await session.flush()  # ended before a new one of the chat is added
    await withdraw_copies(session, archive.chat_id, archive.address)
    logger.info(
        "archive removed chat=%s admin=%s address=%s",
        archive.chat_id,
        admin_id,
        mask_address(archive.address),
    )


async def chat_view(session: AsyncSession, chat_id: int) -> ArchiveView | None:
    """A group's archive as administrators see it; None for a chat that is no known group."""
    chat = await session.get(Chat, chat_id)
    if chat is None or chat.type not in GROUP_TYPES:
        return None
    archive = await session.scalar(
        select(ChatArchive).where(ChatArchive.chat_id == chat_id, ChatArchive.removed_at.is_(None))
    )
    if archive is None:
        return ArchiveView(chat_id, chat.title or "", None)
    return ArchiveView(chat_id, chat.title or "", archive.address, archive.set_at)


async def archives_near(
    session: AsyncSession, user_id: int, also: int | None = None
) -> list[ArchiveView]:
    """Archives in force in the groups where the bot has seen the person (as a party, as
    the author of a message in the journal, as whoever set it), and in ``also``: the chats
    to ask Telegram whether they administer now. Telegram can't list a person's chats."""
    as_party = (
        select(Agreement.chat_id)
        .join(Party, Party.agreement_id == Agreement.id)
        .where(Party.user_id == user_id)
    )
    as_writer = select(JournalEntry.chat_id).where(JournalEntry.author_id == user_id)
    seen = union(as_party, as_writer).subquery()
    rows = await session.execute(
        select(ChatArchive, Chat.title)
        .join(Chat, Chat.id == ChatArchive.chat_id)
        .where(
            ChatArchive.removed_at.is_(None),
            or_(
                ChatArchive.set_by_id == user_id,
                ChatArchive.chat_id.in_(select(seen.c.chat_id)),
                ChatArchive.chat_id == also,
            ),
        )
        .order_by(ChatArchive.set_at.desc(), ChatArchive.id.desc())
        .limit(MAX_CANDIDATES)
    )
    return [
        ArchiveView(archive.chat_id, title or "", archive.address, archive.set_at)
        for archive, title in rows
    ]
