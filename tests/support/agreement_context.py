"""A valid context for the agreement template, as the bot hands it over: Anna marks Ivan's
message in "Procurement Q4" (agreement #7), and the record it carries. Each test changes
what it is about with keyword arguments."""

from __future__ import annotations

import hashlib
from typing import Any

RECORD = b'{"chat_id": -1001234, "number": 7, "text": "a\\r\\nb"}\r\n\x00\xff\n'
DIGEST = hashlib.sha256(RECORD).hexdigest()


def person(name: str, username: str | None, user_id: int) -> dict[str, Any]:
    return {"name": name, "username": username, "user_id": user_id}


class Person:
    """Templates use attribute access, so objects work as well as dicts."""

    def __init__(self, name: str, username: str | None, user_id: int) -> None:
        self.name, self.username, self.user_id = name, username, user_id


def agreement_context(**overrides: Any) -> dict[str, Any]:
    ivan = person("Иван Петров", "ivan_petrov", 123456789)
    anna = Person("Anna Smirnova", None, 987654321)
    context: dict[str, Any] = {
        "number": 7,
        "chat_title": "Procurement Q4",
        "title": "Laptop delivery",
        "summary": "We ship 40 laptops by",
        "text": "We ship 40 laptops by December 15.\nPrepayment 50%.",
        "author": ivan,
        "marked_by": anna,
        "parties": [ivan, anna],
        "message_time_utc": "2026-11-29 09:33:28 UTC",
        "message_time_local": "2026-11-29 12:33:28 MSK (Europe/Moscow)",
        "marked_at_utc": "2026-11-29 09:41:02 UTC",
        "marked_at_local": None,
        "edited_before_marking": False,
        "earlier_versions": [],
        "previous_digest": None,
        "timestamp": None,
        "media": None,
        "forwarded": None,
        "author_kind": "user",
        "message_link": "https://t.me/c/1001234/45",
        "digest": DIGEST,
        "record_filename": "agreement--1001234-7.json",
    }
    context.update(overrides)
    return context
