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
from bot.core.phrases import N_, Phrase
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import NotMigrated, require_migrated
from bot.evidence.chain import ChainLink, chat_chain, check_chain
from bot.mail.entity_html import EntitiesToHtml
from bot.verify.checks import CheckSetup, check_saved, dkim_key_of, unusable_dkim_key
from bot.verify.integrity import Evidence, check_store
from bot.verify.stored_columns import check_columns
from bot.verify.verdict import Verdict


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
    verdict = await check_saved(content, _setup(entities_html, use_dns), _check_store)
    print(verdict.describe())
    return 0 if verdict.valid else 1


def _setup(entities_html: EntitiesToHtml, use_dns: bool) -> CheckSetup:
    """The settings the checks use, each read on its own: one that can't be read is noted
    in the report, and the checks go on without it."""
    try:
        key, unusable = dkim_key_of(load_settings(DkimSettings))
    except ConfigError as exc:
        key, unusable = None, unusable_dkim_key(exc)
    mail_from_domain, mail_from_problem = None, None
    try:
        mail_from_domain = load_settings(SenderSettings).mail_from_domain
    except (ConfigError, UnicodeError) as exc:
        mail_from_problem = Phrase(N_("MAIL_FROM can't be used (%(error)s)"), {"error": str(exc)})
    roots, roots_problem = None, None
    try:
        roots = load_settings(TimestampSettings).trusted_roots()
    except (ConfigError, OSError) as exc:
        roots_problem = Phrase(N_("no trusted timestamp roots (%(error)s)"), {"error": str(exc)})
    return CheckSetup(
        entities_html,
        dkim_key=key,
        dkim_problem=unusable,
        mail_from_domain=mail_from_domain,
        mail_from_problem=mail_from_problem,
        trusted_roots=roots,
        roots_problem=roots_problem,
        use_dns=use_dns,
    )


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
        verdict.skip(
            "store",
            N_("could not check the store (%(reason)s): checked the email only"),
            reason=reason,
        )


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
