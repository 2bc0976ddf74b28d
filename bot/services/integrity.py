"""``python -m bot verify``: does an email (or its record file) match what was recorded?

Anyone can recompute a digest; this does it for a saved email or its JSON attachment,
checks the email against itself, and, when the database is reachable, against the store.
"""

from __future__ import annotations

import email
import email.policy
import json
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agreement, Amendment
from bot.services.mail_checks import check_shown
from bot.services.mail_view import read_view
from bot.services.records import digest_of
from bot.services.timefmt import format_utc
from bot.services.timestamping import REPLY_TYPE as STAMP_TYPE
from bot.services.timestamping import read_timestamp
from bot.services.verdict import Verdict

__all__ = ["Evidence", "Verdict", "check_stamp", "check_store", "read_evidence"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """The record bytes to check, and the digest the email claims for them (if any)."""

    record: bytes | None
    claimed_digest: str | None
    stamp: bytes | None = None  # an RFC 3161 token attached beside the record


def read_evidence(content: bytes, verdict: Verdict) -> Evidence:
    """Accepts a record file (JSON) or a whole email (.eml); checks the email itself."""
    try:
        json.loads(content)
    except ValueError:
        return _read_email(content, verdict)
    verdict.notes.append("a record file: checked against the store only")
    return Evidence(content, None)


def _read_email(content: bytes, verdict: Verdict) -> Evidence:
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    header = message["X-Agreement-Digest"]
    claimed = str(header).strip() if header is not None else None
    record = _single(message, "application/json")
    if record is None:
        verdict.fail("record", "no single JSON record attached")
    elif claimed is None:
        verdict.fail("digest", "the mail has no X-Agreement-Digest header")
    else:
        actual = digest_of(record)
        verdict.check(
            actual == claimed,
            "digest",
            f"the attached record hashes to the header's digest {claimed}",
            f"the attached record hashes to {actual}, not to the header's {claimed}",
        )
    if record is not None:
        check_shown(read_view(message), record, verdict)
    stamps = _attached(message, STAMP_TYPE)
    if len(stamps) > 1:
        verdict.fail("timestamp", "more than one timestamp attached")
    return Evidence(record, claimed, stamps[0] if len(stamps) == 1 else None)


def _attached(message: EmailMessage, content_type: str) -> list[bytes]:
    found = [
        part.get_payload(decode=True)
        for part in message.iter_attachments()
        if part.get_content_type() == content_type
    ]
    return [payload for payload in found if isinstance(payload, bytes)]


def _single(message: EmailMessage, content_type: str) -> bytes | None:
    found = _attached(message, content_type)
    return found[0] if len(found) == 1 else None


def check_stamp(evidence: Evidence, verdict: Verdict, roots: list[bytes] | None) -> None:
    """The attached RFC 3161 token, if any: it must date exactly this record."""
    if evidence.stamp is None or evidence.record is None:
        return
    check = read_timestamp(evidence.stamp, evidence.record, roots)
    when = format_utc(check.stamped_at) if check.stamped_at else "?"
    if not check.valid:
        for reason in check.reasons:
            verdict.fail("timestamp", reason)
        return
    by = f"{check.authority or 'an unnamed authority'}"
    if check.trusted:
        verdict.ok("timestamp", f"dated {when} by {by}, whose certificate TSA_CA_FILE trusts")
        return
    # Anyone can make a key that calls itself an authority: without a trusted root this
    # proves the token is intact, not who dated the record.
    verdict.ok("timestamp", f"dates the record {when} and its signature holds")
    verdict.skip(
        "timestamp authority",
        f"its signature holds, but who signed it was not checked: it names {by}; set "
        "TSA_CA_FILE to that authority's root certificate",
    )


async def check_store(session: AsyncSession, evidence: Evidence, verdict: Verdict) -> None:
    """Compares the evidence with the stored record of the same digest."""
    if evidence.record is None:
        return
    digest = evidence.claimed_digest or digest_of(evidence.record)
    stored: Agreement | Amendment | None = await session.scalar(
        select(Agreement).where(Agreement.digest == digest)
    )
    if stored is None:
        stored = await session.scalar(select(Amendment).where(Amendment.digest == digest))
    if stored is None:
        verdict.fail("store", f"the store holds no record with digest {digest}")
        return
    verdict.check(
        stored.record == evidence.record and digest_of(stored.record) == stored.digest,
        "store",
        f"the stored record with digest {digest} has exactly these bytes",
        f"the stored record with digest {digest} differs from this one",
    )
