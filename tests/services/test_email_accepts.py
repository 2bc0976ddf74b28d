"""A confirmed address accepts an edited version by email: needed for the versions stored
after it confirmed and for no other, the last acceptance (in Telegram or by email) records
the amendment once, and an address that said "not me" is no longer waited for."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

from bot.edits.amendments import Acceptation
from bot.evidence.chain import check_chain
from tests.support.amending import ALICE, BOB, Chat

CLIENT = "client@example.com"


async def test_an_edit_after_the_confirmation_waits_for_the_address(group: Chat) -> None:
    agreement = await group.mark(1, "Price 150 000")
    await group.confirm_by_email(agreement, CLIENT)
    version = await group.edit(1, "Price 160 000")

    alice = await group.accept(version, ALICE)
    bob = await group.accept(version, BOB)
    assert (alice.outcome, bob.outcome) == (Acceptation.ACCEPTED, Acceptation.ACCEPTED)
    assert bob.waiting_for == [] and bob.waiting_by_email == ["c…@example.com"]
    assert await group.amendments() == []

    client = await group.accept_by_email(version, CLIENT)
    assert client.outcome is Acceptation.AMENDED
    [amendment] = await group.amendments()
    record = json.loads(amendment.record)
    [by_email] = [entry for entry in record["accepted_by"] if entry.get("kind") == "email"]
    assert by_email["address"] == "c…@example.com"  # the record page serves the record
    assert by_email["terms"]["language"] == "en" and by_email["terms"]["version"] == 1
    chain = await group.chain()
    [confirmation] = [link for link in chain if link.label.startswith("email confirmation")]
    assert by_email["confirmation"] == confirmation.digest  # it holds the address whole
    assert [e["id"] for e in record["accepted_by"] if "id" in e] == [ALICE.id, BOB.id]
    assert check_chain(chain) == []

    again = await group.accept_by_email(version, CLIENT)
    assert again.outcome is Acceptation.ALREADY_AMENDED


async def test_the_address_may_accept_first_and_the_last_party_records_it(group: Chat) -> None:
    agreement = await group.mark(1, "Price 150 000")
    await group.confirm_by_email(agreement, CLIENT)
    version = await group.edit(1, "Price 160 000")

    first = await group.accept_by_email(version, CLIENT)
    assert first.outcome is Acceptation.ACCEPTED
    assert sorted(first.waiting_for) == ["Alice", "Bob"] and first.waiting_by_email == []
    replay = await group.accept_by_email(version, CLIENT)
    assert replay.outcome is Acceptation.ALREADY_ACCEPTED
    await group.accept(version, ALICE)
    last = await group.accept(version, BOB)
    assert last.outcome is Acceptation.AMENDED
    [amendment] = await group.amendments()
    accepted_by = json.loads(amendment.record)["accepted_by"]
    kinds = [entry.get("kind", "telegram") for entry in accepted_by]
    assert Counter(kinds) == {"telegram": 2, "email": 1}


async def test_an_edit_pending_before_the_confirmation_does_not_wait_for_it(group: Chat) -> None:
    agreement = await group.mark(1, "Price 150 000")
    before = await group.edit(1, "Price 160 000")
    await group.confirm_by_email(agreement, CLIENT)

    await group.accept(before, ALICE)
    assert (await group.accept(before, BOB)).outcome is Acceptation.AMENDED
    refused = await group.accept_by_email(before, CLIENT)
    assert refused.outcome is Acceptation.ALREADY_AMENDED

    after = await group.edit(1, "Price 170 000")  # but the next edit does
    await group.accept(after, ALICE)
    assert (await group.accept(after, BOB)).waiting_by_email == ["c…@example.com"]


async def test_a_stale_version_is_refused(group: Chat) -> None:
    agreement = await group.mark(1, "Price 150 000")
    await group.confirm_by_email(agreement, CLIENT)
    old = await group.edit(1, "Price 160 000")
    await group.edit(1, "Price 170 000")
    assert (await group.accept_by_email(old, CLIENT)).outcome is Acceptation.OUTDATED


async def test_not_me_after_confirming_stops_the_wait(group: Chat) -> None:
    agreement = await group.mark(1, "Price 150 000")
    await group.confirm_by_email(agreement, CLIENT)
    version = await group.edit(1, "Price 160 000")
    await group.accept(version, ALICE)
    assert (await group.accept(version, BOB)).waiting_by_email == ["c…@example.com"]

    await group.refuse_by_email(agreement, CLIENT)
    assert (await group.accept_by_email(version, CLIENT)).outcome is Acceptation.NOT_A_PARTY
    newer = await group.edit(1, "Price 165 000")
    await group.accept(newer, ALICE)
    assert (await group.accept(newer, BOB)).outcome is Acceptation.AMENDED


async def test_a_version_of_another_agreement_is_unknown(group: Chat) -> None:
    first = await group.mark(1, "Price 150 000")
    await group.confirm_by_email(first, CLIENT)
    await group.mark(2, "Price 90 000")
    other = await group.edit(2, "Price 95 000")
    forged = await group.accept_by_email(other, CLIENT, invited_to=first)
    assert forged.outcome is Acceptation.UNKNOWN


async def test_a_telegram_accept_and_an_email_accept_at_once_amend_once(group: Chat) -> None:
    versions = []
    for n in range(1, 5):
        agreement = await group.mark(n, f"Offer {n}")
        await group.confirm_by_email(agreement, CLIENT)
        versions.append(await group.edit(n, f"Offer {n}, revised"))
        await group.accept(versions[-1], ALICE)
    results = await asyncio.gather(
        *(
            call
            for version in versions
            for call in (group.accept(version, BOB), group.accept_by_email(version, CLIENT))
        )
    )
    outcomes = Counter(result.outcome for result in results)
    assert outcomes == {Acceptation.AMENDED: 4, Acceptation.ACCEPTED: 4}
    amendments = await group.amendments()
    assert sorted(a.version_id for a in amendments) == sorted(versions)
    for amendment in amendments:
        assert len(json.loads(amendment.record)["accepted_by"]) == 3
    assert check_chain(await group.chain()) == []
