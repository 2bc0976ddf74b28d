"""Limits on marks and joins a minute, per person and per chat: one over is refused with
the wait, in the person's language, and records nothing."""

from __future__ import annotations

import re

import pytest

from tests.support.chat import answer_to, reaction, unreaction
from tests.support.harness import Harness
from tests.support.stored import counts


def wait_in(text: str, pattern: str) -> int:
    found = re.fullmatch(pattern + r" (\d+) \w+\. Nothing was recorded\.", text)
    assert found, text
    seconds = int(found.group(1))
    assert 1 <= seconds <= 60
    return seconds


@pytest.mark.bot_settings(agree_limit_per_user=2, agree_limit_per_chat=100)
async def test_a_person_over_the_limit_is_told_to_wait_once(
    harness: Harness, database_url: str
) -> None:
    world, api = harness.world, harness.api
    group = world.group("Office")
    alice, bob, carol = world.user("Alice"), world.user("Bob"), world.user("Carol")
    offers = [bob.says(group, f"Offer {n}") for n in range(4)]
    alice.says(group, "/agree", reply_to=offers[0])
    alice.says(group, "/agree", reply_to=offers[1])
    card = await world.bot_reply(group)
    await world.bot_reply(group, lambda m: "Agreement #2" in m["text"])

    alice.says(group, "/agree", reply_to=offers[2])
    refusal = await world.bot_reply(group)
    wait_in(refusal["text"], "Too many agreements at once; try again in")
    assert refusal["reply_to_message"]["message_id"] != offers[2]["message_id"]  # to her /agree
    alice.says(group, "/agree", reply_to=offers[3])  # told once: no second reply to flood
    # A press is answered to her alone, so always.
    pressed = await answer_to(api, alice.presses(card, "🤝 I agree"))
    wait_in(pressed, "Too many agreements at once; try again in")
    carol.says(group, "/agree", reply_to=offers[2])  # others are not held back
    await world.bot_reply(group, lambda m: "Agreement #3" in m["text"])

    said = [m["text"] for m in api.bot_messages(group.id)]
    assert len([t for t in said if t.startswith("Too many")]) == 1
    assert await counts(database_url) == (3, 6)  # #1, #2 by Alice, #3 by Carol: 2 parties each


@pytest.mark.bot_settings(agree_limit_per_user=1, agree_limit_per_chat=100)
async def test_a_reaction_over_the_limit_is_answered_in_the_persons_language(
    harness: Harness, database_url: str
) -> None:
    world, api = harness.world, harness.api
    group = world.group("Офис")
    api.set_chat_member_status(group.id, api.bot_user["id"], "administrator")
    ivan, olga = world.user("Иван", language_code="ru"), world.user("Ольга", language_code="ru")
    first, second = olga.says(group, "Цена 100"), olga.says(group, "Цена 200")
    ivan.says(group, "Согласен")
    api.push_update(reaction(ivan, group, first, "🤝"))
    await world.bot_reply(group, lambda m: "№1" in m["text"])
    api.push_update(reaction(ivan, group, second, "🤝"))
    refusal = await world.bot_reply(group)
    found = re.fullmatch(
        r"Слишком много договорённостей сразу; попробуйте через (\d+) секунд[уы]?\. "
        r"Ничего не записано\.",
        refusal["text"],
    )
    assert found, refusal["text"]
    assert refusal["reply_to_message"]["message_id"] == second["message_id"]
    assert await counts(database_url) == (1, 2)


@pytest.mark.bot_settings(agree_limit_per_user=100, agree_limit_per_chat=3)
async def test_a_chat_at_its_limit_holds_back_who_had_their_share_there_and_only_there(
    harness: Harness, database_url: str
) -> None:
    world, api = harness.world, harness.api
    busy, quiet = world.group("Busy"), world.group("Quiet")
    ann, ben, cid, dan = (world.user(n) for n in ("Ann", "Ben", "Cid", "Dan"))
    eve = world.user("Eve")
    eve.is_member_of(busy)
    offers = [ann.says(busy, f"Offer {n}") for n in range(3)]
    for person, offer in zip((ben, cid, dan), offers, strict=True):
        person.says(busy, "/agree", reply_to=offer)
        card = await world.bot_reply(busy, lambda m: "recorded" in m["text"])

    late = ann.says(busy, "Offer 4")
    ben.says(busy, "/agree", reply_to=late)  # three places, one his: his share of three
    refusal = await world.bot_reply(busy)
    wait_in(refusal["text"], "Too many agreements in this chat at once; try again in")
    pressed = await answer_to(api, ben.presses(card, "🤝 I agree"))
    wait_in(pressed, "Too many agreements in this chat at once; try again in")
    eve.says(busy, "/agree", reply_to=late)  # had none: not shut out by the others
    assert "Agreement #4 recorded" in (await world.bot_reply(busy))["text"]

    elsewhere = ann.says(quiet, "Offer 5")
    ben.says(quiet, "/agree", reply_to=elsewhere)
    assert "Agreement #1 recorded" in (await world.bot_reply(quiet))["text"]
    assert await counts(database_url) == (5, 10)


@pytest.mark.bot_settings(agree_limit_per_user=2, agree_limit_per_chat=100)
async def test_what_records_and_joins_nothing_takes_no_place(
    harness: Harness, database_url: str
) -> None:
    world, api = harness.world, harness.api
    group = world.group("Office")
    api.set_chat_member_status(group.id, api.bot_user["id"], "administrator")  # reactions
    alice, bob = world.user("Alice"), world.user("Bob")
    offer = bob.says(group, "Price 100")
    alice.says(group, "/agree", reply_to=offer)
    card = await world.bot_reply(group, lambda m: "recorded" in m["text"])  # her 1st place

    for n in range(5):  # made-up agreements, a reaction loop, refused /agree, joined again
        made_up = await answer_to(api, alice.sends_callback(card, f"join:{4242 + n}"))
        assert made_up == "This agreement no longer exists in this chat."
        api.push_update(reaction(alice, group, offer, "🤝"))
        api.push_update(unreaction(alice, group, offer, "🤝"))
        alice.says(group, "/agree " + "x" * 201, reply_to=bob.says(group, f"Offer {n}"))
        assert "title is too long" in (await world.bot_reply(group))["text"]
        assert "already" in await answer_to(api, alice.presses(card, "🤝 I agree"))

    alice.says(group, "/agree", reply_to=bob.says(group, "Price 200"))
    assert "Agreement #2 recorded" in (await world.bot_reply(group))["text"]
    assert await counts(database_url) == (2, 4)
