"""Do the columns beside a chat's records still say what the records say?

/history, the cards and the edit-alert and deletion mails read the stored text, entities
and versions, not the record bytes. A row rewritten past the append-only triggers leaves
the chain intact but shows people something that was never agreed; this finds it and
names the column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.labels import label, record_name
from bot.db.models import Agreement, Amendment, MessageVersion


async def check_columns(session: AsyncSession, chat_id: int) -> list[str]:
    """Every column that disagrees with its record, in plain words; empty when all agree."""
    problems: list[str] = []
    agreements = (
        await session.scalars(
            select(Agreement).where(Agreement.chat_id == chat_id).order_by(Agreement.number)
        )
    ).all()
    for agreement in agreements:
        name = record_name(agreement.number)
        record = _parsed(agreement.record)
        if record is None:
            problems.append(f"{name}: its record is not JSON")
            continue
        problems += _differences(name, "agreements", _agreement_pairs(agreement, record))
    amended = await session.execute(
        select(Amendment, Agreement.number, MessageVersion)
        .join(Agreement, Agreement.id == Amendment.agreement_id)
        .outerjoin(MessageVersion, MessageVersion.id == Amendment.version_id)
        .where(Agreement.chat_id == chat_id)
        .order_by(Agreement.number, Amendment.number)
    )
    for amendment, number, version in amended:
        name = record_name(number, amendment.number)
        record = _parsed(amendment.record)
        if record is None:
            problems.append(f"{name}: its record is not JSON")
            continue
        problems += _differences(name, "amendments", _amendment_pairs(amendment, number, record))
        if version is None:
            problems.append(f"{name}: the message version its record names is missing")
            continue
        problems += _differences(name, "message_versions", _version_pairs(version, record))
    return problems


def _agreement_pairs(row: Agreement, record: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    message, author = record.get("message") or {}, record.get("author") or {}
    yield "number", row.number, record.get("number")
    yield "title", row.title, record.get("title")
    yield "chat_id", row.chat_id, (record.get("chat") or {}).get("id")
    yield "message_id", row.message_id, message.get("id")
    yield "text", row.text, message.get("text")
    yield "entities", _json(row.entities), _json(message.get("entities"))
    yield "author_id", row.author_id, author.get("id")
    yield "author_name", row.author_name, author.get("name")
    yield "author_username", row.author_username, author.get("username")


def _amendment_pairs(
    row: Amendment, agreement_number: int, record: dict[str, Any]
) -> Iterator[tuple[str, Any, Any]]:
    yield "number", label(agreement_number, row.number), record.get("number")
    yield "text", row.text, (record.get("message") or {}).get("text")
    yield "previous_digest", row.previous_digest, record.get("replaces_digest")


def _version_pairs(row: MessageVersion, record: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    message = record.get("message") or {}
    yield "number", row.number, message.get("version")
    yield "text", row.text, message.get("text")
    yield "entities", _json(row.entities), _json(message.get("entities"))


def _differences(label: str, table: str, pairs: Iterator[tuple[str, Any, Any]]) -> list[str]:
    return [
        f"{label}: {table}.{column} differs from its record ({_short(stored)} stored, "
        f"{_short(recorded)} recorded)"
        for column, stored, recorded in pairs
        if stored != recorded
    ]


def _parsed(record: bytes) -> dict[str, Any] | None:
    try:
        document = json.loads(record)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _json(value: Any) -> str:
    """JSON columns compared as their canonical text: key order and spacing don't count."""
    return json.dumps(value or [], ensure_ascii=False, sort_keys=True)


def _short(value: Any, limit: int = 40) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
