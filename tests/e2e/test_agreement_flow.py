"""The core story: register addresses, mark a message, both parties get the same record."""

from __future__ import annotations

import hashlib
import json

from tests.e2e.conftest import Harness, text_of


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

    [to_alice] = await mailbox.wait_for(to="alice@example.com", where=is_agreement)
    [to_bob] = await mailbox.wait_for(to="bob@example.com", where=is_agreement)
    for mail, subject in (
        (to_alice.message, "Договорённость №1 · Project X · Stage 1: price and deadline"),
        (to_bob.message, "Agreement #1 · Project X · Stage 1: price and deadline"),
    ):
        assert mail["Subject"] == subject
        assert mail["Auto-Submitted"] == "auto-generated"
        assert mail["Message-ID"].endswith("@agreements.test>")
        assert "We agreed: 150 000 for stage 1, due 15 December." in text_of(mail)
    assert to_alice.message["Message-ID"] != to_bob.message["Message-ID"]
    assert to_alice.recipients == ["alice@example.com"] and to_bob.recipients == [
        "bob@example.com"
    ]

    digests = {header_digest(m.message) for m in (to_alice, to_bob)}
    assert len(digests) == 1
    digest = digests.pop()
    for mail in (to_alice.message, to_bob.message):
        record = attachment(mail)
        assert hashlib.sha256(record).hexdigest() == digest
        assert digest in text_of(mail)
        document = json.loads(record)
        assert document["message"]["id"] == offer["message_id"]
        assert document["author"]["id"] == bob.id and document["marked_by"]["id"] == alice.id
    sent_at = offer["date"]
    from datetime import UTC, datetime

    shown = datetime.fromtimestamp(sent_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
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

    [to_anna] = await mailbox.wait_for(to="anna@example.com", where=is_agreement)
    [to_oleg] = await mailbox.wait_for(to="oleg@example.com", where=is_agreement)
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


def is_agreement(message) -> bool:
    """The agreement email itself (amendments carry a digest header too)."""
    subject = str(message["Subject"])
    return subject.startswith(("Agreement #", "Договорённость №"))


def header_digest(message) -> str:
    return str(message["X-Agreement-Digest"]).strip()


def attachment(message) -> bytes:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "application/json"]
    return part.get_payload(decode=True)
