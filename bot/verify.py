"""``python -m bot verify FILE``: prints VALID or INVALID with each reason; exit 0 or 1."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, DatabaseSettings, TimestampSettings, load_settings
from bot.db.engine import create_engine, create_session_factory
from bot.services.chain import ChainLink, chat_chain, check_chain
from bot.services.integrity import Evidence, Verdict, check_stamp, check_store, read_evidence


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
    check_stamp(evidence, verdict, _trusted_roots(verdict))
    await _check_store(evidence, verdict)
    print(verdict.describe())
    return 0 if verdict.valid else 1


def _trusted_roots(verdict: Verdict) -> list[bytes] | None:
    try:
        return load_settings(TimestampSettings).trusted_roots()
    except (ConfigError, OSError) as exc:
        verdict.notes.append(f"no trusted timestamp roots ({exc})")
        return None


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


def verify_chain(chat_id: int) -> int:
    """``verify --chain CHAT_ID``: every record of the chat hashes right and names the one
    before it."""
    try:
        database_url = load_settings(DatabaseSettings).database_url
    except ConfigError as exc:
        print(f"INVALID\n  FAIL: {exc}")
        return 1
    links, problems = asyncio.run(_load_chain(database_url, chat_id))
    verdict = Verdict()
    verdict.check(
        bool(links), f"{len(links)} records in chat {chat_id}", "no records in that chat"
    )
    verdict.failed.extend(problems)
    if links and not problems:
        verdict.passed.append("each record hashes to its digest and names the one before it")
    print(verdict.describe())
    return 0 if verdict.valid else 1


async def _load_chain(database_url: str, chat_id: int) -> tuple[list[ChainLink], list[str]]:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            links = await chat_chain(session, chat_id)
    finally:
        await engine.dispose()
    return links, check_chain(links)
