"""A party invites a counterpart by email with /agree client@example.com in a group: the
command is deleted where the bot may (the answer shows the address masked), the message is
marked, and the invitation arrives with its confirm and refuse links, once per agreement
and address, never to an address that refused the bot's mail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import Agreement, JournalEntry, Mail
from tests.botapi import BotAPIServer
from tests.support.eventually import eventually
from tests.support.invitations import (
    SIGNER,
    bot_may_delete,
    email_parties,
    link_tokens,
    refused_by_owner,
)
from tests.support.mailbox import Mailbox
from tests.support.mails import file_parts, is_invitation, record_bytes, text_of
from tests.support.site import Site, serving
from tests.support.stored import session_on
from tests.support.stories import connected
from tests.support.tsa import LocalTsa

OFFER = "Stage 1: 150 000 RUB, due 15 December."
CLIENT = "Client@Example.com"


def answered(*words: str):
    return lambda m: any(word in m.get("text", "") for word in words)


async def test_an_address_typed_in_a_group_is_deleted_and_invited(
    site: Site, database_url: str
) -> None:
    harness, api = site.harness, site.harness.api
    ann = harness.world.user("Ann", "Lee", username="ann", language_code="en")
    ben = harness.world.user("Ben", username="ben", language_code="ru")
    group = harness.world.group("Kitchen renovation")
    bot_may_delete(api, group)
    offer = ben.says(group, OFFER)
    command = ann.says(group, f"/agree {CLIENT}", reply_to=offer)

    answer = await harness.world.bot_reply(group, answered("Invitation mailed"))
    text = answer["text"]
    assert "c…@example.com" in text and "I deleted your message" in text
    assert "client@" not in text.lower()
    assert answer["reply_to_message"]["message_id"] == offer["message_id"]
    [deleted] = api.calls("deleteMessage")
    assert deleted.params["message_id"] == command["message_id"]

    [mail] = await harness.mailbox.wait_for(to="client@example.com", where=is_invitation)
    message = mail.message
    # No chat title in the subject: whoever invites names the chat.
    assert str(message["Subject"]) == "Please confirm agreement #1"
    # Like every mail but a code's, a way out: one-click, and said in the footer.
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"<{site.base_url}/u/" in str(message["List-Unsubscribe"])
    assert "/unsubscribe" in text_of(message)
    assert OFFER in text_of(message)
    assert "Ann Lee" in text_of(message) and "Ben" in text_of(message)
    [party] = await email_parties(database_url)
    assert (party.address, party.language) == ("client@example.com", "en")
    confirm, refuse = link_tokens(message, site.base_url)
    now = party.added_at
    assert SIGNER.read(confirm, "confirm", now) == str(party.id)
    assert SIGNER.read(refuse, "refuse", now) == str(party.id)
    async with session_on(database_url) as session:
        agreement = await session.scalar(select(Agreement))
        journal = list(await session.scalars(select(JournalEntry.text)))
    assert agreement is not None and record_bytes(message) == agreement.record
    assert not any("example.com" in (text or "") for text in journal)  # never kept

    # Again: the same address is invited once per agreement.
    ann.says(group, f"/agree {CLIENT}", reply_to=offer)
    again = await harness.world.bot_reply(group, answered("already invited"))
    assert "c…@example.com" in again["text"]
    await harness.mail_barrier()
    assert len(harness.mailbox.to("client@example.com")) == 1
    assert len(await email_parties(database_url)) == 1


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_where_the_bot_may_not_delete_it_says_the_address_is_visible(
    site: Site, database_url: str, language: str
) -> None:
    harness = site.harness
    ann = harness.world.user("Ann", language_code=language)
    ben = harness.world.user("Ben", language_code="en")
    group = harness.world.group("Office")
    offer = ben.says(group, OFFER)
    ann.says(group, "/agree client@example.com Stage 1", reply_to=offer)

    answer = await harness.world.bot_reply(group, answered("c…@example.com"))
    if language == "ru":
        assert "Приглашение отправлено" in answer["text"]
        assert "видят все участники чата" in answer["text"]
    else:
        assert "Everyone in this chat can see the address" in answer["text"]
        assert "Add by email" in answer["text"]
    assert harness.api.calls("deleteMessage") == []
    [mail] = await harness.mailbox.wait_for(to="client@example.com", where=is_invitation)
    subject = str(mail.message["Subject"])
    assert subject.startswith("Подтвердите" if language == "ru" else "Please confirm")
    [party] = await email_parties(database_url)
    assert party.language == language


async def test_an_address_that_refused_the_bot_gets_no_invitation(
    site: Site, database_url: str
) -> None:
    harness = site.harness
    ann = harness.world.user("Ann")
    ben = harness.world.user("Ben")
    group = harness.world.group("Office")
    await refused_by_owner(database_url, "client@example.com", sender_id=ben.id)
    ann.says(group, "/agree client@example.com", reply_to=ben.says(group, OFFER))

    answer = await harness.world.bot_reply(group, answered("refused mail"))
    assert "c…@example.com" in answer["text"]
    await harness.mail_barrier()
    assert harness.mailbox.to("client@example.com") == []
    assert await email_parties(database_url) == []


async def test_a_bad_address_still_marks_and_invites_nobody(site: Site, database_url: str) -> None:
    harness = site.harness
    ann = harness.world.user("Ann")
    ben = harness.world.user("Ben")
    group = harness.world.group("Office")
    ann.says(group, "/agree client@example", reply_to=ben.says(group, OFFER))

    await harness.world.bot_reply(group, answered("Agreement #1 recorded"))
    answer = await harness.world.bot_reply(group, answered("not an email address"))
    assert "client@example" not in answer["text"]
    assert await email_parties(database_url) == []


async def test_in_a_business_chat_the_owner_invites_and_the_address_is_no_title(
    site: Site, database_url: str
) -> None:
    harness = site.harness
    owner, client, connection, _hello = await connected(harness)
    offer = connection.client_says(client, "I can do it for 150 000 by December 15")
    connection.owner_says("/agree carl.work@example.com Stage 1", reply_to=offer)

    card = await harness.world.bot_reply(connection.chat(client), answered("№1"))
    assert "c…@example.com" in card["text"] and "carl.work@" not in card["text"]
    [mail] = await harness.mailbox.wait_for(to="carl.work@example.com", where=is_invitation)
    assert str(mail.message["Subject"]).startswith("Подтвердите")  # Olga speaks Russian
    [party] = await email_parties(database_url)
    assert party.added_by_id == owner.id
    async with session_on(database_url) as session:
        agreement = await session.scalar(select(Agreement))
    assert agreement is not None and agreement.title == "Stage 1"


async def test_an_invitation_waits_for_the_records_timestamp_and_carries_it(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, tsa: LocalTsa
) -> None:
    tsa.stall()
    async with serving(api, mailbox, database_url, tsa_url=tsa.url) as site:
        harness = site.harness
        ann, ben = harness.world.user("Ann"), harness.world.user("Ben")
        group = harness.world.group("Office")
        ann.says(group, "/agree client@example.com", reply_to=ben.says(group, OFFER))
        await harness.world.bot_reply(group, answered("Invitation mailed"))
        await harness.mail_barrier()
        assert harness.mailbox.to("client@example.com") == []  # held for the timestamp

        tsa.accept()
        [mail] = await harness.mailbox.wait_for(to="client@example.com", where=is_invitation)
        [(name, token)] = file_parts(mail.message, "application/timestamp-reply")
        assert name == f"agreement-{group.id}-1.tsr" and token

        async def wiped() -> bool:  # its signed links are not kept once it is sent
            async with session_on(database_url) as session:
                raw = await session.scalar(select(Mail.raw).where(Mail.kind == "invitation"))
            return raw == b""

        await eventually(wiped, what="the sent invitation's bytes wiped")
