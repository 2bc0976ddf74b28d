"""The journal on a real database: versions in order, reverts kept, redeliveries not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.agreements.marking import MarkedMessage
from bot.core.people import Person
from bot.journal.journal import Journal

BEN = Person(id=7, first_name="Ben")
SENT = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def version(text: str, minutes: int | None) -> MarkedMessage:
    edited = SENT + timedelta(minutes=minutes) if minutes is not None else None
    return MarkedMessage(message_id=5, date=SENT, author=BEN, text=text, edit_date=edited)


async def test_a_revert_is_a_version_and_a_redelivery_is_not(session_factory, clock) -> None:
    journal = Journal(session_factory, clock, retention=timedelta(days=30))
    for seen in (version("A", None), version("B", 1), version("A", 2), version("A", 2)):
        journal.note(-100, seen)
    stored = await journal.versions(-100, 5)
    assert [entry.text for entry in stored] == ["A", "B", "A"]


async def test_versions_see_what_was_just_noted(session_factory, clock) -> None:
    journal = Journal(session_factory, clock, retention=timedelta(days=30))
    journal.note(-100, version("A", None))
    assert [entry.text for entry in await journal.versions(-100, 5)] == ["A"]


async def test_a_row_the_database_refuses_does_not_hold_back_the_others(
    session_factory, clock, caplog
) -> None:
    # getUpdates waits for the journal: a refused row must not block every later batch.
    journal = Journal(session_factory, clock, retention=timedelta(days=30))
    journal.note(-100, MarkedMessage(message_id=1, date=SENT, author=BEN, text="Before"))
    journal.note(-100, MarkedMessage(message_id=2, date=None, author=BEN, text="No date"))  # type: ignore[arg-type]
    journal.note(-100, MarkedMessage(message_id=3, date=SENT, author=BEN, text="After"))
    await journal.flush()

    kept = [entry.text for n in (1, 2, 3) for entry in await journal.versions(-100, n)]
    assert kept == ["Before", "After"]
    assert "journal: message not kept chat=-100 message=2" in caplog.text
