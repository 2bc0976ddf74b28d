"""What an uploaded file is, told by its content; uploads held in memory at once."""

from __future__ import annotations

import json

import pytest
from asn1crypto import core

from bot.evidence.records import AMENDMENT_FORMAT, RECORD_FORMAT
from bot.verify.checks import Saved, saved_kind
from bot.web.uploads import MemoryBudget, UploadRefused

# Shaped as an RFC 3161 reply is: one DER SEQUENCE of a few hundred bytes.
_INSIDE = core.OctetString(bytes(range(256)) * 2).dump()
TOKEN = b"\x30\x82" + len(_INSIDE).to_bytes(2, "big") + _INSIDE


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"From: Agreements <bot@example.com>\r\nSubject: x\r\n\r\nbody", Saved.MAIL),
        (b"MIME-Version: 1.0\nContent-Type: text/plain\n\nbody", Saved.MAIL),
        (json.dumps({"format": RECORD_FORMAT}).encode(), Saved.RECORD),
        (b'  {"format": "%s"}' % AMENDMENT_FORMAT.encode(), Saved.RECORD),
        (TOKEN, Saved.TIMESTAMP),
        (b'{"format": "something-else/1"}', Saved.OTHER),
        (b"[1, 2, 3]", Saved.OTHER),
        (b"{not json", Saved.OTHER),
        (b"%PDF-1.4\n% an offer", Saved.OTHER),
        (b"Price 150 000\nDue 15 December\n", Saved.OTHER),
        (b"0\x82 looks like DER but is not", Saved.OTHER),
        (b"", Saved.OTHER),
    ],
)
def test_a_file_is_told_by_its_content(content: bytes, kind: Saved) -> None:
    assert saved_kind(content) is kind


def test_the_budget_refuses_what_would_exceed_it_and_frees_what_is_done() -> None:
    budget = MemoryBudget(100)
    with budget.reserve(60):
        with pytest.raises(UploadRefused) as refused, budget.reserve(41):
            pass
        assert refused.value.reason == "busy"
        with budget.reserve(40):
            pass
    with budget.reserve(100):
        pass
