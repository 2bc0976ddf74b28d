"""Putting an agreement's file, stored once, back into each mail that carries it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AgreementFile, Mail
from mailer.detached import reattach


async def files_for(session: AsyncSession, mails: Sequence[Mail]) -> dict[int, bytes]:
    """The files the mails go out with, by agreement, each read once: the parties of one
    agreement share one copy in memory, as they do in the database."""
    wanted = {
        mail.agreement_id
        for mail in mails
        if mail.file_at is not None and mail.agreement_id is not None
    }
    return await stored_files(session, wanted) if wanted else {}


async def stored_files(session: AsyncSession, agreement_ids: Iterable[int]) -> dict[int, bytes]:
    """The stored file of each of the agreements that has one."""
    rows = await session.execute(
        select(AgreementFile.agreement_id, AgreementFile.content).where(
            AgreementFile.agreement_id.in_(list(agreement_ids))
        )
    )
    return {agreement_id: content for agreement_id, content in rows}


def wire_bytes(mail: Mail, files: Mapping[int, bytes]) -> bytes:
    """The mail as composed (and signed) when it was queued."""
    if mail.file_at is None:
        return mail.raw
    content = files.get(mail.agreement_id) if mail.agreement_id is not None else None
    if content is None:  # append-only: only a database changed by hand
        raise LookupError(f"the file of agreement {mail.agreement_id} is not stored")
    return reattach(mail.raw, mail.file_at, content)


def forget_bytes(mail: Mail) -> None:
    """A sent mail is never sent again (a crash before this is committed leaves them)."""
    mail.raw, mail.file_at = b"", None
