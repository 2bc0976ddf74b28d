"""Marks and accepts racing in one chat, each on a session (a connection) of its own, as
replicas or concurrent webhook requests do: the last accept records the amendment once,
and the chat's chain holds however the work interleaved."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.edits.amendments import Acceptation
from bot.evidence.chain import check_chain
from tests.support.amending import ALICE, BOB, Chat

AGREEMENTS = 6
NEW_MARKS = 12


async def test_racing_marks_and_amendments_keep_the_chain(group: Chat) -> None:
    versions = []
    for n in range(1, AGREEMENTS + 1):
        await group.mark(n)
        versions.append(await group.edit(n, f"Offer {n}, revised"))
        await group.accept(versions[-1], ALICE)
    # Bob's accepts (each the last, so each records an amendment) race with new marks.
    accepted, _marked = await asyncio.gather(
        asyncio.gather(*(group.accept(version, BOB) for version in versions)),
        asyncio.gather(*(group.mark(100 + n) for n in range(NEW_MARKS))),
    )
    assert [r.outcome for r in accepted] == [Acceptation.AMENDED] * AGREEMENTS

    chain = await group.chain()
    assert len(chain) == 2 * AGREEMENTS + NEW_MARKS
    assert check_chain(chain) == []
    assert [link.position for link in chain] == list(range(1, len(chain) + 1))
    # The chain's order is also the order of the records' times (read under the lock).
    assert [link.recorded_at for link in chain] == sorted(link.recorded_at for link in chain)


async def test_the_last_two_accepts_at_once_record_the_amendment_once(group: Chat) -> None:
    versions = []
    for n in range(1, AGREEMENTS + 1):
        await group.mark(n)
        versions.append(await group.edit(n, f"Offer {n}, revised"))
    results = await asyncio.gather(
        *(group.accept(version, person) for version in versions for person in (ALICE, BOB))
    )
    outcomes = Counter(r.outcome for r in results)
    assert outcomes == {Acceptation.AMENDED: AGREEMENTS, Acceptation.ACCEPTED: AGREEMENTS}
    amendments = await group.amendments()
    assert sorted(a.version_id for a in amendments) == sorted(versions)
    assert {a.number for a in amendments} == {1}
    # A later press hears that the amendment stands, not "already accepted".
    again = await group.accept(versions[0], ALICE)
    assert again.outcome is Acceptation.ALREADY_AMENDED
    assert check_chain(await group.chain()) == []
