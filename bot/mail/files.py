"""Putting an agreement's file, stored once, back into each mail that carries it; which sent
mails keep their bytes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AgreementFile, Mail
from bot.mail import kinds
from mailer.detached import reattach

# Mails whose bytes stay once sent, without the agreed file (stored once, beside them): the
# record mails and the alerts about them, which each party's evidence pack holds as sent
# (bot/agreements/pack.py). Listed, not excepted: a kind added later, such as a code mail,
# carries a secret and is emptied.
KEPT_KINDS = frozenset(
    {
        kinds.AGREEMENT,
        kinds.AMENDMENT,
        kinds.EDIT_ALERT,
        kinds.DELETION,
        kinds.EMAIL_CONFIRMATION,
    }
)


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
    """The mail as composed (and signed) when it was queued: what the outbox sends, and
    what a party's evidence pack holds as their copy of it."""
    if mail.file_at is None:
        return mail.raw
    content = files.get(mail.agreement_id) if mail.agreement_id is not None else None
    if content is None:  # append-only: only a database changed by hand
        raise LookupError(f"the file of agreement {mail.agreement_id} is not stored")
    return reattach(mail.raw, mail.file_at, content)


def forget_bytes(mail: Mail) -> None:
    """A sent mail is never sent again (a crash before this is committed leaves its bytes):
    they go, unless they are the recipient's copy of a record mail (KEPT_KINDS)."""
    if mail.kind not in KEPT_KINDS:
        mail.raw, mail.file_at = b"", None
