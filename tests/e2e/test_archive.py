"""A chat's archive address: only administrators set it, privately, with a code mailed to
it; it gets a copy of every record, alert and amendment of the chat, one thread per
agreement, in the language of whoever set it; a removal stops the next mail at once, and
the group never sees the address."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.db.models import ChatArchive, Mail, MailStatus
from tests.botapi.scenario import Group, Person
from tests.support.archives import (
    chooses_chat,
    is_archive_code,
    requests_code,
    sets_archive,
    start_link,
)
from tests.support.eventually import eventually
from tests.support.harness import Harness
from tests.support.mails import is_agreement, is_amendment, is_edit_alert, record_of, text_of
from tests.support.stored import session_on
from tests.support.stories import agreement_mails

ARCHIVE = "crm@example.com"


def _not_a_code(message: Any) -> bool:
    return not is_archive_code(message)


def _never_shown(harness: Harness, group: Group) -> None:
    """Nothing the bot posted in the group names the archive (not even its domain's user)."""
    for message in harness.api.bot_messages(group.id):
        shown = str(message.get("text", "")) + str(message.get("reply_markup", ""))
        assert "crm@" not in shown.lower() and ARCHIVE not in shown


async def _marked(
    harness: Harness, group: Group, marker: Person, author: Person, text: str
) -> None:
    offer = author.says(group, text)
    marker.says(group, "/agree", reply_to=offer)
    await harness.world.bot_reply(group, lambda m: "reply_markup" in m)


async def test_a_member_who_administers_nothing_cannot_set_it(harness: Harness) -> None:
    world = harness.world
    bob = world.user("Bob", language_code="ru")
    group = world.group("Supplies")
    bob.says(group, "/archive")
    reply = await world.bot_reply(group)
    assert "reply_markup" not in reply  # no way on to the private chat
    assert "нет адреса-архива" in reply["text"]
    assert "Задать или удалить его могут только администраторы чата." in reply["text"]

    # The link is anyone's to type: the private chat asks Telegram again.
    bob.says_private(f"/start archive{group.id}")
    refused = await world.bot_reply(bob)
    assert (
        refused["text"] == "Задать или удалить адрес-архив чата могут только его администраторы."
    )
    bob.says_private(f"/archive {ARCHIVE}")
    assert (await world.bot_reply(bob))["text"].startswith("Сначала выберите чат")
    # A made-up button press removes nothing either.
    bob.says_private("/archive")
    answer = await world.bot_reply(bob)
    assert "нет адреса-архива" in answer["text"] and "reply_markup" not in answer
    query = bob.sends_callback(answer, f"archive-rm:{group.id}")
    call = await harness.api.wait_for_call(
        "answerCallbackQuery", lambda params: params["callback_query_id"] == query
    )
    assert call.params["text"] == refused["text"]
    await harness.mail_barrier()
    assert harness.mailbox.to(ARCHIVE) == []


async def test_an_administrator_demoted_meanwhile_is_refused_at_once(
    harness: Harness, database_url: str
) -> None:
    world = harness.world
    alice = world.user("Alice", language_code="en")
    group = world.group("Supplies", owner=alice)
    await chooses_chat(harness, alice, group)
    code = await requests_code(harness, alice, ARCHIVE)

    alice.is_member_of(group, "member")  # no update: only asking Telegram tells
    alice.says_private(f"/archive {code}")
    refused = await world.bot_reply(alice)
    assert (
        refused["text"]
        == "Only administrators of that chat can set or remove its archive address."
    )
    alice.says_private("/archive other@example.com")
    assert (await world.bot_reply(alice))["text"] == refused["text"]
    async with session_on(database_url) as session:
        assert list(await session.scalars(select(ChatArchive))) == []
    await harness.mail_barrier()
    assert harness.mailbox.to("other@example.com") == []


async def test_the_code_sets_it_and_the_group_never_sees_the_address(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    alice = world.user("Alice", language_code="en")
    bob = world.user("Bob", language_code="ru")
    group = world.group("Supplies", owner=alice)
    alice.says(group, "/archive")
    answer = await world.bot_reply(group)
    assert start_link(answer) == f"archive{group.id}"
    assert "This chat has no archive address." in answer["text"]
    alice.says_private(f"/start archive{group.id}")
    chosen = await world.bot_reply(alice)
    assert "Archive address of «Supplies»" in chosen["text"] and "None is set." in chosen["text"]

    alice.says_private("/archive CRM@Example.com")
    sent = await world.bot_reply(alice)
    assert "I've sent a 6-digit code to crm@example.com to make it" in sent["text"]
    [code_mail] = await mailbox.wait_for(to=ARCHIVE, where=is_archive_code)
    # Nothing in it is anyone's to choose: not even the chat's title.
    assert "Supplies" not in code_mail.raw.decode() and "Alice" not in code_mail.raw.decode()
    code = text_of(code_mail.message).split("/archive ")[1][:6]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    alice.says_private(f"/archive {wrong}")
    assert (await world.bot_reply(alice))["text"] == "Wrong code. 4 attempts left."
    alice.says_private(f"/archive {code}")
    done = await world.bot_reply(alice)
    assert done["text"].startswith("✅ crm@example.com is now the archive address of «Supplies».")
    notice = await world.bot_reply(group)
    assert notice["text"].startswith("🗄 An administrator set an archive address for this chat.")

    alice.says_private("/archive")
    listing = await world.bot_reply(alice)
    assert "«Supplies»: crm@example.com, set " in listing["text"]
    [[remove]] = listing["reply_markup"]["inline_keyboard"]
    assert remove["text"] == "Remove: Supplies"

    # A member who administers nothing asks in the group: told there is one, not which.
    bob.says(group, "/archive")
    told = await world.bot_reply(group)
    assert "У этого чата есть адрес-архив" in told["text"]

    await harness.register(alice, "alice@example.com")
    await _marked(harness, group, alice, bob, "Price 150 000")
    [alices] = await agreement_mails(mailbox, "alice@example.com")
    [copy] = await mailbox.wait_for(to=ARCHIVE, where=is_agreement)
    assert str(copy.message["Subject"]) == "Agreement #1 · Supplies · Price 150 000"
    assert copy.message["In-Reply-To"] is None  # it starts the agreement's thread
    assert record_of(copy.message) == record_of(alices.message)
    _never_shown(harness, group)


async def test_a_mark_an_edit_alert_and_an_amendment_each_reach_the_archive_in_one_thread(
    harness: Harness,
) -> None:
    world, mailbox = harness.world, harness.mailbox
    olga = world.user("Olga", language_code="ru")
    alice = world.user("Alice", language_code="en")
    bob = world.user("Bob", language_code="ru")
    group = world.group("Поставки", owner=olga)
    await sets_archive(harness, olga, group, ARCHIVE)
    await harness.register(alice, "alice@example.com")
    await harness.register(bob, "bob@example.com")

    offer = bob.says(group, "We agreed on 150 000 for stage 1")
    alice.says(group, "/agree", reply_to=offer)
    await world.bot_reply(group, lambda m: "reply_markup" in m)
    bob.edits(offer, "We agreed on 120 000 for stage 1")
    alert = await world.bot_reply(group, lambda m: "Accept" in str(m.get("reply_markup")))
    alice.presses(alert, "✅ Accept new version")
    bob.presses(alert, "✅ Accept new version")
    await world.bot_reply(group, lambda m: "Amendment #1.1" in m.get("text", ""))

    copies = await mailbox.wait_for(to=ARCHIVE, count=3, where=_not_a_code)
    [agreement] = [m.message for m in copies if is_agreement(m.message)]
    [edited] = [m.message for m in copies if is_edit_alert(m.message)]
    [amended] = [m.message for m in copies if is_amendment(m.message)]
    # In the language of whoever set it; the chat and the label in every subject.
    assert str(agreement["Subject"]).startswith("Договорённость №1 · Поставки · ")
    assert str(edited["Subject"]).startswith("Изменено: договорённость №1 · Поставки · ")
    assert str(amended["Subject"]).startswith("Изменение договорённости №1.1 · Поставки · ")
    # One thread: the alert and the amendment answer the archive's agreement mail.
    assert edited["In-Reply-To"] == agreement["Message-ID"]
    assert amended["In-Reply-To"] == agreement["Message-ID"]
    assert record_of(amended)["number"] == "1.1"
    # The parties got theirs as before, each in their own thread.
    for address in ("alice@example.com", "bob@example.com"):
        await mailbox.wait_for(to=address, where=is_amendment)
    _never_shown(harness, group)


@pytest.mark.expected_errors("mail deferred")
async def test_removal_stops_the_next_mail_and_withdraws_the_waiting_one(
    harness: Harness, database_url: str
) -> None:
    world, mailbox = harness.world, harness.mailbox
    alice = world.user("Alice", language_code="en")
    bob = world.user("Bob", language_code="en")
    group = world.group("Supplies", owner=alice)
    await sets_archive(harness, alice, group, ARCHIVE)
    await harness.register(alice, "alice@example.com")

    mailbox.reject[ARCHIVE] = "451 4.3.0 try again later"
    await _marked(harness, group, alice, bob, "Price 150 000")
    await agreement_mails(mailbox, "alice@example.com")

    async def archive_copy() -> Mail | None:
        async with session_on(database_url) as session:
            return await session.scalar(select(Mail).where(Mail.topic.startswith("archive:")))

    async def put_off() -> bool:
        copy = await archive_copy()
        return copy is not None and copy.attempts > 0

    await eventually(put_off, what="the archive's copy put off by the server")

    alice.says_private("/archive")
    listing = await world.bot_reply(alice)
    alice.presses(listing, "Remove: Supplies")
    removed = await world.bot_reply(alice)
    assert removed["text"].startswith("The archive address of «Supplies» is removed")
    notice = await world.bot_reply(group, lambda m: "🗄" in m.get("text", ""))
    assert "removed this chat's archive address" in notice["text"]
    withdrawn = await archive_copy()
    assert withdrawn is not None and withdrawn.status is MailStatus.FAILED
    assert (withdrawn.last_error or "").startswith("withdrawn")

    del mailbox.reject[ARCHIVE]
    await _marked(harness, group, alice, bob, "Price 90 000")
    await mailbox.wait_for(to="alice@example.com", count=2, where=is_agreement)
    await harness.mail_barrier()
    assert [m for m in mailbox.to(ARCHIVE) if not is_archive_code(m.message)] == []
    alice.says(group, "/archive")
    assert "This chat has no archive address." in (await world.bot_reply(group))["text"]
    _never_shown(harness, group)
