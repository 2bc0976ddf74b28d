"""The fixtures of the stories: the real bot, in-process, against the Bot API test server,
the SMTP server and a migrated database. Their helpers are in tests/support/."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.support import bot_errors
from tests.support.bot_in_process import bot_settings, running_bot, settings_for
from tests.support.harness import Harness
from tests.support.identity import TOKEN
from tests.support.mailbox import Mailbox


@pytest.fixture(autouse=True)
def no_unexpected_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the test when the bot logged an ERROR or a traceback the test did not declare
    with ``@pytest.mark.expected_errors("regex", ...)``: a bug can hide behind a test that
    only looks at what arrived."""
    with bot_errors.collecting() as errors:
        yield
    expected = [p for m in request.node.iter_markers("expected_errors") for p in m.args]
    if surprises := bot_errors.unexpected(errors, expected):
        listed = "\n---\n".join(error[:3000] for error in surprises)
        pytest.fail(f"the bot logged {len(surprises)} unexpected error(s):\n{listed}", False)


@pytest.fixture
async def api(request: pytest.FixtureRequest) -> AsyncIterator[BotAPIServer]:
    """Privacy mode off, as the README asks, unless the test is marked ``privacy_mode``."""
    privacy = request.node.get_closest_marker("privacy_mode") is not None
    async with BotAPIServer(
        token=TOKEN,
        bot_user={"username": "agreements_test_bot"},
        can_read_all_group_messages=not privacy,
    ) as server:
        yield server


@pytest.fixture
async def local_api() -> AsyncIterator[BotAPIServer]:
    """A self-hosted Bot API server: it takes plain-http webhooks on any port."""
    async with BotAPIServer(
        token=TOKEN,
        bot_user={"username": "agreements_test_bot"},
        can_read_all_group_messages=True,
        local=True,
    ) as server:
        yield server


@pytest.fixture
def verify_env(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> pytest.MonkeyPatch:
    """What ``python -m bot verify`` runs with: the test's database, and the test's folder
    (no .env of the developer's). The test changes more through what it returns."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.fixture
async def harness(
    request: pytest.FixtureRequest, api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> AsyncIterator[Harness]:
    settings = bot_settings(api, mailbox, database_url, **settings_for(request))
    async with running_bot(settings, api):
        yield Harness(api, TelegramWorld(api), mailbox)
    assert api.errors == [], f"the bot made requests Telegram would refuse: {api.errors}"
