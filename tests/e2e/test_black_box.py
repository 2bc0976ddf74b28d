"""``python -m bot`` as a separate process: the whole flow, a clean stop, clear config errors."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.migrate import upgrade
from bot.db.models import Agreement
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.support.database import fresh_database
from tests.support.eventually import eventually
from tests.support.harness import Harness
from tests.support.identity import MAIL_FROM, TOKEN
from tests.support.mail_checks import assert_record_mail, assert_threaded
from tests.support.mailbox import Mailbox
from tests.support.mails import header_digest, is_edit_alert, text_of
from tests.support.processes import (
    bot_environment,
    polling_bot,
    servers_environment,
    start_bot,
    stop_bot,
)
from tests.support.stored import session_on
from tests.support.stories import agreement_mails


async def test_whole_flow_against_the_real_process(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, tmp_path: Path
) -> None:
    env = servers_environment(
        api, mailbox, database_url, TIMEZONE="Europe/Moscow", EDIT_ALERT_COALESCE_SECONDS="1"
    )
    process = await polling_bot(env, tmp_path, api)
    try:
        harness = Harness(api, TelegramWorld(api), mailbox)
        world = harness.world
        alice = world.user("Алиса", "Иванова", username="alice", language_code="ru")
        bob = world.user("Bob", username=None, language_code="en")
        group = world.group("Ремонт офиса")
        await harness.register(alice, "alice@example.com")
        await harness.register(bob, "bob@example.com")

        offer = bob.says(group, "Итого: 150 000 ₽, срок — 15 декабря.\nAdvance 50%.")
        alice.says(group, "/agree", reply_to=offer)
        card = await world.bot_reply(group)
        assert "Договорённость №1 зафиксирована" in card["text"]

        agreed = "Итого: 150 000 ₽, срок — 15 декабря.\nAdvance 50%."
        to_alice, to_bob = await agreement_mails(mailbox, "alice@example.com", "bob@example.com")
        assert_record_mail(to_alice, to="alice@example.com", text=agreed)
        assert_record_mail(to_bob, to="bob@example.com", text=agreed)
        assert header_digest(to_alice.message) == header_digest(to_bob.message)

        bob.edits(offer, offer["text"])  # a re-save: nothing changed, nothing said
        alice.says(group, "/agreements")  # handled after the re-save: a barrier
        assert "Договорённости чата" in (await world.bot_reply(group))["text"]
        assert [m for m in api.bot_messages(group.id) if "отредактировано" in m["text"]] == []
        bob.edits(offer, "Итого: 120 000 ₽, срок — 15 декабря.\nAdvance 50%.")
        alert = await world.bot_reply(group)
        assert "Сообщение договорённости №1 отредактировано" in alert["text"]
        for mail in (to_alice, to_bob):
            [edited] = await mailbox.wait_for(to=mail.recipients[0], where=is_edit_alert)
            assert_threaded(edited.message, mail.message)
            body = text_of(edited.message)
            assert "150 000" in body and "120 000" in body
        assert len([m for m in api.bot_messages(group.id) if "отредактировано" in m["text"]]) == 1
        assert api.errors == []
    finally:
        await stop_bot(process)
    stderr = (tmp_path / "bot.log").read_text()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr[stderr.find("Traceback") - 300 :][:3000]
    assert "stopped" in stderr.splitlines()[-1]
    assert "event loop uvloop" in stderr  # a dependency on Linux: the deployed loop


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"BOT_TOKEN": ""}, "BOT_TOKEN is required but not set"),
        ({"BOT_TOKEN": "12345"}, "BOT_TOKEN is invalid"),
        ({"BOT_TOKEN": None}, "BOT_TOKEN is required but not set"),
        ({"MAIL_FROM": None}, "MAIL_FROM is required but not set"),
        ({"MAIL_FROM": "nobody"}, "MAIL_FROM is invalid"),
        ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE is invalid: unknown IANA time zone"),
        ({"SMTP_SECURITY": "ssl"}, "SMTP_SECURITY is invalid"),
        ({"SMTP_PORT": "seventy"}, "SMTP_PORT is invalid"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL is invalid"),
        (
            {"DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"},
            "DATABASE_URL: cannot open the database",
        ),
        ({"TELEGRAM_API_URL": "http://127.0.0.1:1"}, "TELEGRAM_API_URL: cannot reach"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL is invalid"),
        ({"TSA_URL": "not a url"}, "TSA_URL is invalid"),
        ({"TSA_CA_FILE": "/nowhere/root.pem"}, "TSA_CA_FILE is invalid: no such file"),
        ({"SMTP_CONNECTIONS": "0"}, "SMTP_CONNECTIONS is invalid"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT is invalid"),
        ({"WEBHOOK_SECRET": "no spaces please"}, "WEBHOOK_SECRET is invalid"),
    ],
)
async def test_a_bad_setting_is_one_clear_line(
    overrides: dict[str, str | None], expected: str, tmp_path: Path
) -> None:
    values: dict[str, str | None] = {
        "BOT_TOKEN": TOKEN,
        "MAIL_FROM": MAIL_FROM,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "TELEGRAM_API_URL": "http://127.0.0.1:1",
    } | overrides
    env = bot_environment(**{k: v for k, v in values.items() if v is not None})
    process = await start_bot(env, tmp_path)
    await asyncio.wait_for(process.wait(), timeout=60)
    output = (tmp_path / "bot.log").read_text()
    assert process.returncode == 2, output
    assert "Traceback" not in output
    assert expected in output.splitlines()[-1]


async def card_stored(database_url: str) -> bool:
    async with session_on(database_url) as session:
        return await session.scalar(select(Agreement.answer_message_id)) is not None


async def test_updates_delivered_again_after_a_kill_are_not_handled_twice(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, tmp_path: Path
) -> None:
    env = servers_environment(api, mailbox, database_url)
    world = TelegramWorld(api)
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Crash")
    first = await polling_bot(env, tmp_path, api)
    ann.says(group, "/agree", reply_to=ben.says(group, "Price 100"))
    await world.bot_reply(group, lambda m: "Agreement #1 recorded" in m["text"])
    # Killed right after the card reached Telegram but before its id was stored, the bot
    # would post it again on the next start (cards are posted at least once).
    await eventually(lambda: card_stored(database_url), what="the card's id stored")
    first.kill()  # SIGKILL: no clean stop
    await first.wait()
    # Telegram hands it out again: its confirmation (the next getUpdates) may never
    # have reached Telegram.
    [agree] = [u for u in api.updates.delivered.values() if u["message"]["text"] == "/agree"]
    api.updates.redeliver(agree["update_id"])

    second = await polling_bot(env, tmp_path, api)
    try:
        ann.says(group, "/agreements")
        await world.bot_reply(group, lambda m: "Agreements in this chat" in m["text"])
    finally:
        await stop_bot(second)
    said = [m["text"] for m in api.bot_messages(group.id)]
    assert sum("Agreement #1 recorded" in text for text in said) == 1
    assert not [text for text in said if "already a party" in text]
    assert "handled before" in (tmp_path / "bot.log").read_text()


async def stop_after_start(env: dict[str, str], cwd: Path, api: BotAPIServer) -> str:
    """Start ``python -m bot`` in ``cwd``, stop it once it polls; what it logged."""
    process = await polling_bot(env, cwd, api)
    await stop_bot(process)
    output = (cwd / "bot.log").read_text()
    assert process.returncode == 0, output
    return output


async def test_log_format_is_read_from_the_env_file(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, tmp_path: Path
) -> None:
    """.env.example says to set LOG_FORMAT in .env: it is read there like the rest."""
    (tmp_path / ".env").write_text("LOG_FORMAT=json\n")
    output = await stop_after_start(servers_environment(api, mailbox, database_url), tmp_path, api)
    events = [json.loads(line) for line in output.splitlines()]
    assert events[-1]["message"] == "stopped" and events[-1]["level"] == "INFO"


async def test_log_level_is_read_from_the_env_file(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=WARNING\n")
    output = await stop_after_start(servers_environment(api, mailbox, database_url), tmp_path, api)
    assert " INFO " not in output and "stopped" not in output, output


async def run_command(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, list[str]]:
    """``python -m bot ARGS`` to its end: the exit code and the lines it wrote."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, output.decode().splitlines()


@pytest.mark.parametrize("command", [["status"], ["verify", "--chain", "-100"]])
@pytest.mark.parametrize("revision", [None, "0011"], ids=["never migrated", "behind"])
async def test_a_database_not_migrated_is_one_line_saying_to_migrate(
    command: list[str], revision: str | None, tmp_path: Path
) -> None:
    """It was a traceback ("no such table: mails")."""
    async with fresh_database(tmp_path) as url:
        if revision is not None:
            await asyncio.to_thread(upgrade, url, revision)
        code, lines = await run_command(
            *command, env=bot_environment(DATABASE_URL=url), cwd=tmp_path
        )
    assert code == 1, lines
    [line] = lines
    assert "run `python -m bot migrate`" in line


async def test_status_of_a_migrated_database(database_url: str, tmp_path: Path) -> None:
    env = bot_environment(DATABASE_URL=database_url)
    code, lines = await run_command("status", env=env, cwd=tmp_path)
    assert code == 0, lines
    assert lines[:2] == ["agreements:          0", "mails pending:       0"]


@pytest.mark.parametrize("command", [["status"], ["verify", "--chain", "-100"]])
async def test_a_database_out_of_reach_is_one_line(command: list[str], tmp_path: Path) -> None:
    env = bot_environment(DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    code, lines = await run_command(*command, env=env, cwd=tmp_path)
    assert code in (1, 2), lines  # verify says 1 for whatever it can't call valid
    [line] = lines
    assert line.startswith("DATABASE_URL: cannot open the database")
