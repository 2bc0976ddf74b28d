"""Cards go out beside the updates after them: a slow sendMessage holds nothing else back."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Agreement
from tests.support.eventually import eventually
from tests.support.harness import Harness
from tests.support.mails import is_agreement


async def test_marks_are_recorded_and_mailed_while_telegram_holds_the_cards(
    harness: Harness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    world, api, mailbox = harness.world, harness.api, harness.mailbox
    ann, ben = world.user("Ann", language_code="en"), world.user("Ben", language_code="en")
    await harness.register(ann, "ann@example.com")
    await harness.register(ben, "ben@example.com")
    first, second = world.group("First"), world.group("Second")
    release = api.hold("sendMessage")

    ann.says(first, "/agree", reply_to=ben.says(first, "Price 100"))
    ben.says(second, "/agree", reply_to=ann.says(second, "Deadline Friday"))
    # Both marks were handled and mailed while the first card still waits for Telegram.
    for address in ("ann@example.com", "ben@example.com"):
        mails = await mailbox.wait_for(to=address, where=is_agreement, count=2)
        assert len(mails) == 2
    assert not any("recorded" in m["text"] for m in api.bot_messages(first.id))

    release.set()
    cards = [await world.bot_reply(group) for group in (first, second)]
    assert all("Agreement #1 recorded" in card["text"] for card in cards)

    expected = {first.id: cards[0]["message_id"], second.id: cards[1]["message_id"]}

    async def ids_stored() -> bool:
        async with session_factory() as session:
            rows = await session.execute(select(Agreement.chat_id, Agreement.answer_message_id))
            return {chat_id: answer_id for chat_id, answer_id in rows} == expected

    await eventually(ids_stored, what="the cards' ids stored")


async def test_a_party_who_joins_while_the_card_is_under_way_is_shown_on_it(
    harness: Harness,
) -> None:
    world, api = harness.world, harness.api
    ann, ben, cat = (world.user(name, language_code="en") for name in ("Ann", "Ben", "Cat"))
    group = world.group("Joins")
    release = api.hold("sendMessage")
    offer = ben.says(group, "Price 100")
    ann.says(group, "/agree", reply_to=offer)
    cat.says(group, "/agree", reply_to=offer)  # handled while the card is held

    release.set()
    edit = await api.wait_for_call("editMessageText")
    [card] = [m for m in api.bot_messages(group.id) if "recorded" in m["text"]]
    assert edit.params["message_id"] == card["message_id"]
    assert "Cat" in edit.params["text"] and "Ann" in edit.params["text"]
