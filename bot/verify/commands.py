"""``python -m bot verify FILE``: prints VALID or INVALID with each reason; exit 0 or 1."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.config import (
    ConfigError,
    DatabaseSettings,
    DkimSettings,
    SenderSettings,
    TimestampSettings,
    load_settings,
)
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import NotMigrated, require_migrated
from bot.evidence.chain import ChainLink, chat_chain, check_chain
from bot.mail.entity_html import EntitiesToHtml
from bot.verify.dkim_check import NAME as DKIM
from bot.verify.dkim_check import DkimKey, check_dkim
from bot.verify.integrity import Evidence, check_stamp, check_store, read_evidence
from bot.verify.stored_columns import check_columns
from bot.verify.verdict import Verdict
from mailer.dkim_key import public_record


def verify_file(path: Path, entities_html: EntitiesToHtml, use_dns: bool = True) -> int:
    try:
        content = path.read_bytes()
    except OSError as exc:
        print(f"INVALID: cannot read {path}: {exc.strerror}")
        return 1
    return asyncio.run(verify_content(content, entities_html=entities_html, use_dns=use_dns))


async def verify_content(
    content: bytes, *, entities_html: EntitiesToHtml, use_dns: bool = True
) -> int:
    verdict = Verdict(needs_origin=True)  # anyone can make a mail that agrees with itself
    evidence = read_evidence(content, verdict, entities_html)
    if evidence.mail is not None:  # an email, not a record file
        key, unusable = _dkim_key()
        # dkimpy's DNS lookup blocks (up to its timeout): off the event loop.
        await asyncio.to_thread(
            check_dkim,
            content,
            verdict,
            key,
            use_dns=use_dns,
            unusable_key=unusable,
            mail_from_domain=_mail_from_domain(verdict),
            message=evidence.mail,
        )
        if not any(line.proves_origin and line.name == DKIM for line in verdict.lines):
            verdict.skip(
                "other text",
                "the rest of the mail's text is vouched for only by a signature of this "
                "bot's domain",
            )
    check_stamp(evidence, verdict, _trusted_roots(verdict))
    await _check_store(evidence, verdict)
    print(verdict.describe())
    return 0 if verdict.valid else 1


def _dkim_key() -> tuple[DkimKey | None, str | None]:
    """The bot's DKIM key when DKIM_* are set, else why it can't be used."""
    try:
        settings = load_settings(DkimSettings)
        if settings.dkim_private_key_file is None:
            return None, None
        assert settings.dkim_domain is not None and settings.dkim_selector is not None
        record = public_record(settings.dkim_private_key_file.read_bytes())
    except (ConfigError, OSError, ValueError) as exc:
        return None, f"the DKIM_* key can't be used ({exc})"
    return DkimKey(settings.dkim_domain, settings.dkim_selector, record), None


def _mail_from_domain(verdict: Verdict) -> str | None:
    try:
        return load_settings(SenderSettings).mail_from_domain
    except (ConfigError, UnicodeError) as exc:
        verdict.notes.append(f"MAIL_FROM can't be used ({exc})")
        return None


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
        verdict.skip("store", f"could not check the store ({reason}): checked the email only")


def verify_chain(chat_id: int) -> int:
    """``verify --chain CHAT_ID``: every record of the chat hashes right and names the one
    before it, and the columns /history and the alert mails read agree with the records."""
    try:
        database_url = load_settings(DatabaseSettings).database_url
    except ConfigError as exc:
        print(f"INVALID: {exc}")
        return 1
    try:
        links, problems, column_problems = asyncio.run(_load_chain(database_url, chat_id))
    except (ConfigError, NotMigrated) as exc:
        print(exc, file=sys.stderr)
        return 1
    verdict = Verdict()
    verdict.check(
        bool(links),
        "records",
        f"{len(links)} records in chat {chat_id}",
        "no records in that chat",
    )
    for problem in problems:
        verdict.fail("chain", problem)
    if links and not problems:
        verdict.ok("chain", "each record hashes to its digest and names the one before it")
    for problem in column_problems:
        verdict.fail("stored columns", problem)
    if links and not column_problems:
        verdict.ok(
            "stored columns",
            "the texts, versions and names stored beside the records agree with them",
        )
    print(verdict.describe())
    return 0 if verdict.valid else 1


async def _load_chain(
    database_url: str, chat_id: int
) -> tuple[list[ChainLink], list[str], list[str]]:
    engine = create_engine(database_url)
    try:
        await require_migrated(engine)
        async with create_session_factory(engine)() as session:
            links = await chat_chain(session, chat_id)
            columns = await check_columns(session, chat_id)
    finally:
        await engine.dispose()
    return links, check_chain(links), columns
