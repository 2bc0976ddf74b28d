"""The write gate: SQLite writers in the process take turns, first come first served."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.gate import WriteGate, session_gate, write_gate


async def test_turns_are_taken_one_at_a_time_in_the_order_asked() -> None:
    gate = WriteGate(serialize=True)
    order: list[str] = []
    first_in = asyncio.Event()
    release = asyncio.Event()

    async def writer(name: str) -> None:
        async with gate.turn():
            order.append(f"{name} in")
            if name == "first":
                first_in.set()
                await release.wait()
            order.append(f"{name} out")

    first = asyncio.create_task(writer("first"))
    await first_in.wait()
    others = [asyncio.create_task(writer(name)) for name in ("second", "third")]
    await asyncio.sleep(0.01)
    assert order == ["first in"]  # the others wait for their turn
    release.set()
    await asyncio.gather(first, *others)
    assert order == ["first in", "first out", "second in", "second out", "third in", "third out"]


async def test_a_task_holding_its_turn_passes_through_again() -> None:
    gate = WriteGate(serialize=True)
    async with gate.turn(), gate.turn():  # a handler flushing the journal, say
        inner_done = True
    assert inner_done

    # ...but a task it starts meanwhile is another writer and waits.
    started: list[str] = []
    async with gate.turn():
        child = asyncio.create_task(_take_turn(gate, started))
        await asyncio.sleep(0.01)
        assert started == []
    await child
    assert started == ["child"]


async def _take_turn(gate: WriteGate, log: list[str]) -> None:
    async with gate.turn():
        log.append("child")


async def test_without_serializing_everyone_goes_at_once() -> None:
    gate = WriteGate(serialize=False)
    inside = 0
    most = 0

    async def writer() -> None:
        nonlocal inside, most
        async with gate.turn():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(writer() for _ in range(3)))
    assert most == 3


async def test_one_gate_per_database_serializing_only_sqlite(
    session_factory: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    gate = write_gate(session_factory)
    assert write_gate(session_factory) is gate
    async with session_factory() as session:
        assert session_gate(session) is gate  # what a service holding a session takes
    assert gate.serializes == database_url.startswith("sqlite")
