"""One-to-one chats through Telegram Business: connection, marking, edits, deletions."""

from __future__ import annotations

from tests.support.harness import Harness
from tests.support.mail_checks import (
    assert_file_mailed,
    assert_file_recorded,
    assert_record_mail,
    assert_threaded,
)
from tests.support.mails import is_agreement, is_deletion, is_edit_alert, text_of
from tests.support.stories import agreement_mails, connected


async def test_connecting_tells_the_owner_how_to_mark_and_switching_off_says_so(
    harness: Harness,
) -> None:
    owner, _client, connection, hello = await connected(harness)
    assert "ответьте /agree" in hello["text"]  # the owner speaks Russian
    connection.disable()
    off = await harness.world.bot_reply(owner, lambda m: "отключено" in m["text"])
    assert "остаются в силе" in off["text"]


async def test_marking_editing_and_deleting_in_a_business_chat_reach_both_parties(
    harness: Harness,
) -> None:
    world, mailbox, api = harness.world, harness.mailbox, harness.api
    owner, client, connection, _hello = await connected(harness)
    chat = connection.chat(client)
    offer = connection.client_says(client, "I can do it for 150 000 by December 15")
    connection.owner_says("/agree Stage 1", reply_to=offer)
    card = await world.bot_reply(chat, lambda m: "№1" in m["text"])
    assert card["business_connection_id"] == connection.id
    assert "carl" not in card["text"].lower() or "Carl" in card["text"]

    for address in ("olga@example.com", "carl@example.com"):
        [mail] = await agreement_mails(mailbox, address)
        record = assert_record_mail(
            mail, to=address, text="I can do it for 150 000 by December 15"
        )
        assert record["chat"]["type"] == "business"
        assert {record["author"]["id"], record["marked_by"]["id"]} == {client.id, owner.id}

    client.edits(offer, "I can do it for 120 000 by December 15")
    await world.bot_reply(chat, lambda m: "отредактировано" in m["text"])
    for address in ("olga@example.com", "carl@example.com"):
        [alert] = await mailbox.wait_for(to=address, where=is_edit_alert)
        assert "120 000" in text_of(alert.message)

    connection.deletes([offer])
    notice = await world.bot_reply(chat, lambda m: "удалено" in m["text"])
    assert "№1" in notice["text"]
    for address in ("olga@example.com", "carl@example.com"):
        [gone] = await mailbox.wait_for(to=address, where=is_deletion)
        [agreement] = [m for m in mailbox.to(address) if is_agreement(m.message)]
        assert_threaded(gone.message, agreement.message)
        assert "150 000" in text_of(gone.message)  # the record stands
    assert api.errors == []


async def test_without_the_reply_right_the_owner_is_answered_privately(
    harness: Harness,
) -> None:
    world, mailbox = harness.world, harness.mailbox
    owner, client, connection, hello = await connected(harness, can_reply=False)
    assert "отвечаю здесь" in hello["text"]
    offer = connection.client_says(client, "Deal: 10 pages for 5 000")
    connection.owner_says("/agree", reply_to=offer)
    private = await world.bot_reply(owner, lambda m: "№1" in m["text"])
    assert "Carl" in private["text"]  # says which chat it is about
    assert [m for m in harness.api.bot_messages(connection.chat(client).key)] == []
    await mailbox.wait_for(to="carl@example.com", where=is_agreement)

    connection.deletes([offer])
    await world.bot_reply(owner, lambda m: "удалено" in m["text"])
    await mailbox.wait_for(to="olga@example.com", where=is_deletion)


async def test_a_captioned_document_in_a_business_chat_is_attached(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    _owner, client, connection, _hello = await connected(harness)
    contract = b"%PDF-1.7 contract" * 100
    chat = connection.chat(client)
    document = client.sends_document(chat, contract, file_name="contract.pdf", caption="Signed")
    connection.owner_says("/agree", reply_to=document)
    await world.bot_reply(chat, lambda m: "№1" in m["text"])
    [mail] = await agreement_mails(mailbox, "carl@example.com")
    assert_file_mailed(mail.message, contract, name="contract.pdf", content_type="application/pdf")
    assert_file_recorded(assert_record_mail(mail, to="carl@example.com", text="Signed"), contract)

    connection.owner_says("/agree", reply_to=document)  # again: nothing new to fetch
    await world.bot_reply(chat, lambda m: "уже сторона" in m["text"])
    assert harness.api.download_count(document["document"]["file_id"]) == 1
