"""Shared fixtures: real SMTP server, real migrated database, a controllable clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.mail.letters import Letters
from bot.paths import LOCALES_DIR, TEMPLATES_DIR
from bot.telegram.formatting import entities_to_html
from mailer import MailRenderer
from tests.support.clocks import FakeClock
from tests.support.database import fresh_database
from tests.support.identity import MAIL_FROM
from tests.support.mailbox import Mailbox
from tests.support.tsa import LocalTsa, TsaKeys, make_tsa_keys, running_tsa


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    async with fresh_database(tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        yield url


@pytest.fixture
async def session_factory(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def mailbox() -> AsyncIterator[Mailbox]:
    box = Mailbox()
    await box.start()
    yield box
    await box.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 29, 9, 0, 0, tzinfo=UTC))


@pytest.fixture
def letters() -> Letters:
    renderer = MailRenderer(TEMPLATES_DIR, LOCALES_DIR)
    return Letters(renderer, MAIL_FROM, ZoneInfo("Europe/Moscow"), entities_html=entities_to_html)


@pytest.fixture(scope="session")
def tsa_keys(tmp_path_factory: pytest.TempPathFactory) -> TsaKeys:
    """A root and a timestamping certificate under it, made with openssl once per run."""
    return make_tsa_keys(tmp_path_factory.mktemp("tsa-keys"))


@pytest.fixture
async def tsa(tsa_keys: TsaKeys, tmp_path: Path) -> AsyncIterator[LocalTsa]:
    """An RFC 3161 authority on 127.0.0.1, answering with ``openssl ts -reply``."""
    async with running_tsa(tmp_path, tsa_keys) as authority:
        yield authority
