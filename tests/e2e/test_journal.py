"""The journal: marking by reaction, earlier versions, and the purge that spares agreements."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import create_engine, create_session_factory
from bot.db.models import JournalEntry
from bot.journal.journal import Journal
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.support.bot_in_process import bot_settings, running_bot
from tests.support.chat import reaction
from tests.support.harness import Harness
from tests.support.mailbox import Mailbox
from tests.support.mails import is_agreement
from tests.support.processes import polling_bot, servers_environment
from tests.support.stored import session_on


async def test_a_handshake_reaction_marks_a_journaled_message(harness: Harness) -> None:
    world, api = harness.world, harness.api
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    api.set_chat_member_status(group.id, api.bot_user["id"], "administrator")
    await harness.register(ann, "ann@example.com")
    ann.is_member_of(group)  # she reacts, but has not written in the group
    offer = ben.says(group, "Delivery on Friday, 40 units")

    api.push_update(reaction(ann, group, offer, "👍"))  # just a reaction
    api.push_update(reaction(ann, group, offer, "🤝"))
    card = await world.bot_reply(group)
    assert "Agreement #1 recorded" in card["text"]
    assert card["reply_to_message"]["message_id"] == offer["message_id"]
    [mail] = await harness.mailbox.wait_for(to="ann@example.com", where=is_agreement)
    assert "Delivery on Friday, 40 units" in mail.message.get_body(("plain",)).get_content()


async def test_the_purge_forgets_old_chatter_and_keeps_agreed_messages(
    api: BotAPIServer, mailbox: Mailbox, database_url: str
) -> None:
    world = TelegramWorld(api)
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    async with running_bot(bot_settings(api, mailbox, database_url), api):
        chatter = ben.says(group, "Lunch?")
        offer = ben.says(group, "Price 100")
        ann.says(group, "/agree", reply_to=offer)
        await world.bot_reply(group)
    # Stopped cleanly: the journal has written what it noted.

    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    async with factory() as session:
        seen = {e.message_id for e in await session.scalars(select(JournalEntry))}
    assert {chatter["message_id"], offer["message_id"]} <= seen
    later = datetime.now(UTC) + timedelta(days=31)
    assert await Journal(factory, lambda: later, retention=timedelta(days=30)).purge() == 2
    async with factory() as session:
        kept = {e.message_id for e in await session.scalars(select(JournalEntry))}
    await engine.dispose()
    assert kept == {offer["message_id"]}


@pytest.mark.bot_settings(journal=False)
async def test_journal_off_keeps_nothing_but_agreements(
    harness: Harness, database_url: str
) -> None:
    world = harness.world
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Quiet")
    offer = ben.says(group, "Price 100")
    ann.says(group, "/agree", reply_to=offer)
    assert "Agreement #1 recorded" in (await world.bot_reply(group))["text"]
    ben.edits(offer, "Price 90")  # edits of agreed messages are still caught
    assert "was edited" in (await world.bot_reply(group))["text"]
    async with session_on(database_url) as session:
        assert (await session.scalars(select(JournalEntry))).all() == []


async def test_messages_are_stored_before_telegram_hears_they_were_taken(
    api: BotAPIServer,
    mailbox: Mailbox,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    """SIGKILL the instant getUpdates confirms a burst: every message is in the journal."""
    world = TelegramWorld(api)
    people = [world.user(f"Person{n}") for n in range(3)]
    groups = [world.group(f"Team {n}") for n in range(3)]
    messages = 300
    last_update_id = api.updates.next_update_id + messages - 1
    all_confirmed = asyncio.Event()
    confirm = api.updates.confirm

    def confirming(offset: int) -> None:
        confirm(offset)
        if offset > last_update_id:
            all_confirmed.set()

    api.updates.confirm = confirming  # type: ignore[method-assign]
    process = await polling_bot(servers_environment(api, mailbox, database_url), tmp_path, api)
    try:
        said = [
            people[n % 3].says(groups[n % 3], f"Draft {n}: price {100 + n}")
            for n in range(messages)
        ]
        await asyncio.wait_for(all_confirmed.wait(), timeout=60)
        process.kill()
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()

    async with session_factory() as session:
        stored = {
            (entry.chat_id, entry.message_id, entry.text)
            for entry in await session.scalars(select(JournalEntry))
        }
    assert stored == {(m["chat"]["id"], m["message_id"], m["text"]) for m in said}
