"""What a crash between a commit and the chat answer leaves owed is posted on the next start."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.marking import AgreementService, MarkedMessage, MarkRequest, Outcome
from bot.app import utc_now
from bot.core.people import ChatInfo, Person
from bot.mail.letters import Letters
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld
from tests.support.bot_in_process import bot_settings, running_bot
from tests.support.mailbox import Mailbox
from tests.support.wakers import RecordingWaker


async def test_a_card_the_crash_kept_from_the_chat_is_posted_once_on_the_next_start(
    api: BotAPIServer,
    mailbox: Mailbox,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    letters: Letters,
) -> None:
    world = TelegramWorld(api)
    ann, ben = world.user("Ann", language_code="ru"), world.user("Ben")
    group = world.group("Crash")
    offer = ben.says(group, "Price 100")
    # What the killed process committed: the agreement, but no card yet.
    async with session_factory() as session:
        service = AgreementService(session, letters, RecordingWaker(), utc_now)
        result = await service.mark(
            MarkRequest(
                chat=ChatInfo(id=group.id, type="supergroup", title=group.title),
                message=MarkedMessage(
                    message_id=offer["message_id"],
                    date=datetime.fromtimestamp(offer["date"], UTC),
                    author=Person(id=ben.id, first_name="Ben"),
                    text=offer["text"],
                ),
                marker=Person(id=ann.id, first_name="Ann", language_code="ru"),
            )
        )
    assert result.outcome is Outcome.RECORDED

    settings = bot_settings(api, mailbox, database_url)
    async with running_bot(settings, api):
        [card] = [m for m in api.bot_messages(group.id) if "Договорённость №1" in m["text"]]
        assert card["reply_to_message"]["message_id"] == offer["message_id"]
    async with running_bot(settings, api):  # its id was stored: not posted again
        ben.says(group, "/agreements")
        await world.bot_reply(group, lambda m: "Agreements in this chat" in m["text"])
    assert len([m for m in api.bot_messages(group.id) if "Договорённость №1" in m["text"]]) == 1
    assert api.errors == []
