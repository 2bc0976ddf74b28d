"""``python -m bot`` as a process of its own, as it is deployed: its settings in the
environment, its log in a file the test reads afterwards for errors it did not expect."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.paths import PROJECT_ROOT
from tests.botapi import BotAPIServer
from tests.support import bot_errors
from tests.support.identity import MAIL_FROM, TOKEN
from tests.support.mailbox import Mailbox


def bot_environment(**values: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    # The checkout itself, so the test runs the code under test however it was installed.
    return keep | {"PYTHONUNBUFFERED": "1", "PYTHONPATH": str(PROJECT_ROOT)} | values


def servers_environment(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, **extra: str
) -> dict[str, str]:
    """The bot's settings pointing at the test servers and database."""
    return bot_environment(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api.base_url,
        DATABASE_URL=database_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(mailbox.port),
        SMTP_SECURITY="none",
        MAIL_FROM=MAIL_FROM,
        **extra,
    )


async def start_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """The log goes to cwd/bot.log: a pipe nobody reads would fill up and stall the bot."""
    bot_errors.watch_file(cwd / "bot.log")  # read for unexpected errors after the test
    with (cwd / "bot.log").open("wb") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", env=env, cwd=cwd, stdout=log, stderr=log
        )


async def polling_bot(
    env: dict[str, str], cwd: Path, api: BotAPIServer, timeout: float = 30
) -> asyncio.subprocess.Process:
    """``start_bot``, once the bot waits in a getUpdates long poll. A bot that exits first
    fails the test with its log; one that never polls is killed."""
    process = await start_bot(env, cwd)
    waiting = asyncio.ensure_future(api.wait_until_polling(timeout=timeout))
    exited = asyncio.ensure_future(process.wait())
    try:
        await asyncio.wait({waiting, exited}, return_when=asyncio.FIRST_COMPLETED)
        if exited.done():
            pytest.fail(f"the bot exited on start: {(cwd / 'bot.log').read_text()}")
        await waiting
    except BaseException:
        waiting.cancel()
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    finally:
        exited.cancel()
    return process


async def stop_bot(process: asyncio.subprocess.Process, timeout: float = 10) -> None:
    """SIGTERM, as a deployment stops it, and wait for the exit (within ``timeout``)."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), timeout=timeout)
