"""The pages' chain verdict: walked once per head of the chain, walked again when the head
moves or the verdict is old, and the same places either way."""

from __future__ import annotations

from sqlalchemy import select, text

from bot.agreements.chain_standing import RECHECK_SECONDS, ChainVerdicts, chain_places
from bot.db.dialect import is_postgres
from bot.db.models import Agreement
from tests.support.amending import Chat
from tests.support.people import GROUP


class Seconds:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def digests(session_factory) -> list[str]:
    async with session_factory() as session:
        return list(await session.scalars(select(Agreement.digest).order_by(Agreement.id)))


async def change_first_record(session_factory) -> None:
    """What only the tables' owner could do: change a record behind the append-only guard."""
    async with session_factory() as session:
        postgres = is_postgres(session)
        if postgres:
            await session.execute(text("ALTER TABLE agreements DISABLE TRIGGER USER"))
        else:
            await session.execute(text("DROP TRIGGER agreements_no_update"))
        await session.execute(
            text("UPDATE agreements SET record = :forged WHERE number = 1"), {"forged": b"{}"}
        )
        if postgres:
            await session.execute(text("ALTER TABLE agreements ENABLE TRIGGER USER"))
        await session.commit()


async def places(session_factory, wanted: list[str], verdicts: ChainVerdicts | None):
    async with session_factory() as session:
        return await chain_places(session, GROUP.id, wanted, verdicts)


async def test_a_kept_verdict_gives_the_same_places(session_factory, group: Chat) -> None:
    for message_id in (1, 2, 3):
        await group.mark(message_id)
    wanted = await digests(session_factory)
    verdicts = ChainVerdicts(Seconds())

    walked = await places(session_factory, wanted, verdicts)
    kept = await places(session_factory, wanted, verdicts)

    assert walked == kept == await places(session_factory, wanted, None)
    assert [walked[d].position for d in wanted] == [1, 2, 3]
    assert all(walked[d].holds and walked[d].length == 3 for d in wanted)


async def test_the_chain_is_walked_again_when_its_head_moves_or_the_verdict_is_old(
    session_factory, group: Chat
) -> None:
    await group.mark(1)
    await group.mark(2)
    seconds = Seconds()
    verdicts = ChainVerdicts(seconds)
    [first, _] = await digests(session_factory)
    assert (await places(session_factory, [first], verdicts))[first].holds

    await change_first_record(session_factory)
    # The same head: the kept verdict stands until it is old...
    assert (await places(session_factory, [first], verdicts))[first].holds
    seconds.now += RECHECK_SECONDS + 1
    assert not (await places(session_factory, [first], verdicts))[first].holds
    # ...and a fresh verdict of a broken chain is kept as broken.
    assert not (await places(session_factory, [first], verdicts))[first].holds

    fresh = ChainVerdicts(Seconds())
    assert (await places(session_factory, [first], fresh))[first].holds is False
    await group.mark(3)  # a new head: walked again, still broken
    assert not (await places(session_factory, [first], fresh))[first].holds
