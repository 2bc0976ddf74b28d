"""The bot runs as a PostgreSQL role that does not own the tables, with the grants
``python -m bot grants ROLE`` gives it: marking, edits, amendments and mail all work."""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db.engine import create_engine, create_session_factory
from bot.journal.housekeeping import Housekeeping
from bot.journal.journal import Journal
from tests.botapi import BotAPIServer
from tests.support.bot_in_process import bot_settings
from tests.support.database import TEST_DATABASE_URL
from tests.support.harness import running_harness
from tests.support.mailbox import Mailbox
from tests.support.mails import is_amendment, is_edit_alert, text_of
from tests.support.processes import bot_environment
from tests.support.stories import agreed_between

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="roles are PostgreSQL's: runs in CI's PostgreSQL leg"
)


async def owner_runs(database_url: str, statement: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def clean_up_a_week_later(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        sessions = create_session_factory(engine)
        later = datetime.now(UTC) + timedelta(days=7)
        journal = Journal(sessions, lambda: later, timedelta(days=1))
        await Housekeeping(sessions, journal, lambda: later).clean()
        async with sessions() as session:
            assert await session.scalar(text("SELECT count(*) FROM handled_updates")) == 0
            assert await session.scalar(text("SELECT count(*) FROM journal")) > 0  # agreed
    finally:
        await engine.dispose()


async def grants_command(database_url: str, role: str, cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "grants",
        role,
        env=bot_environment(DATABASE_URL=database_url),
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_bot_works_as_a_role_that_owns_nothing(
    api: BotAPIServer,
    mailbox: Mailbox,
    database_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    role = f"bot_{uuid.uuid4().hex[:12]}"
    missing = await grants_command(database_url, role, tmp_path)
    assert missing[0] == 2 and missing[2].strip() == (
        f"grants: ROLE '{role}' does not exist: CREATE ROLE it first"
    )
    await owner_runs(database_url, f"CREATE ROLE {role} LOGIN PASSWORD 'bot'")
    try:
        code, out, err = await grants_command(database_url, role, tmp_path)
        assert (code, err) == (0, "")
        assert f'GRANT SELECT, INSERT, UPDATE (answer_message_id) ON agreements TO "{role}"' in out
        role_url = (
            make_url(database_url)
            .set(username=role, password="bot")
            .render_as_string(hide_password=False)
        )
        settings = bot_settings(api, mailbox, role_url, auto_migrate=False)
        with caplog.at_level(logging.WARNING):
            async with running_harness(settings, api, mailbox) as harness:
                alice, bob, group, offer, _card = await agreed_between(harness)
                bob.edits(offer, "We agreed on 120 000 for stage 1")
                alert = await harness.world.bot_reply(group)
                await mailbox.wait_for(to="alice@example.com", where=is_edit_alert)
                alice.presses(alert, "✅ Accept new version")
                await api.wait_for_call("answerCallbackQuery")
                bob.presses(alert, "✅ Accept new version")
                await harness.world.bot_reply(group, lambda m: "1.1" in m.get("text", ""))
                for address in ("alice@example.com", "bob@example.com"):
                    [amended] = await mailbox.wait_for(to=address, where=is_amendment)
                    assert "120 000" in text_of(amended.message)
                alice.says(group, "/history 1")
                history = await harness.world.bot_reply(group)
                assert "120 000" in history["text"]
            # The hourly clean-up removes what expired, as the same role: a week on, the
            # journal's unagreed messages and the handled updates' ids.
            await clean_up_a_week_later(role_url)
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors == []
        assert api.errors == []
    finally:
        await owner_runs(database_url, f"DROP OWNED BY {role}")
        await owner_runs(database_url, f"DROP ROLE {role}")
