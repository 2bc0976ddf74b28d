"""Chat text that looks like HTML reaches the edit-alert, amendment and deletion mails as
written: escaped in their HTML part, verbatim in their text part."""

from __future__ import annotations

from email.message import EmailMessage

from tests.support.harness import Harness
from tests.support.hostile_text import AGREED, CHAT, LATEST, TITLE, assert_escaped
from tests.support.mails import is_amendment, is_deletion, is_edit_alert, text_of
from tests.support.stories import connected


def assert_shown_as_written(message: EmailMessage, *payloads: str) -> None:
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert_escaped(text_of(message), html, payloads)


async def test_an_edit_and_its_amendment_mail_the_chats_text_as_written(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    alice, bob = world.user("Alice", language_code="en"), world.user("Bob", language_code="ru")
    group = world.group(CHAT)
    await harness.register(alice, "alice@example.com")
    await harness.register(bob, "bob@example.com")
    offer = bob.says(group, AGREED)
    alice.says(group, f"/agree {TITLE}", reply_to=offer)
    await world.bot_reply(group)

    bob.edits(offer, LATEST)
    alert = await world.bot_reply(group)
    for address in ("alice@example.com", "bob@example.com"):
        [mail] = await mailbox.wait_for(to=address, where=is_edit_alert)
        assert_shown_as_written(mail.message, TITLE, CHAT, AGREED, LATEST)

    alice.presses(alert, "✅ Accept new version")
    bob.presses(alert, "✅ Accept new version")
    for address in ("alice@example.com", "bob@example.com"):
        [mail] = await mailbox.wait_for(to=address, where=is_amendment)
        assert_shown_as_written(mail.message, TITLE, CHAT, LATEST)


async def test_a_deletion_mails_the_agreed_text_as_written(harness: Harness) -> None:
    _owner, client, connection, _hello = await connected(harness)
    offer = connection.client_says(client, AGREED)
    connection.owner_says(f"/agree {TITLE}", reply_to=offer)
    await harness.world.bot_reply(connection.chat(client), lambda m: "№1" in m["text"])
    connection.deletes([offer])
    for address in ("olga@example.com", "carl@example.com"):
        [mail] = await harness.mailbox.wait_for(to=address, where=is_deletion)
        assert_shown_as_written(mail.message, TITLE, AGREED)
