"""``python -m bot verify FILE``: prints VALID or INVALID with each reason; exit 0 or 1."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, DatabaseSettings, load_settings
from bot.db.engine import create_engine, create_session_factory
from bot.services.integrity import Evidence, Verdict, check_store, read_evidence


def verify_file(path: Path) -> int:
    try:
        content = path.read_bytes()
    except OSError as exc:
        print(f"INVALID\n  FAIL: cannot read {path}: {exc.strerror}")
        return 1
    return asyncio.run(verify_content(content))


async def verify_content(content: bytes) -> int:
    verdict = Verdict()
    evidence = read_evidence(content, verdict)
    await _check_store(evidence, verdict)
    print(verdict.describe())
    return 0 if verdict.valid else 1


async def _check_store(evidence: Evidence, verdict: Verdict) -> None:
    """Against the stored record when the database can be reached; says so when not."""
    logging.getLogger("sqlalchemy").setLevel(logging.ERROR)
    try:
        database_url = load_settings(DatabaseSettings).database_url
        engine = create_engine(database_url)
        try:
            async with create_session_factory(engine)() as session:
                await check_store(session, evidence, verdict)
        finally:
            await engine.dispose()
    except (ConfigError, SQLAlchemyError, OSError) as exc:
        reason = str(exc).splitlines()[0]
        verdict.notes.append(f"could not check the store ({reason}): checked the email only")
