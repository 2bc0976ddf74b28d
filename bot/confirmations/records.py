"""The record of a confirmation by email, sealed like every record (canonical JSON,
SHA-256) and chained in the agreement's chat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.labels import label
from bot.db.models import Agreement, EmailParty
from bot.evidence.records import (
    CONFIRMATION_FORMAT,
    CONFIRMATION_KIND,
    SealedRecord,
    iso_utc,
    seal,
)
from bot.mail.letters import AgreedText


def confirmation_record(
    agreement: Agreement,
    standing: AgreedText,
    party: EmailParty,
    invited_by: str,
    previous_digest: str | None,
    now: datetime,
    terms: dict[str, Any] | None,
) -> SealedRecord:
    """What the address confirmed (the record that stood: the agreement's or its latest
    amendment's digest), who invited it and when, when it confirmed, and the signing terms
    the press accepted (bot/terms/in_records.py's shape)."""
    return seal(
        {
            "format": CONFIRMATION_FORMAT,
            "kind": CONFIRMATION_KIND,
            "agreement": {
                "chat_id": agreement.chat_id,
                "number": agreement.number,
                "digest": agreement.digest,
            },
            "confirmed": {
                "number": standing.label or label(agreement.number),
                "digest": standing.digest,
            },
            "address": party.address,
            "invited_by": {"id": party.added_by_id, "name": invited_by},
            "invited_at": iso_utc(party.added_at),
            "confirmed_at": iso_utc(now),
            "terms": terms,
            "previous_digest": previous_digest,
        }
    )
