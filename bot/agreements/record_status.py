"""What a record is now, found by its digest: the record page behind every mail.

The digest is the page's key. It covers the record's text and ids, so nobody can guess
it, and a mail's reader already holds it. The status shows names, never addresses.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.chain_standing import ChainPlace, ChainVerdicts, chain_places
from bot.core.addresses import masked
from bot.core.diff import Diff, word_diff
from bot.core.labels import label
from bot.core.people import full_name
from bot.db.loading import with_parties
from bot.db.models import (
    Agreement,
    Amendment,
    EmailConfirmation,
    MessageDeletion,
    MessageVersion,
    Timestamp,
)
from bot.evidence.tsa_client import read_timestamp
from bot.mail.parts import record_filename
from bot.terms.in_records import TermsNote, terms_of_parties


class Standing(enum.StrEnum):
    INTACT = "intact"  # the message reads as agreed
    EDITED = "edited"  # edited since, and no amendment took the edit
    AMENDED = "amended"  # an amendment every party accepted replaced this text
    DELETED = "deleted"  # the message is gone from the chat (Business chats tell)


@dataclass(frozen=True, slots=True)
class LinkedRecord:
    label: str  # "3.1"
    digest: str


@dataclass(frozen=True, slots=True)
class ConfirmationView:
    """An invited address confirmed the agreement by email: masked, as pages show it."""

    masked_address: str
    confirmed_at: datetime
    confirmed_label: str  # the record it confirmed: "3", or "3.1"
    digest: str  # the confirmation's own record
    position: int | None  # its place in the chat's chain


@dataclass(frozen=True, slots=True)
class StampInfo:
    token: bytes | None  # the DER TimeStampResp, None while the authority has not answered
    stamped_at: datetime | None  # None while the authority has not answered
    authority: str | None
    valid: bool  # the token stamps this record and its signature holds
    trusted: bool  # and its certificate chains to TSA_CA_FILE's root


@dataclass(frozen=True, slots=True)
class Signer:
    name: str
    terms: TermsNote | None  # the signing terms they had accepted, if any


@dataclass(frozen=True, slots=True)
class RecordStatus:
    digest: str
    file_name: str  # the record's, as the mails attach it
    label: str  # "3" for an agreement, "#3.1" for an amendment
    is_amendment: bool
    title: str | None
    chat_title: str | None
    topic: str | None
    author: str
    parties: list[str]
    signers: list[Signer]  # the parties again, each with the terms they had accepted
    text: str
    entities: list[dict[str, Any]]
    sent_at: datetime  # Telegram's time of the message
    recorded_at: datetime  # when the bot sealed the record
    standing: Standing
    edits: int  # versions after this record's text
    latest_diff: Diff | None  # this record's text against the message's latest version
    replaced: LinkedRecord | None  # for an amendment: the record it replaced
    replaced_by: LinkedRecord | None  # the amendment that stands now, if not this one
    amendments: list[LinkedRecord]
    chain: ChainPlace
    stamp: StampInfo | None  # None: no timestamp was asked for (TSA_URL unset)
    record: bytes
    confirmations: list[ConfirmationView]  # the agreement's, by email, oldest first


async def record_status(
    session: AsyncSession,
    digest: str,
    tsa_roots: list[bytes] | None = None,
    verdicts: ChainVerdicts | None = None,
) -> RecordStatus | None:
    """The agreement or amendment sealed as ``digest``, or None."""
    amendment = await session.scalar(select(Amendment).where(Amendment.digest == digest))
    agreement_filter = (
        Agreement.id == amendment.agreement_id
        if amendment is not None
        else Agreement.digest == digest
    )
    agreement = await session.scalar(with_parties(select(Agreement)).where(agreement_filter))
    if agreement is None:
        return None
    amendments = list(
        await session.scalars(
            select(Amendment)
            .where(Amendment.agreement_id == agreement.id)
            .order_by(Amendment.number)
        )
    )
    versions = list(
        await session.scalars(
            select(MessageVersion)
            .where(MessageVersion.agreement_id == agreement.id)
            .order_by(MessageVersion.number)
        )
    )
    deleted = await session.get(MessageDeletion, agreement.id)
    text, entities, seen_versions = agreement.text, agreement.entities, 0
    if amendment is not None:
        text = amendment.text
        amended_version = next(v for v in versions if v.id == amendment.version_id)
        entities, seen_versions = amended_version.entities, amended_version.number
    later = versions[seen_versions:]
    record = amendment.record if amendment else agreement.record
    latest = amendments[-1] if amendments else None
    terms = await terms_of_parties(session, agreement.parties, record)
    replaced_by = (
        LinkedRecord(label(agreement.number, latest.number), latest.digest)
        if latest is not None and latest.digest != digest
        else None
    )
    return RecordStatus(
        digest=digest,
        file_name=record_filename(
            agreement.chat_id, label(agreement.number, amendment.number if amendment else None)
        ),
        label=label(agreement.number, amendment.number if amendment else None),
        is_amendment=amendment is not None,
        title=agreement.title,
        chat_title=agreement.chat.title,
        topic=agreement.topic,
        author=agreement.author_name,
        parties=[full_name(p.user.first_name, p.user.last_name) for p in agreement.parties],
        signers=[
            Signer(full_name(p.user.first_name, p.user.last_name), terms[p.user_id])
            for p in agreement.parties
        ],
        text=text,
        entities=entities,
        sent_at=agreement.message_date,
        recorded_at=amendment.created_at if amendment else agreement.marked_at,
        standing=_standing(replaced_by, later, deleted),
        edits=len(later),
        latest_diff=word_diff(text, later[-1].text) if later else None,
        replaced=_replaced(agreement, amendments, amendment),
        replaced_by=replaced_by,
        amendments=[LinkedRecord(label(agreement.number, a.number), a.digest) for a in amendments],
        chain=(await chain_places(session, agreement.chat_id, [digest], verdicts))[digest],
        stamp=await stamp_info(session, digest, record, tsa_roots),
        record=record,
        confirmations=await _confirmations(session, agreement, amendments, verdicts),
    )


async def _confirmations(
    session: AsyncSession,
    agreement: Agreement,
    amendments: list[Amendment],
    verdicts: ChainVerdicts | None,
) -> list[ConfirmationView]:
    confirmations = list(
        await session.scalars(
            select(EmailConfirmation)
            .where(EmailConfirmation.agreement_id == agreement.id)
            .order_by(EmailConfirmation.id)
        )
    )
    if not confirmations:
        return []
    labels = {agreement.digest: label(agreement.number)} | {
        a.digest: label(agreement.number, a.number) for a in amendments
    }
    digests = [c.digest for c in confirmations]
    places = await chain_places(session, agreement.chat_id, digests, verdicts)
    return [
        ConfirmationView(
            masked(c.address),
            c.created_at,
            labels.get(c.confirmed_digest, "?"),
            c.digest,
            places[c.digest].position,
        )
        for c in confirmations
    ]


async def confirmed_record(session: AsyncSession, digest: str) -> str | None:
    """The digest of the record an email confirmation sealed as ``digest`` confirmed:
    its page stands for the confirmation's (whose record, holding the address, is the
    parties' to keep, not a page's to hand out)."""
    return await session.scalar(
        select(EmailConfirmation.confirmed_digest).where(EmailConfirmation.digest == digest)
    )


def _standing(
    replaced_by: LinkedRecord | None, later: list[MessageVersion], deleted: object
) -> Standing:
    if replaced_by is not None:
        return Standing.AMENDED
    if deleted is not None:
        return Standing.DELETED
    return Standing.EDITED if later else Standing.INTACT


def _replaced(
    agreement: Agreement, amendments: list[Amendment], amendment: Amendment | None
) -> LinkedRecord | None:
    if amendment is None:
        return None
    if amendment.number == 1:
        return LinkedRecord(label(agreement.number), agreement.digest)
    before = amendments[amendment.number - 2]
    return LinkedRecord(label(agreement.number, before.number), before.digest)


async def stamp_info(
    session: AsyncSession, digest: str, record: bytes, roots: list[bytes] | None
) -> StampInfo | None:
    row = await session.scalar(select(Timestamp).where(Timestamp.digest == digest))
    if row is None:
        return None
    if row.token is None:
        return StampInfo(None, None, None, valid=False, trusted=False)
    check = read_timestamp(row.token, record, roots)
    return StampInfo(row.token, check.stamped_at, check.authority, check.valid, check.trusted)
