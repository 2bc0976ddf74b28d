"""Agreement #3 and its amendments #3.1, #3.2 are labelled in one place."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.labels import label, record_name

BOT = Path(__file__).resolve().parents[2] / "bot"


def test_an_agreement_is_its_number_and_an_amendment_adds_its_own() -> None:
    assert label(3) == "3"
    assert label(3, 1) == "3.1"
    assert label(12, 10) == "12.10"


def test_the_chain_and_verify_name_records_by_kind_and_label() -> None:
    assert record_name(3) == "agreement #3"
    assert record_name(3, 2) == "amendment #3.2"


def test_no_module_builds_a_label_by_hand() -> None:
    by_hand = re.compile(r"""f["'][^"'\n]*number\}\.\{""")
    found = [
        str(path.relative_to(BOT.parent))
        for path in BOT.rglob("*.py")
        if path != BOT / "core" / "labels.py" and by_hand.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
