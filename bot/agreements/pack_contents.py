"""What goes into a user's evidence pack: each agreement's records and tokens, and the
user's own copies of the mails about it, read from the store (bot/agreements/pack.py
writes them out)."""

from __future__ import annotations

import email.parser
import email.policy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.labels import label
from bot.core.people import full_name
from bot.db.loading import with_parties
from bot.db.models import (
    Acceptance,
    Agreement,
    Amendment,
    Mail,
    MailStatus,
    MessageDeletion,
    MessageVersion,
    Timestamp,
    User,
)
from bot.evidence.tsa_client import read_timestamp
from bot.mail.files import KEPT_KINDS, stored_files, wire_bytes
from bot.mail.parts import record_filename


@dataclass(frozen=True, slots=True)
class Stamp:
    token: bytes  # the authority's reply (.tsr), as stored
    stamped_at: datetime | None
    authority: str | None


@dataclass(frozen=True, slots=True)
class RecordFile:
    label: str  # "3", or "3.1" for an amendment
    file_name: str  # agreement-<chat>-3.json, as the mails attach it
    record: bytes
    digest: str
    text: str
    recorded_at: datetime
    stamp: Stamp | None
    accepted_by: list[tuple[str, datetime]] = field(default_factory=list)  # amendments


@dataclass(frozen=True, slots=True)
class MailCopy:
    kind: str  # agreement, amendment, edit_alert, deletion
    about: str  # the label of the record it is about ("3", "3.1")
    sent_at: datetime
    subject: str
    raw: bytes  # byte for byte as the mail server took it


@dataclass(frozen=True, slots=True)
class PackedAgreement:
    chat_id: int
    chat_title: str | None
    title: str | None
    author: str
    parties: list[str]
    sent_at: datetime  # Telegram's time of the message
    edits: int  # versions of the message seen after it was agreed
    deleted: bool
    records: list[RecordFile]  # the agreement's, then each amendment's
    mails: list[MailCopy]
    mails_not_kept: int  # sent before copies were kept: listed as missing

    @property
    def folder(self) -> str:
        return self.records[0].file_name.removesuffix(".json")


async def pack_contents(
    session: AsyncSession, user_id: int, agreement_ids: Sequence[int]
) -> list[PackedAgreement]:
    agreements = (
        await session.scalars(
            with_parties(select(Agreement))
            .where(Agreement.id.in_(list(agreement_ids)))
            .order_by(Agreement.chat_id, Agreement.number)
        )
    ).all()
    return [await _packed(session, user_id, agreement) for agreement in agreements]


async def _packed(session: AsyncSession, user_id: int, agreement: Agreement) -> PackedAgreement:
    amendments = (
        await session.scalars(
            select(Amendment)
            .where(Amendment.agreement_id == agreement.id)
            .order_by(Amendment.number)
        )
    ).all()
    records = [
        RecordFile(
            label(agreement.number),
            record_filename(agreement.chat_id, agreement.number),
            agreement.record,
            agreement.digest,
            agreement.text,
            agreement.marked_at,
            await _stamp(session, agreement.digest, agreement.record),
        )
    ]
    for amendment in amendments:
        records.append(
            RecordFile(
                label(agreement.number, amendment.number),
                record_filename(agreement.chat_id, label(agreement.number, amendment.number)),
                amendment.record,
                amendment.digest,
                amendment.text,
                amendment.created_at,
                await _stamp(session, amendment.digest, amendment.record),
                await _accepted_by(session, amendment.version_id),
            )
        )
    topics = {f"amendment:{a.id}": label(agreement.number, a.number) for a in amendments}
    mails, not_kept = await _mail_copies(session, user_id, agreement, topics)
    edits = await session.scalar(
        select(func.count())
        .select_from(MessageVersion)
        .where(MessageVersion.agreement_id == agreement.id)
    )
    return PackedAgreement(
        chat_id=agreement.chat_id,
        chat_title=agreement.chat.title,
        title=agreement.title,
        author=agreement.author_name,
        parties=[full_name(p.user.first_name, p.user.last_name) for p in agreement.parties],
        sent_at=agreement.message_date,
        edits=int(edits or 0),
        deleted=await session.get(MessageDeletion, agreement.id) is not None,
        records=records,
        mails=mails,
        mails_not_kept=not_kept,
    )


async def _stamp(session: AsyncSession, digest: str, record: bytes) -> Stamp | None:
    token = await session.scalar(select(Timestamp.token).where(Timestamp.digest == digest))
    if token is None:
        return None
    check = read_timestamp(token, record)  # what the token says; the README says how to check
    return Stamp(token, check.stamped_at, check.authority)


async def _accepted_by(session: AsyncSession, version_id: int) -> list[tuple[str, datetime]]:
    rows = await session.execute(
        select(User, Acceptance.accepted_at)
        .join(Acceptance, Acceptance.user_id == User.id)
        .where(Acceptance.version_id == version_id)
        .order_by(Acceptance.accepted_at, Acceptance.user_id)
    )
    return [(full_name(user.first_name, user.last_name), at) for user, at in rows]


async def _mail_copies(
    session: AsyncSession, user_id: int, agreement: Agreement, amendments: dict[str, str]
) -> tuple[list[MailCopy], int]:
    """The record mails the user was sent about the agreement, as sent; and how many of
    them were sent before their bytes were kept."""
    mails = (
        await session.scalars(
            select(Mail)
            .where(
                Mail.agreement_id == agreement.id,
                Mail.user_id == user_id,  # the user's own, never another party's
                Mail.kind.in_(KEPT_KINDS),
                Mail.status == MailStatus.SENT,
            )
            .order_by(Mail.sent_at, Mail.id)
        )
    ).all()
    kept = [mail for mail in mails if mail.raw]
    needs_file = any(mail.file_at is not None for mail in kept)
    files = await stored_files(session, [agreement.id]) if needs_file else {}
    copies = []
    for mail in kept:
        raw = wire_bytes(mail, files)
        about = amendments.get(mail.topic, label(agreement.number))
        assert mail.sent_at is not None  # sent
        copies.append(MailCopy(mail.kind, about, mail.sent_at, _subject(raw), raw))
    return copies, len(mails) - len(kept)


def _subject(raw: bytes) -> str:
    end = raw.find(b"\r\n\r\n")
    head = raw if end < 0 else raw[: end + 4]  # the headers only: the body may be megabytes
    parsed = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(head)
    return str(parsed["Subject"] or "")
