"""Who may act: only a chat's members mark or join its agreements, nobody joins while an
edit awaits acceptance, and callback data a client made up is answered and does nothing."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.db.models import Agreement, Party
from tests.botapi.objects import chat_member_json, user_json
from tests.support.chat import answer_to, reaction
from tests.support.harness import Harness
from tests.support.stored import session_on

NOT_A_MEMBER = "Only members of this chat can record or join its agreements."
NOT_HERE = "This button doesn't work here."


async def parties_by_agreement(database_url: str) -> dict[int, set[int]]:
    async with session_on(database_url) as session:
        rows = (await session.execute(select(Party.agreement_id, Party.user_id))).all()
    found: dict[int, set[int]] = {}
    for agreement_id, user_id in rows:
        found.setdefault(agreement_id, set()).add(user_id)
    return found


async def test_only_members_mark_and_join(harness: Harness, database_url: str) -> None:
    world, api = harness.world, harness.api
    group = world.group("Office")
    api.set_chat_member_status(group.id, api.bot_user["id"], "administrator")  # for reactions
    alice, bob = world.user("Alice"), world.user("Bob")
    eve = world.user("Eve")  # reads the public group, or comments in it, without joining
    eve.is_member_of(group, "left")
    ivan = world.user("Иван", language_code="ru")
    rita = world.user("Rita")  # restricted, and no longer in the chat
    rita.is_member_of(group, "restricted", is_member=False)
    carol = world.user("Carol")  # restricted, but a member: may agree
    carol.is_member_of(group, "restricted")

    offer = alice.says(group, "Price 100 000, due Friday")
    bob.says(group, "/agree", reply_to=offer)
    card = await world.bot_reply(group)
    [[button]] = card["reply_markup"]["inline_keyboard"]

    assert await answer_to(api, eve.presses(card, "🤝 I agree")) == NOT_A_MEMBER
    assert await answer_to(api, rita.presses(card, "🤝 I agree")) == NOT_A_MEMBER
    refused = await answer_to(api, ivan.sends_callback(card, button["callback_data"]))
    assert refused.startswith("Записывать договорённости этого чата")  # in his language

    eve.says(group, "/agree", reply_to=offer)  # a second /agree is a join too
    assert (await world.bot_reply(group))["text"] == NOT_A_MEMBER
    own = eve.says(group, "Eve's offer: 1 EUR")
    eve.says(group, "/agree", reply_to=own)  # nor can she record one
    assert (await world.bot_reply(group))["text"] == NOT_A_MEMBER
    api.push_update(reaction(eve, group, offer, "🤝"))  # a reaction: quietly nothing

    assert await answer_to(api, carol.presses(card, "🤝 I agree")) == "You joined agreement #1."
    edit = await api.wait_for_call("editMessageText")
    assert "Carol" in edit.params["text"] and "Eve" not in edit.params["text"]
    assert await parties_by_agreement(database_url) == {
        int(button["callback_data"].split(":")[1]): {alice.id, bob.id, carol.id}
    }
    assert [int(c.params["user_id"]) for c in api.calls("getChatMember")].count(
        eve.id
    ) == 1  # cached


async def test_nobody_joins_while_an_edit_awaits_acceptance(harness: Harness) -> None:
    world, api = harness.world, harness.api
    group = world.group("Office")
    alice, bob, carol = world.user("Alice"), world.user("Bob"), world.user("Carol")
    carol.is_member_of(group)
    offer = alice.says(group, "Price 100 000")
    bob.says(group, "/agree", reply_to=offer)
    card = await world.bot_reply(group)
    alice.edits(offer, "Price 150 000")
    alert = await world.bot_reply(group, lambda m: "✅ Accept new version" in str(m))

    pending = await answer_to(api, carol.presses(card, "🤝 I agree"))
    assert pending == (
        "The agreed message was edited, and the edit awaits the parties' acceptance: "
        "nobody can join until they accept it."
    )
    carol.says(group, "/agree", reply_to=offer)
    assert (await world.bot_reply(group))["text"] == pending
    # Had she joined, the edit would wait for her too; it waits for the parties it had.
    assert await answer_to(api, alice.presses(alert, "✅ Accept new version")) == (
        "Accepted. Waiting for: Bob."
    )
    bob.presses(alert, "✅ Accept new version")
    await world.bot_reply(group, lambda m: "Amendment #1.1" in m.get("text", ""))

    # Accepted by every party: joining is open again, to the amended text.
    assert await answer_to(api, carol.presses(card, "🤝 I agree")) == "You joined agreement #1."


async def test_made_up_callback_data_is_answered_and_changes_nothing(
    harness: Harness, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    world, api = harness.world, harness.api
    alice, bob = world.user("Alice"), world.user("Bob")
    group, elsewhere = world.group("Office"), world.group("Secret deals")
    secret = alice.says(elsewhere, "Secret: 1 000 000 for the land")
    bob.says(elsewhere, "/agree Land", reply_to=secret)
    other_card = await world.bot_reply(elsewhere)
    [[other_join]] = other_card["reply_markup"]["inline_keyboard"]
    offer = alice.says(group, "Price 100 000")
    bob.says(group, "/agree", reply_to=offer)
    card = await world.bot_reply(group)
    alice.says(group, "/agreements")
    listing = await world.bot_reply(group, lambda m: "Agreements in this chat" in m["text"])
    parties_before = await parties_by_agreement(database_url)
    edits_before = len(api.calls("editMessageText"))

    # Alice's own list, from every chat, must not be shown to the group.
    assert await answer_to(api, alice.sends_callback(listing, "list:0:1")) == NOT_HERE
    # Nor may a list button turn the agreement's card into a list.
    assert await answer_to(api, alice.sends_callback(card, "list:0:0")) == NOT_HERE
    made_up = [
        "join:9999999999999999999999",
        "join:9223372036854775808",
        "join:-1",
        "join:0",
        "join:abc",
        "join:",
        "join:1:2",
        "list:99999999999999999999999:0",
        "list:-1:0",
        "list:0:maybe",
        "diff:9999999999999999999999",
        "diff:-7",
        "diff:x",
        "accept:9999999999999999999999",
        "accept:0",
        "accept:",
        "nothing:1",
        "x",
    ]
    for data in made_up:
        for message in (card, listing):
            assert await answer_to(api, bob.sends_callback(message, data)) == NOT_HERE, data
    # Another chat's agreement, a version or diff that isn't there: the service says so.
    another_chats = await answer_to(api, bob.sends_callback(card, other_join["callback_data"]))
    assert another_chats == "This agreement no longer exists in this chat."
    other_id = other_join["callback_data"].split(":")[1]
    await answer_to(api, bob.sends_callback(card, f"diff:{other_id}"))
    assert await answer_to(api, bob.sends_callback(card, "accept:424242")) != ""

    # In a private chat, a chat's list is not shown either (only one's own).
    alice.says_private("/agreements")
    mine = await world.bot_reply(alice, lambda m: "Your agreements" in m["text"])
    assert await answer_to(api, alice.sends_callback(mine, "list:0:0")) == NOT_HERE
    assert await answer_to(api, alice.sends_callback(mine, "join:1")) == NOT_HERE

    assert len(api.calls("editMessageText")) == edits_before
    assert await parties_by_agreement(database_url) == parties_before
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    async with session_on(database_url) as session:
        assert len((await session.scalars(select(Agreement))).all()) == 2


async def test_who_leaves_or_is_banned_is_not_taken_for_a_member_from_the_cache(
    harness: Harness, database_url: str
) -> None:
    world, api = harness.world, harness.api
    group = world.group("Office")
    # Telegram sends chat_member updates to administrators only.
    api.set_chat_member_status(group.id, api.bot_user["id"], "administrator")
    alice, bob, carol, dave = (world.user(n) for n in ("Alice", "Bob", "Carol", "Dave"))
    carol.is_member_of(group)
    dave.is_member_of(group)
    cards = []
    for text in ("Price 100", "Price 200"):
        bob.says(group, "/agree", reply_to=alice.says(group, text))
        cards.append(await world.bot_reply(group, lambda m: "recorded" in m["text"]))
    for person in (carol, dave):  # members now, and known to be for a minute
        assert await answer_to(api, person.presses(cards[0], "🤝 I agree")) == (
            "You joined agreement #1."
        )

    carol.leaves(group)  # the service message every bot in the group gets
    banned = {
        "chat": group.chat,
        "from": user_json(alice.user),
        "date": api.now(),
        "old_chat_member": chat_member_json(dave.user, "member"),
        "new_chat_member": chat_member_json(dave.user, "kicked"),
    }
    api.push_update({"chat_member": banned})

    for person in (carol, dave):
        refused = await answer_to(api, person.presses(cards[1], "🤝 I agree"))
        assert refused == NOT_A_MEMBER, person.user["first_name"]
    second = int(cards[1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"][5:])
    assert (await parties_by_agreement(database_url))[second] == {alice.id, bob.id}
