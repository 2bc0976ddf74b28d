"""Revision 0009 gives records made before it their places in the chain, in the order the
chain was read before: by time, agreements before amendments, then by number."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.db.base import Base
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.evidence.chain import chat_chain, check_chain
from bot.evidence.records import seal
from tests.support.database import fresh_database

CHAT = -100777
AT = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def agreement(number: int, at: datetime, previous: str | None) -> dict[str, Any]:
    sealed = seal({"format": "agreement-record/1", "number": number, "previous_digest": previous})
    return {
        "id": number,
        "chat_id": CHAT,
        "number": number,
        "message_id": 100 + number,
        "text": f"Offer {number}",
        "entities": [],
        "author_id": 1,
        "author_name": "Ann",
        "message_date": at,
        "marked_by_id": 1,
        "marked_at": at,
        "record": sealed.canonical,
        "digest": sealed.digest,
        "content_hash": "0" * 64,
        "answer_language": "en",
    }


async def test_existing_records_get_places_in_the_old_order(tmp_path: Path) -> None:
    tables = Base.metadata.tables
    async with fresh_database(tmp_path) as url:
        await asyncio.to_thread(upgrade, url, "0008")
        # #9 and #10 at one moment (numbers, not labels, order them), then #1's amendment.
        nine = agreement(9, AT, None)
        ten = agreement(10, AT, nine["digest"])
        amended = seal({"format": "amendment-record/1", "previous_digest": ten["digest"]})
        eleven = agreement(11, AT + timedelta(seconds=2), amended.digest)
        later = AT + timedelta(seconds=1)
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    insert(tables["users"]).values(
                        id=1, first_name="Ann", created_at=AT, updated_at=AT
                    )
                )
                await connection.execute(
                    insert(tables["chats"]).values(
                        id=CHAT, type="group", created_at=AT, updated_at=AT
                    )
                )
                # Inserted out of order: the places come from the times and numbers.
                for row in (eleven, ten, nine):
                    await connection.execute(insert(tables["agreements"]).values(row))
                await connection.execute(
                    insert(tables["edit_alerts"]).values(
                        id=1, agreement_id=9, opened_at=later, due_at=later, language="en"
                    )
                )
                await connection.execute(
                    insert(tables["message_versions"]).values(
                        id=1,
                        agreement_id=9,
                        number=1,
                        text="Offer 9, revised",
                        entities=[],
                        content_hash="1" * 64,
                        edit_date=later,
                        received_at=later,
                        alert_id=1,
                    )
                )
                await connection.execute(
                    insert(tables["amendments"]).values(
                        id=1,
                        agreement_id=9,
                        number=1,
                        version_id=1,
                        text="Offer 9, revised",
                        record=amended.canonical,
                        digest=amended.digest,
                        previous_digest=nine["digest"],
                        created_at=later,
                    )
                )
            await asyncio.to_thread(upgrade, url)
            async with create_session_factory(engine)() as session:
                chain = await chat_chain(session, CHAT)
        finally:
            await engine.dispose()
    assert [(link.position, link.label) for link in chain] == [
        (1, "agreement #9"),
        (2, "agreement #10"),
        (3, "amendment #9.1"),
        (4, "agreement #11"),
    ]
    assert check_chain(chain) == []
