"""Amendments beyond the simplest case: an older agreement amended, numbers per
agreement, a stale version accepted, and parties accepting different versions."""

from __future__ import annotations

import json

from bot.edits.amendments import Acceptation
from bot.evidence.chain import check_chain
from tests.support.amending import ALICE, BOB, Chat


async def amend(group: Chat, message_id: int, text: str) -> str | None:
    """Edit the message and have both parties accept; the amendment's label."""
    version = await group.edit(message_id, text)
    assert (await group.accept(version, ALICE)).outcome is Acceptation.ACCEPTED
    result = await group.accept(version, BOB)
    assert result.outcome is Acceptation.AMENDED
    return result.amendment_label


async def test_amending_an_older_agreement_links_to_the_chats_latest_record(
    group: Chat,
) -> None:
    await group.mark(1, "Stage 1: 100 000")
    await group.mark(2, "Stage 2: 200 000")
    await amend(group, 1, "Stage 1: 110 000")

    first, second, amendment = await group.chain()
    assert (first.label, second.label, amendment.label) == (
        "agreement #1",
        "agreement #2",
        "amendment #1.1",
    )
    record = json.loads(amendment.record)
    assert record["previous_digest"] == second.digest  # the chat's latest, not #1's
    assert record["replaces_digest"] == first.digest
    assert record["agreement"]["digest"] == first.digest
    assert check_chain([first, second, amendment]) == []


async def test_amendment_numbers_count_per_agreement(group: Chat) -> None:
    await group.mark(1, "Stage 1: 100 000")
    await group.mark(2, "Stage 2: 200 000")
    labels = [
        await amend(group, 1, "Stage 1: 110 000"),
        await amend(group, 2, "Stage 2: 210 000"),
        await amend(group, 1, "Stage 1: 120 000"),
    ]
    assert labels == ["1.1", "2.1", "1.2"]
    assert check_chain(await group.chain()) == []


async def test_a_stale_version_accepted_is_not_recorded_as_agreed(group: Chat) -> None:
    await group.mark(1, "Price 100 000")
    first = await group.edit(1, "Price 110 000")
    assert (await group.accept(first, ALICE)).outcome is Acceptation.ACCEPTED
    second = await group.edit(1, "Price 190 000")
    # Bob's button is under the alert of the first edit: too late, the text changed since.
    stale = await group.accept(first, BOB)
    assert stale.outcome is Acceptation.OUTDATED
    assert await group.amendments() == []
    # The latest version still needs both.
    assert (await group.accept(second, BOB)).outcome is Acceptation.ACCEPTED
    assert await group.amendments() == []


async def test_parties_accepting_different_versions_agree_on_none(group: Chat) -> None:
    await group.mark(1, "Price 100 000")
    first = await group.edit(1, "Price 110 000")
    assert (await group.accept(first, ALICE)).outcome is Acceptation.ACCEPTED
    second = await group.edit(1, "Price 190 000", by=BOB)
    bobs = await group.accept(second, BOB)
    assert bobs.outcome is Acceptation.ACCEPTED  # Alice accepted another text
    assert bobs.waiting_for == ["Alice"]
    assert await group.amendments() == []

    alices = await group.accept(second, ALICE)
    assert alices.outcome is Acceptation.AMENDED and alices.amendment_label == "1.1"
    [amendment] = await group.amendments()
    assert (amendment.version_id, amendment.text) == (second, "Price 190 000")
