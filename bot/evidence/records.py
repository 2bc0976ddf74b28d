"""The canonical record of an agreement and its digest.

The record is JSON encoded as UTF-8 with sorted keys, no insignificant whitespace and
non-ASCII characters kept as they are. Those exact bytes are stored, attached to every
email, and hashed with SHA-256, so ``sha256sum`` of the attachment equals the digest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

RECORD_FORMAT = "agreement-record/1"
AMENDMENT_FORMAT = "amendment-record/1"
# An invited address confirmed an agreement from its mail (bot/confirmations/).
CONFIRMATION_FORMAT = "email-confirmation-record/1"
CONFIRMATION_KIND = "email-confirmation"
RECORD_FORMATS = frozenset({RECORD_FORMAT, AMENDMENT_FORMAT, CONFIRMATION_FORMAT})


@dataclass(frozen=True, slots=True)
class SealedRecord:
    canonical: bytes
    digest: str


def canonical_json(document: Any) -> bytes:
    return json.dumps(
        document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def digest_of(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def seal(document: dict[str, Any]) -> SealedRecord:
    canonical = canonical_json(document)
    return SealedRecord(canonical=canonical, digest=digest_of(canonical))


def iso_utc(moment: datetime) -> str:
    """``2026-11-29T09:33:28Z``: whole seconds, as Telegram gives them."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# What of an entity a reader sees; a text_mention also carries the mentioned user's
# profile, which changes without the message changing.
_VISIBLE_ENTITY_KEYS = ("type", "offset", "length", "url", "language", "custom_emoji_id")


def content_hash(
    text: str, entities: list[dict[str, Any]], file_unique_id: str | None = None
) -> str:
    """What a reader sees: the text and its formatting, and the file if there is one.
    Reactions, link previews and re-saves change none, so an "edit" with the same hash
    changed nothing."""
    visible = []
    for entity in entities:
        shown = {key: entity[key] for key in _VISIBLE_ENTITY_KEYS if key in entity}
        if "user" in entity:
            shown["user_id"] = entity["user"].get("id")
        visible.append(shown)
    visible.sort(key=lambda e: (e["offset"], e["length"], e["type"]))
    seen: dict[str, Any] = {"entities": visible, "text": text}
    if file_unique_id is not None:  # absent for text: their hashes stay what they were
        seen["file"] = file_unique_id
    return digest_of(canonical_json(seen))
