"""Valid contexts for the edit-alert and amendment templates, as the bot hands them over:
Ivan and Anna edit and accept a Russian delivery agreement (#7, its amendment #7.1). Each
test changes what it is about with keyword arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DIGEST = "9f2c4e7a1b3d5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c4d5e6f7"
PREVIOUS_DIGEST = "46a81739c6ee7c1d5ed084e7de843a7ed79435cd445513e4dd5c4e5ac395fb4b"

Ops = list[tuple[str, str]]


@dataclass(frozen=True)
class Person:
    name: str
    username: str | None
    user_id: int


@dataclass(frozen=True)
class Edit:
    index: int
    time_utc: str
    time_local: str | None
    editor: Person
    text: str
    diff: Ops


@dataclass(frozen=True)
class Acceptance:
    person: Person
    time_utc: str


IVAN = Person("Иван Петров", "ivan_petrov", 123456789)
ANNA = Person("Анна Смирнова", None, 987654321)

AGREED = "Поставка до 15 декабря.\nЦена 150 000 ₽ 🤝"
LATEST = "Поставка до 25 декабря.\nЦена 120 000 ₽ 🤝"
# The price and the deadline changed; the price change is one piece on purpose.
PRICE_DIFF: Ops = [
    ("equal", "Поставка до 15 декабря.\nЦена "),
    ("delete", "150 000"),
    ("insert", "120 000"),
    ("equal", " ₽ 🤝"),
]
DEADLINE_DIFF: Ops = [
    ("equal", "Поставка до "),
    ("delete", "15"),
    ("insert", "25"),
    ("equal", " декабря.\nЦена 120 000 ₽ 🤝"),
]
FULL_DIFF: Ops = [
    ("equal", "Поставка до "),
    ("delete", "15"),
    ("insert", "25"),
    ("equal", " декабря.\nЦена "),
    ("delete", "150 000"),
    ("insert", "120 000"),
    ("equal", " ₽ 🤝"),
]


def new_text(ops: Ops) -> str:
    return "".join(text for op, text in ops if op != "delete")


def edit_alert_context(**overrides: Any) -> dict[str, Any]:
    edits = [
        Edit(1, "2026-11-29 10:02:11 UTC", "2026-11-29 13:02:11 MSK", IVAN, "v1", PRICE_DIFF),
        Edit(2, "2026-11-29 10:02:47 UTC", None, ANNA, LATEST, DEADLINE_DIFF),
    ]
    context: dict[str, Any] = {
        "number": 7,
        "chat_title": "Procurement Q4",
        "title": "Laptop delivery",
        "summary": "Поставка до 15 декабря",
        "agreed_text": AGREED,
        "agreed_label": None,
        "agreement_mailed_at_utc": "2026-11-29 09:35:02 UTC",
        "edits": edits,
        "diff_from_agreed": FULL_DIFF,
        "latest_text": LATEST,
        "total_edits": 2,
        "file_replaced": False,
        "message_link": "https://t.me/c/1001234/45",
        "digest": DIGEST,
    }
    context.update(overrides)
    return context


def amendment_context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "number": 7,
        "amendment_number": "7.1",
        "chat_title": "Procurement Q4",
        "title": "Laptop delivery",
        "summary": "Поставка до 15 декабря",
        "previous_text": AGREED,
        "text": new_text(PRICE_DIFF),
        "diff": PRICE_DIFF,
        "previous_label": None,
        "digest": DIGEST,
        "previous_digest": PREVIOUS_DIGEST,
        "timestamp": None,
        "record_filename": "amendment--1001234-7.1.json",
        "accepted_by": [
            Acceptance(IVAN, "2026-11-29 10:05:13 UTC"),
            Acceptance(ANNA, "2026-11-29 10:07:40 UTC"),
        ],
        "amended_at_utc": "2026-11-29 10:07:40 UTC",
        "amended_at_local": "2026-11-29 13:07:40 MSK (Europe/Moscow)",
        "parties": [IVAN, ANNA],
        "message_link": "https://t.me/c/1001234/45",
    }
    context.update(overrides)
    return context
