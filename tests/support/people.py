"""The people, the group and the messages that service tests mark: what the adapters hand
the services, without Telegram."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.agreements.marking import MarkedMessage
from bot.core.people import ChatInfo, Person

ALICE = Person(id=101, first_name="Alice", last_name="Smith", username="alice", language_code="ru")
BOB = Person(id=202, first_name="Bob", language_code="en")
CAROL = Person(id=303, first_name="Carol", username="carol")
GROUP = ChatInfo(id=-1001234567890, type="supergroup", title="Project X")
SENT_AT = datetime(2026, 11, 29, 8, 30, 15, tzinfo=UTC)


def said(
    author: Person | None, text: str | None, message_id: int = 10, **extra: Any
) -> MarkedMessage:
    """A message ``author`` sent at ``SENT_AT``, as the service takes it to mark."""
    return MarkedMessage(message_id=message_id, date=SENT_AT, author=author, text=text, **extra)
