"""Joining an agreement, and mail held until a party verifies an address."""

from __future__ import annotations

from tests.support.chat import links_in
from tests.support.harness import Harness
from tests.support.mails import header_digest, is_agreement, text_of


async def test_join_by_button_and_by_second_agree(harness: Harness) -> None:
    world, api, mailbox = harness.world, harness.api, harness.mailbox
    alice = world.user("Alice", language_code="en")
    bob = world.user("Bob", language_code="en")
    carol = world.user("Carol", language_code="ru")
    dave = world.user("Dave", language_code="en")
    group = world.group("Launch")
    for person, address in ((carol, "carol@example.com"), (dave, "dave@example.com")):
        await harness.register(person, address)
    carol.is_member_of(group)  # she reads along; only members may join

    offer = alice.says(group, "Launch on Monday")
    bob.says(group, "/agree", reply_to=offer)
    card = await world.bot_reply(group)
    assert "Carol" not in card["text"]

    query_id = carol.presses(card, "🤝 I agree")
    answer = await api.wait_for_call(
        "answerCallbackQuery", lambda p: p["callback_query_id"] == query_id
    )
    assert answer.params["text"] == "Вы присоединились к договорённости №1."
    edit = await api.wait_for_call("editMessageText")
    assert edit.params["message_id"] == card["message_id"]
    assert "Carol" in edit.params["text"]
    assert "Agreement #1 recorded" in edit.params["text"]  # the card keeps Bob's language

    dave.says(group, "/agree", reply_to=offer)
    notice = await world.bot_reply(group, lambda m: "joined" in m["text"])
    assert notice["text"] == "You joined agreement #1."
    edit = await api.wait_for_call("editMessageText")
    assert "Dave" in edit.params["text"]

    [to_carol] = await mailbox.wait_for(to="carol@example.com", where=is_agreement)
    [to_dave] = await mailbox.wait_for(to="dave@example.com", where=is_agreement)
    assert header_digest(to_carol.message) == header_digest(to_dave.message)
    assert "Carol" in text_of(to_dave.message)  # the parties so far are named

    # Pressing again changes nothing and says so.
    again = carol.presses(card, "🤝 I agree")
    answer = await api.wait_for_call(
        "answerCallbackQuery", lambda p: p["callback_query_id"] == again
    )
    assert "уже" in answer.params["text"]
    await harness.mail_barrier()
    assert len(mailbox.to("carol@example.com")) == 2  # the code and one agreement


async def test_late_verification_releases_held_mail_once(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    alice = world.user("Alice", username=None, language_code="en")
    bob = world.user("Bob", username="bob", language_code="en")
    group = world.group("Repairs")

    first = alice.says(group, "Kitchen: 3 weeks")
    bob.says(group, "/agree", reply_to=first)
    card = await world.bot_reply(group)
    assert "https://t.me/agreements_test_bot?start=email" in links_in(card)
    second = alice.says(group, "Bathroom: 2 weeks")
    bob.says(group, "/agree", reply_to=second)
    await world.bot_reply(group)

    await harness.register(alice, "alice@example.com")
    held = await mailbox.wait_for(to="alice@example.com", count=2, where=is_agreement)
    subjects = sorted(mail.message["Subject"] for mail in held)
    assert subjects == [
        "Agreement #1 · Repairs · Kitchen: 3 weeks",
        "Agreement #2 · Repairs · Bathroom: 2 weeks",
    ]
    confirmation = [m for m in harness.api.bot_messages(alice.id) if "✅" in m.get("text", "")]
    assert "2 agreements that were waiting" in confirmation[-1]["text"]

    # Verifying again (a new address) sends nothing old twice.
    await harness.register(alice, "alice.new@example.com")
    await harness.mail_barrier()
    assert mailbox.to("alice.new@example.com") and all(
        not is_agreement(m.message) for m in mailbox.to("alice.new@example.com")
    )
    assert len([m for m in mailbox.to("alice@example.com") if is_agreement(m.message)]) == 2
