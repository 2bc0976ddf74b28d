"""Canonical records and the content hash that tells real edits from phantom ones."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from bot.evidence.records import canonical_json, content_hash, seal

BOLD = {"type": "bold", "offset": 0, "length": 5}


def mention(first_name: str) -> dict[str, object]:
    user = {"id": 42, "is_bot": False, "first_name": first_name}
    return {"type": "text_mention", "offset": 6, "length": 3, "user": user}


def test_a_renamed_mentioned_user_is_not_an_edit() -> None:
    assert content_hash("Hello Bob", [mention("Bob")]) == content_hash(
        "Hello Bob", [mention("Rob")]
    )


def test_formatting_is_part_of_what_was_agreed() -> None:
    assert content_hash("Price 100", []) != content_hash("Price 100", [BOLD])


def test_entity_order_does_not_matter() -> None:
    italic = {"type": "italic", "offset": 6, "length": 3}
    assert content_hash("Price 100", [BOLD, italic]) == content_hash("Price 100", [italic, BOLD])


@given(st.dictionaries(st.text(), st.one_of(st.integers(), st.text(), st.none())))
def test_the_digest_is_sha256_of_the_canonical_bytes(document: dict[str, object]) -> None:
    sealed = seal(document)
    assert sealed.digest == hashlib.sha256(sealed.canonical).hexdigest()
    assert json.loads(sealed.canonical) == document
    assert canonical_json(json.loads(sealed.canonical)) == sealed.canonical
