"""SIGKILL at random moments while marking, editing and sending: nothing lost, nothing twice.

One database and one mailbox across the trials, as in production: each trial gives the bot
work, kills it after a random pause, and starts it again. Afterwards every agreement,
version and email is there exactly once. A mail the server took just before a kill goes
again with the same Message-ID and the same bytes, which a mail client shows once.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import re
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select

from bot.db.models import Agreement, EditAlert, Mail, MailStatus, MessageVersion
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.support.eventually import eventually
from tests.support.harness import Harness
from tests.support.mailbox import Mailbox, ReceivedMail
from tests.support.mails import is_agreement, is_edit_alert
from tests.support.processes import polling_bot, servers_environment, stop_bot
from tests.support.stored import mail_statuses, session_on

TRIALS = 20


async def all_sent(database_url: str) -> bool:
    return set(await mail_statuses(database_url)) == {MailStatus.SENT}


def by_message_id(mails: list[ReceivedMail]) -> dict[str, list[bytes]]:
    copies: dict[str, list[bytes]] = defaultdict(list)
    for mail in mails:
        copies[str(mail.message["Message-ID"])].append(mail.raw)
    return copies


async def test_random_kills_lose_nothing_and_repeat_nothing(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, tmp_path: Path
) -> None:
    for n in range(TRIALS + 2):
        (tmp_path / f"run{n}").mkdir()
    # A mail the killed process had claimed is another's to send once the claim runs out.
    env = servers_environment(
        api,
        mailbox,
        database_url,
        EDIT_ALERT_COALESCE_SECONDS="0",
        OUTBOX_CLAIM_SECONDS="1",
        MAIL_RETRY_SECONDS="0.5",
    )
    harness = Harness(api, TelegramWorld(api), mailbox)
    world = harness.world
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Kills")
    process = await polling_bot(env, tmp_path / "run0", api)
    await harness.register(ann, "ann@example.com")
    await harness.register(ben, "ben@example.com")

    rng = random.Random(20261129)
    offers = []
    pauses = []
    kills: list[int] = []
    try:
        for trial in range(1, TRIALS + 1):
            offer = ben.says(group, f"Offer {trial}: {100 * trial} EUR")
            offers.append(offer)
            ann.says(group, "/agree", reply_to=offer)
            if trial > 1:
                ben.edits(offers[trial - 2], f"Offer {trial - 1}: {100 * trial} EUR after all")
            pauses.append(pause := rng.uniform(0.0, 0.5))
            await asyncio.sleep(pause)  # the kill lands anywhere in handling or sending
            process.kill()
            await process.wait()
            kills.append(len(api.requests))  # what came before it came from the killed one
            process = await polling_bot(env, tmp_path / f"run{trial}", api)

        # Settle: every update handled, every mail out.
        ann.says(group, "/agreements")
        await world.bot_reply(group, lambda m: "Agreements in this chat" in m["text"])
        for address in ("ann@example.com", "ben@example.com"):
            await mailbox.wait_for(address, TRIALS, where=is_agreement, timeout=30)
            await mailbox.wait_for(address, TRIALS - 1, where=is_edit_alert, timeout=30)
        await harness.mail_barrier()
        await eventually(lambda: all_sent(database_url), timeout=20, what="every mail sent")
    finally:
        await stop_bot(process)  # a clean stop marks the last mails sent

    logs = "".join((tmp_path / f"run{n}" / "bot.log").read_text() for n in range(TRIALS + 1))
    assert "Traceback" not in logs, logs[logs.find("Traceback") - 500 :][:4000]
    async with session_on(database_url) as session:
        agreements = (await session.scalars(select(Agreement))).all()
        versions = await session.scalar(select(func.count()).select_from(MessageVersion))
        alerts = await session.scalar(select(func.count()).select_from(EditAlert))
        mail_states = (await session.scalars(select(Mail.status))).all()

    # Each offer agreed once, numbered 1..N without gaps; each edit stored and alerted once.
    assert sorted(a.message_id for a in agreements) == [o["message_id"] for o in offers]
    assert sorted(a.number for a in agreements) == list(range(1, TRIALS + 1))
    assert versions == alerts == TRIALS - 1
    assert set(mail_states) == {MailStatus.SENT}

    for address in ("ann@example.com", "ben@example.com"):
        inbox = mailbox.to(address)
        for kind, expected in ((is_agreement, TRIALS), (is_edit_alert, TRIALS - 1)):
            copies = by_message_id([m for m in inbox if kind(m.message)])
            assert len(copies) == expected, address
            # A copy sent again after a kill is the very same mail.
            assert all(len(set(raws)) == 1 for raws in copies.values())

    # Every agreement's card reached the chat, the owed ones after a restart.
    cards: dict[int, list[int]] = defaultdict(list)  # number -> the calls that posted it
    card_ids: dict[int, int] = {}  # number -> the id of the last card posted
    for index, call in enumerate(api.requests):
        found = re.match(r"✅ <b>Agreement #(\d+) recorded", str(call.params.get("text")))
        if call.method == "sendMessage" and call.ok and found:
            cards[int(found.group(1))].append(index)
            card_ids[int(found.group(1))] = call.result["message_id"]
    assert sorted(cards) == list(range(1, TRIALS + 1))
    for number, posts in cards.items():
        # Posting is at least once: a card goes again only after a kill cut its poster off
        # between Telegram's answer and storing the id (cards are posted beside later
        # updates, so other requests may come in between), never within one process.
        for first, again in itertools.pairwise(posts):
            assert any(first < kill < again for kill in kills), (number, posts, kills, pauses)
    # What the bot remembers is the card it posted last, so a new party's edit lands on it.
    assert {a.number: a.answer_message_id for a in agreements} == card_ids
    assert api.errors == []
