"""SIGTERM: no new updates, the work under way finishes, the process exits within 10 s."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

from sqlalchemy import select

from bot.app import run
from bot.db.models import Agreement, Mail, MailStatus
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.support.bot_in_process import bot_settings
from tests.support.eventually import eventually
from tests.support.harness import Harness
from tests.support.mailbox import Mailbox
from tests.support.mails import is_agreement
from tests.support.processes import polling_bot, servers_environment
from tests.support.stored import session_on


async def mail_states(database_url: str) -> list[tuple[str, MailStatus]]:
    async with session_on(database_url) as session:
        mails = await session.scalars(select(Mail).order_by(Mail.id))
        return [(mail.to_address, mail.status) for mail in mails]


async def stopping(log: Path) -> bool:
    return "INFO bot.app: stopping" in await asyncio.to_thread(log.read_text)


async def test_sigterm_finishes_the_smtp_transaction_under_way_and_exits_within_10_s(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, tmp_path: Path
) -> None:
    env = servers_environment(api, mailbox, database_url, SMTP_CONNECTIONS="1")
    process = await polling_bot(env, tmp_path, api)
    try:
        harness = Harness(api, TelegramWorld(api), mailbox)
        ann, ben = harness.world.user("Ann"), harness.world.user("Ben")
        group = harness.world.group("Stop")
        await harness.register(ann, "ann@example.com")
        await harness.register(ben, "ben@example.com")

        mailbox.hold = asyncio.Event()  # the server sits on the next DATA
        ann.says(group, "/agree", reply_to=ben.says(group, "Price 100"))
        await mailbox.wait_for_transactions(1)
        process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        # The server answers only after the signal: the bot must still be there to hear it.
        asyncio.get_running_loop().call_later(1.0, mailbox.hold.set)
        # Sent once the bot has begun to stop (a signal and an update in the same instant
        # may come in either order): not taken any more.
        await eventually(lambda: stopping(tmp_path / "bot.log"), what="the bot stopping")
        ben.says(group, "/agreements")
        await asyncio.wait_for(process.wait(), timeout=10)
        took = time.monotonic() - signalled
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = (tmp_path / "bot.log").read_text()
    assert process.returncode == 0, log
    assert took >= 1.0, "the bot quit without waiting for the SMTP server's answer"
    assert "Traceback" not in log, log

    [accepted] = [m for m in mailbox.received if is_agreement(m.message)]
    states = dict(await mail_states(database_url))
    # The accepted mail is marked sent, so a restart does not send it again; the other
    # party's mail waits for the next start.
    assert states[accepted.recipients[0]] is MailStatus.SENT
    assert sorted(states.values(), key=str).count(MailStatus.PENDING) == 1
    said = [m["text"] for m in api.bot_messages(group.id)]
    assert any("Agreement #1 recorded" in text for text in said)
    assert not any("Agreements in this chat" in text for text in said)
    # The /agree update was confirmed; the one that came after the signal waits in Telegram.
    assert [u["message"]["text"] for u in api.pending_updates] == ["/agreements"]


async def test_a_stop_lets_the_update_being_handled_finish(
    api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> None:
    world = TelegramWorld(api)
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Stop")
    stop = asyncio.Event()
    bot = asyncio.create_task(
        run(bot_settings(api, mailbox, database_url), handle_signals=False, stop=stop)
    )
    await api.wait_until_polling(timeout=15)
    release = api.hold("sendMessage")
    ann.says(group, "/agree", reply_to=ben.says(group, "Price 100"))
    # The handler is waiting for Telegram's answer to its card.
    await api.notifier.wait_for(
        lambda: next((c for c in api.requests if c.method == "sendMessage"), None),
        timeout=10,
        describe=lambda: "the card's sendMessage",
    )
    stop.set()
    asyncio.get_running_loop().call_later(1.0, release.set)
    await asyncio.wait_for(bot, timeout=10)

    # The card went out and its id was stored: the update was handled to the end...
    [card] = [m for m in api.bot_messages(group.id) if "Agreement #1 recorded" in m["text"]]
    async with session_on(database_url) as session:
        agreement = await session.scalar(select(Agreement))
    assert agreement is not None and agreement.answer_message_id == card["message_id"]
    # ...and confirmed, so the next start does not handle it again.
    assert api.pending_updates == []
    assert api.errors == []
