"""The core story: register addresses, mark a message, both parties get the same record."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.harness import Harness
from tests.support.mail_checks import assert_record_mail
from tests.support.mails import header_digest, text_of
from tests.support.stories import agreement_mails


async def test_two_parties_register_and_one_marks_the_others_message(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    alice = world.user("Alice", "Smith", username="alice", language_code="ru")
    bob = world.user("Bob", username="bob_builder", language_code="en")
    group = world.group("Project X")
    await harness.register(alice, "alice@example.com")
    await harness.register(bob, "bob@example.com")

    offer = bob.says(group, "We agreed: 150 000 for stage 1, due 15 December.")
    alice.says(group, "/agree Stage 1: price and deadline", reply_to=offer)

    card = await world.bot_reply(group)
    assert card["reply_to_message"]["message_id"] == offer["message_id"]
    assert "Договорённость №1 зафиксирована" in card["text"]  # Alice writes in Russian
    assert "Alice Smith (@alice)" in card["text"] and "Bob (@bob_builder)" in card["text"]
    buttons = card["reply_markup"]["inline_keyboard"][0]
    assert buttons[0]["text"] == "🤝 Согласен"

    to_alice, to_bob = await agreement_mails(mailbox, "alice@example.com", "bob@example.com")
    agreed = {
        "text": "We agreed: 150 000 for stage 1, due 15 December.",
        "author": bob.id,
        "marked_by": alice.id,
        "message_id": offer["message_id"],
    }
    about = "Project X · Stage 1: price and deadline"
    assert_record_mail(
        to_alice, to="alice@example.com", subject=f"Договорённость №1 · {about}", **agreed
    )
    assert_record_mail(to_bob, to="bob@example.com", subject=f"Agreement #1 · {about}", **agreed)
    assert to_alice.message["Message-ID"] != to_bob.message["Message-ID"]
    assert header_digest(to_alice.message) == header_digest(to_bob.message)  # one record
    shown = datetime.fromtimestamp(offer["date"], UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert shown in text_of(to_bob.message)


async def test_parties_with_one_language_get_the_same_bytes(harness: Harness) -> None:
    """Only the routing headers differ: each party can hold theirs against the other's."""
    world, mailbox = harness.world, harness.mailbox
    anna = world.user("Анна", username="anna", language_code="ru")
    oleg = world.user("Олег", username="oleg", language_code="ru")
    group = world.group("Ремонт")
    await harness.register(anna, "anna@example.com")
    await harness.register(oleg, "oleg@example.com")
    offer = oleg.says(group, "Смета 150 000 ₽, срок 15 декабря.")
    anna.says(group, "/agree", reply_to=offer)

    to_anna, to_oleg = await agreement_mails(mailbox, "anna@example.com", "oleg@example.com")
    routing = {}
    for mail in (to_anna, to_oleg):
        headers, separator, _ = mail.raw.partition(b"\r\nContent-Type: multipart/mixed")
        assert separator, mail.raw[:400]
        routing[mail.recipients[0]] = headers
        assert text_of(mail.message).startswith("Здравствуйте!\n")  # no name: the same
    assert (
        to_anna.raw.partition(b"\r\nContent-Type:")[2]
        == (to_oleg.raw.partition(b"\r\nContent-Type:")[2])
    )
    assert b"To: anna@example.com" in routing["anna@example.com"]
    assert b"To: oleg@example.com" in routing["oleg@example.com"]
    assert to_anna.message["Message-ID"] != to_oleg.message["Message-ID"]
