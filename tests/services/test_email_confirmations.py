"""A confirmation by email is a record of the chat's chain like any other: it takes the
next place under the chat's lock, the next record names it, and a place holds one record."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.confirmations.service import Outcome
from bot.db.models import Agreement, ChainEntry, EmailConfirmation
from bot.evidence.chain import check_chain
from tests.support.amending import GROUP, Chat


async def test_a_confirmation_takes_the_chains_next_place_and_the_next_record_names_it(
    group: Chat, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    first = await group.mark(1, "Price 150 000")
    confirmed = await group.confirm_by_email(first, "client@example.com")
    assert confirmed.outcome is Outcome.CONFIRMED
    second = await group.mark(2, "Price 90 000")

    chain = await group.chain()
    assert [link.label for link in chain] == [
        "agreement #1",
        "email confirmation 1 of agreement #1",
        "agreement #2",
    ]
    assert check_chain(chain) == []
    async with session_factory() as session:
        agreement = await session.get(Agreement, second)
        confirmation = await session.scalar(select(EmailConfirmation))
    assert agreement is not None and confirmation is not None
    assert json.loads(agreement.record)["previous_digest"] == confirmation.digest
    record = json.loads(confirmation.record)
    assert record["previous_digest"] == chain[0].digest
    assert record["confirmed"] == {"number": "1", "digest": chain[0].digest}
    assert (record["kind"], record["address"]) == ("email-confirmation", "client@example.com")


async def test_a_second_invitation_of_the_same_agreement_confirms_on_its_own(
    group: Chat,
) -> None:
    agreement = await group.mark(1, "Price 150 000")
    await group.confirm_by_email(agreement, "client@example.com")
    other = await group.confirm_by_email(agreement, "accounts@example.com")
    assert other.outcome is Outcome.CONFIRMED
    assert len(await group.chain()) == 3


async def test_a_place_holds_exactly_one_record(
    group: Chat, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    agreement = await group.mark(1, "Price 150 000")
    await group.confirm_by_email(agreement, "client@example.com")
    engine: AsyncEngine = session_factory.kw["bind"]
    async with session_factory() as session:
        confirmation = await session.scalar(select(EmailConfirmation.id))
    for ids in ({"agreement_id": agreement, "confirmation_id": confirmation}, {}):
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(
                    insert(ChainEntry).values(chat_id=GROUP.id, position=9, digest="0" * 64, **ids)
                )
