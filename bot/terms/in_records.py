"""How a record names the terms each party had accepted, and reading that back.

An agreement record lists its first parties under ``parties``, an amendment record its
parties under ``accepted_by``; each entry's ``terms`` is the version, language and SHA-256
that party had accepted when the record was sealed, with the time, or null when they had
accepted none. Records sealed before the terms existed have no ``terms`` at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Party, TermsAcceptance
from bot.evidence.records import iso_utc
from bot.terms.acceptances import accepted_terms


@dataclass(frozen=True, slots=True)
class TermsNote:
    """The terms a party accepted, as a record or the acceptance table names them."""

    version: int
    sha256: str


def terms_field(acceptance: TermsAcceptance | None) -> dict[str, Any] | None:
    if acceptance is None:
        return None
    return {
        "version": acceptance.version,
        "language": acceptance.language,
        "sha256": acceptance.sha256,
        "accepted_at": iso_utc(acceptance.accepted_at),
    }


def note_of(acceptance: TermsAcceptance | None) -> TermsNote | None:
    return None if acceptance is None else TermsNote(acceptance.version, acceptance.sha256)


def named_in_record(record: bytes) -> dict[int, TermsNote | None]:
    """The parties whose terms the record names (their id), with what it names. A record
    made before the terms existed names nobody's."""
    document = json.loads(record)
    named: dict[int, TermsNote | None] = {}
    for entry in document.get("parties") or document.get("accepted_by") or []:
        if "terms" not in entry or "id" not in entry:  # an address's ("kind": "email")
            continue
        terms = entry["terms"]
        named[entry["id"]] = (
            None if terms is None else TermsNote(terms["version"], terms["sha256"])
        )
    return named


async def terms_of_parties(
    session: AsyncSession, parties: Sequence[Party], record: bytes
) -> dict[int, TermsNote | None]:
    """What each party had accepted: as the record names it, else (a party who joined
    after the record was sealed, or a record older than the terms) the newest version
    they had accepted when they became a party, from the append-only acceptances."""
    named = named_in_record(record)
    found: dict[int, TermsNote | None] = {}
    for party in parties:
        if party.user_id in named:
            found[party.user_id] = named[party.user_id]
        else:
            accepted = await accepted_terms(session, [party.user_id], party.joined_at)
            found[party.user_id] = note_of(accepted.get(party.user_id))
    return found
