"""Chat answers stay within Telegram's limits and parse as Telegram's HTML."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.agreements.history import AmendmentEntry, History, VersionEntry
from bot.core.diff import word_diff
from bot.edits.amendments import Acceptation, AcceptResult
from bot.telegram.i18n import create_i18n
from bot.telegram.views.common import utf16_length
from bot.telegram.views.edits import CALLBACK_TEXT_LIMIT, acceptance, changes_short
from bot.telegram.views.history import history_text
from tests.botapi import parse_html

ZONE = ZoneInfo("Europe/Moscow")
AT = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True, params=["en", "ru"])
def locale(request: pytest.FixtureRequest) -> Iterator[None]:
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(request.param):
        yield


def test_a_long_history_fits_one_message_and_is_valid_html() -> None:
    text = "🤝 <b>" + "слово " * 600
    versions = [
        VersionEntry(n, AT + timedelta(minutes=n), "😀" * 60, word_diff(text, text + f" {n}" * 80))
        for n in range(1, 40)
    ]
    amendments = [AmendmentEntry(f"1.{n}", n, AT, "a" * 64) for n in range(1, 9)]
    history = History(1, "<i>title</i>", "Ann & Co", AT, text, "f" * 64, versions, amendments)
    rendered = history_text(history, ZONE)
    parsed = parse_html(rendered)
    assert 0 < utf16_length(parsed.text) <= 4096
    assert "<i>title</i>" in parsed.text and "Ann & Co" in parsed.text


def test_callback_answers_stay_under_200_units() -> None:
    names = ["Александра Константиновна Веселовская-Трубецкая 👩‍💼"] * 5
    answer = acceptance(AcceptResult(Acceptation.ACCEPTED, 1, waiting_for=names))
    assert utf16_length(answer) <= CALLBACK_TEXT_LIMIT and answer.endswith("…")
    assert changes_short(word_diff("😀" * 150, "😃" * 150)) is None
