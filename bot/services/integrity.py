"""``python -m bot verify``: does an email (or its record file) match what was recorded?

Anyone can recompute a digest; this does it for a saved email or its JSON attachment,
checks the email against itself, and, when the database is reachable, against the store.
"""

from __future__ import annotations

import email
import email.policy
import json
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agreement, Amendment
from bot.services.records import digest_of
from bot.services.timefmt import format_utc
from bot.services.timestamping import REPLY_TYPE as STAMP_TYPE
from bot.services.timestamping import read_timestamp


@dataclass
class Verdict:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.failed and bool(self.passed)

    def check(self, ok: bool, passed: str, failed: str) -> None:
        (self.passed if ok else self.failed).append(passed if ok else failed)

    def describe(self) -> str:
        lines = ["VALID" if self.valid else "INVALID"]
        lines += [f"  ok:   {line}" for line in self.passed]
        lines += [f"  FAIL: {line}" for line in self.failed]
        lines += [f"  note: {line}" for line in self.notes]
        return "\n".join(lines)


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
    verdict.check(claimed is not None, "the email names its digest", "no X-Agreement-Digest")
    records = [
        part.get_payload(decode=True)
        for part in message.iter_attachments()
        if part.get_content_type() == "application/json"
    ]
    record = records[0] if len(records) == 1 and isinstance(records[0], bytes) else None
    verdict.check(record is not None, "the record is attached", "no single JSON record attached")
    if record is not None and claimed is not None:
        actual = digest_of(record)
        verdict.check(
            actual == claimed,
            f"the attached record hashes to the named digest {claimed}",
            f"the attached record hashes to {actual}, not to the named {claimed}",
        )
    body = message.get_body(("plain",))
    if claimed is not None and body is not None:
        verdict.check(
            claimed in body.get_content(),
            "the text names the same digest",
            "the text does not name the digest of the header",
        )
    stamps = [
        part.get_payload(decode=True)
        for part in message.iter_attachments()
        if part.get_content_type() == STAMP_TYPE
    ]
    stamp = stamps[0] if len(stamps) == 1 and isinstance(stamps[0], bytes) else None
    if len(stamps) > 1:
        verdict.failed.append("more than one timestamp attached")
    return Evidence(record, claimed, stamp)


def check_stamp(evidence: Evidence, verdict: Verdict, roots: list[bytes] | None) -> None:
    """The attached RFC 3161 token, if any: it must date exactly this record."""
    if evidence.stamp is None or evidence.record is None:
        return
    check = read_timestamp(evidence.stamp, evidence.record, roots)
    when = format_utc(check.stamped_at) if check.stamped_at else "?"
    if not check.valid:
        verdict.failed.extend(f"timestamp: {reason}" for reason in check.reasons)
        return
    by = f"{check.authority or 'an unnamed authority'}"
    if check.trusted:
        verdict.passed.append(f"timestamped {when} by {by}, whose certificate TSA_CA_FILE trusts")
        return
    # Anyone can make a key that calls itself an authority: without a trusted root this
    # proves the token is intact, not who dated the record.
    verdict.notes.append(
        f"a timestamp dates the record {when} and its signature holds, but who signed it was "
        f"not checked: it names {by}; set TSA_CA_FILE to that authority's root certificate"
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
    verdict.check(
        stored is not None,
        f"the store holds a record with digest {digest}",
        f"the store holds no record with digest {digest}",
    )
    if stored is not None:
        verdict.check(
            stored.record == evidence.record and digest_of(stored.record) == stored.digest,
            "the stored record has exactly these bytes",
            "the stored record differs from this one",
        )
