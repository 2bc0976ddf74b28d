"""``python -m bot verify``: does an email (or its record file) match what was recorded?

Anyone can recompute a digest; this does it for a saved email or its JSON attachment,
checks the email against itself, and, when the database is reachable, against the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.phrases import N_, Phrase
from bot.core.timefmt import format_utc
from bot.db.models import Agreement, Amendment, EmailConfirmation
from bot.evidence.records import CONFIRMATION_FORMAT, digest_of
from bot.evidence.tsa_client import read_timestamp
from bot.mail.entity_html import EntitiesToHtml
from bot.verify.mail_checks import check_shown
from bot.verify.mail_structure import MailShapeError, parse_mail, read_record_mail
from bot.verify.record_view import RecordError, read_record
from bot.verify.verdict import Verdict

__all__ = ["Evidence", "check_stamp", "check_store", "read_evidence"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """The record bytes to check, and the digest the email claims for them (if any)."""

    record: bytes | None
    claimed_digest: str | None
    stamp: bytes | None = None  # an RFC 3161 token attached beside the record
    mail: EmailMessage | None = None  # the email, parsed once, when it is one


def read_evidence(
    content: bytes, verdict: Verdict, entities_html: EntitiesToHtml, stamp: bytes | None = None
) -> Evidence:
    """Accepts a record file (JSON, with ``stamp``, its token, if given) or a whole email
    (.eml); checks the email itself, its HTML part against the record's text as
    ``entities_html`` shows it."""
    try:
        json.loads(content)
    except ValueError:
        return _read_email(content, verdict, entities_html)
    if stamp is None:
        verdict.note(N_("a record file: checked against the store only"))
    else:
        verdict.note(N_("a record file: checked against its timestamp and the store"))
    return Evidence(content, None, stamp)


def _read_email(content: bytes, verdict: Verdict, entities_html: EntitiesToHtml) -> Evidence:
    message = parse_mail(content)
    try:
        mail = read_record_mail(message)
    except MailShapeError as exc:
        verdict.fail("MIME structure", exc.phrase)
        return Evidence(None, None, mail=message)
    verdict.ok("MIME structure", N_("the parts and attachments this bot writes, in its order"))
    record, claimed = mail.record.content, mail.claimed_digest
    if claimed is None:
        verdict.fail("digest", N_("the mail has no X-Agreement-Digest header"))
    else:
        actual = digest_of(record)
        verdict.check(
            actual == claimed,
            "digest",
            N_("the attached record hashes to the header's digest %(claimed)s"),
            N_("the attached record hashes to %(actual)s, not to the header's %(claimed)s"),
            actual=actual,
            claimed=claimed,
        )
    if _is_confirmation(record):
        # Its mail shows the confirmed text, which the record names by digest only: the
        # record is what counts, checked by its digest and against the store.
        verdict.skip(
            "text part",
            N_("an email confirmation's mail: its record is checked by its digest and the store"),
        )
        return Evidence(record, claimed, mail.stamp.content if mail.stamp else None, mail=message)
    try:
        check_shown(mail, read_record(record), verdict, entities_html)
    except RecordError as exc:
        verdict.fail("record", exc.phrase)
    stamp = mail.stamp.content if mail.stamp else None
    return Evidence(record, claimed, stamp, mail=message)


def _is_confirmation(record: bytes) -> bool:
    try:
        document = json.loads(record)
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("format") == CONFIRMATION_FORMAT


def check_stamp(evidence: Evidence, verdict: Verdict, roots: list[bytes] | None) -> None:
    """The attached RFC 3161 token, if any: it must date exactly this record."""
    if evidence.stamp is None or evidence.record is None:
        return
    check = read_timestamp(evidence.stamp, evidence.record, roots)
    when = format_utc(check.stamped_at) if check.stamped_at else "?"
    if not check.valid:
        for reason in check.reasons:
            verdict.fail("timestamp", reason.value)
        return
    by = check.authority or Phrase(N_("an unnamed authority"))
    if check.trusted:
        verdict.ok(
            "timestamp",
            N_("dated %(when)s by %(by)s, whose certificate TSA_CA_FILE trusts"),
            when=when,
            by=by,
        )
        return
    # Anyone can make a key that calls itself an authority: without a trusted root this
    # proves the token is intact, not who dated the record.
    verdict.ok("timestamp", N_("dates the record %(when)s and its signature holds"), when=when)
    verdict.skip(
        "timestamp authority",
        N_(
            "its signature holds, but who signed it was not checked: it names %(by)s; set "
            "TSA_CA_FILE to that authority's root certificate"
        ),
        by=by,
    )


async def check_store(session: AsyncSession, evidence: Evidence, verdict: Verdict) -> None:
    """Compares the evidence with the stored record of the same digest."""
    if evidence.record is None:
        return
    digest = evidence.claimed_digest or digest_of(evidence.record)
    stored: Agreement | Amendment | EmailConfirmation | None = None
    for kind in (Agreement, Amendment, EmailConfirmation):
        stored = await session.scalar(select(kind).where(kind.digest == digest))
        if stored is not None:
            break
    if stored is None:
        verdict.fail(
            "store", N_("the store holds no record with digest %(digest)s"), digest=digest
        )
        return
    if stored.record == evidence.record and digest_of(stored.record) == stored.digest:
        detail = N_("the stored record with digest %(digest)s has exactly these bytes")
        verdict.ok("store", detail, proves_origin=True, digest=digest)
        verdict.record_digest = digest
    else:
        verdict.fail(
            "store",
            N_("the stored record with digest %(digest)s differs from this one"),
            digest=digest,
        )
