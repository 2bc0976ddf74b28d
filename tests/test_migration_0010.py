"""0010: codes hashed the old way stop working, and no code mail keeps its bytes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bot.db.engine import create_engine
from bot.db.migrate import upgrade
from tests.support.database import fresh_database

NOW = datetime.now(UTC)
MAIL_COLUMNS = (
    "id, kind, topic, user_id, to_address, message_id, raw, status, attempts, created_at, "
    "next_attempt_at"
)


async def run(url: str, *statements: tuple[str, dict[str, object]]) -> list[tuple]:
    engine = create_engine(url)
    rows: list[tuple] = []
    try:
        async with engine.begin() as connection:
            for statement, values in statements:
                result = await connection.execute(text(statement), values)
                rows += list(result) if result.returns_rows else []
    finally:
        await engine.dispose()
    return rows


def mail(number: int, status: str) -> tuple[str, dict[str, object]]:
    values = {
        "id": number,
        "kind": "verification_code",
        "topic": f"verification:{number}",
        "message_id": f"<m{number}@agreements.test>",
        "raw": b"Subject: Verification code: 123456\r\n\r\n/verify 123456\r\n",
        "status": status,
        "at": NOW,
    }
    return (
        f"INSERT INTO mails ({MAIL_COLUMNS}) VALUES (:id, :kind, :topic, 1, 'a@example.com', "
        ":message_id, :raw, :status, 1, :at, :at)",
        values,
    )


async def test_old_codes_expire_and_code_mails_are_wiped(tmp_path: Path) -> None:
    async with fresh_database(tmp_path) as url:
        await asyncio.to_thread(upgrade, url, "0008")
        verification = (
            "INSERT INTO email_verifications (id, user_id, address, code_hash, attempts_left, "
            "created_at, expires_at) VALUES (:id, 1, 'a@example.com', 'x', 5, :at, :expires)"
        )
        await run(
            url,
            (
                "INSERT INTO users (id, first_name, created_at, updated_at) "
                "VALUES (1, 'Ann', :at, :at)",
                {"at": NOW},
            ),
            (verification, {"id": 1, "at": NOW, "expires": NOW + timedelta(minutes=10)}),
            mail(1, "sent"),
            mail(2, "pending"),
            mail(3, "failed"),
        )
        await asyncio.to_thread(upgrade, url)
        [(expires_at,)] = await run(url, ("SELECT expires_at FROM email_verifications", {}))
        if isinstance(expires_at, str):  # SQLite keeps no type
            expires_at = datetime.fromisoformat(expires_at)
        assert expires_at.replace(tzinfo=UTC) <= datetime.now(UTC)
        stored = await run(url, ("SELECT id, status, raw FROM mails ORDER BY id", {}))
        assert [(n, status, bytes(raw)) for n, status, raw in stored] == [
            (1, "sent", b""),
            (2, "failed", b""),
            (3, "failed", b""),
        ]
