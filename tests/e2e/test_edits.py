"""Edits of an agreed message: alerts in the chat, threaded emails, amendments."""

from __future__ import annotations

import pytest

from tests.support.bot_in_process import bot_settings, running_bot
from tests.support.harness import Harness, running_harness
from tests.support.mail_checks import assert_amendment_mail, assert_edit_alert_mail
from tests.support.mails import is_agreement, is_amendment, is_edit_alert, text_of
from tests.support.stored import stored_versions
from tests.support.stories import agreed_between, agreement_mails, amended_between


async def test_an_edit_raises_a_chat_alert_and_threaded_emails(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    alice, bob, group, offer, _card = await agreed_between(harness)

    bob.edits(offer, "We agreed on 120 000 for stage 1")
    alert = await world.bot_reply(group)
    assert alert["reply_to_message"]["message_id"] == offer["message_id"]
    assert "The message of agreement #1 was edited" in alert["text"]  # Alice's card language
    assert "stays the original one, emailed to the parties on 20" in alert["text"]
    buttons = [b["text"] for b in alert["reply_markup"]["inline_keyboard"][0]]
    assert buttons == ["🔍 Show changes", "✅ Accept new version"]

    for address in ("alice@example.com", "bob@example.com"):
        [agreement] = await agreement_mails(mailbox, address)
        [edit] = await mailbox.wait_for(to=address, where=is_edit_alert)
        assert_edit_alert_mail(
            edit.message,
            replying_to=agreement.message,
            old="We agreed on 150 000 for stage 1",
            new="We agreed on 120 000 for stage 1",
            diff="[-150-]{+120+}",
        )
    assert str(mailbox.to("alice@example.com")[-1].message["Subject"]).startswith(
        "Edited: Agreement #1 · Supplies"
    )
    assert str(mailbox.to("bob@example.com")[-1].message["Subject"]).startswith(
        "Изменено: договорённость №1"
    )

    query = alice.presses(alert, "🔍 Show changes")
    answer = await harness.api.wait_for_call(
        "answerCallbackQuery", lambda p: p["callback_query_id"] == query
    )
    assert "[-150-]{+120+}" in answer.params["text"]


async def test_an_edit_that_changes_nothing_is_ignored(
    harness: Harness, database_url: str
) -> None:
    world, mailbox = harness.world, harness.mailbox
    _alice, bob, group, offer, _card = await agreed_between(harness)
    bob.edits(offer, offer["text"])  # a re-save, a link preview, a reaction...
    bob.says(group, "/agreements")  # the next thing the bot says is the list
    listing = await world.bot_reply(group)
    assert "Договорённости чата" in listing["text"]  # Bob asked, in Russian
    await harness.mail_barrier()
    assert [m for m in mailbox.received if is_edit_alert(m.message)] == []
    assert await stored_versions(database_url) == 0

    bob.edits(offer, "<b>We</b> agreed on 150 000 for stage 1", parse_mode="HTML")
    alert = await world.bot_reply(group)  # the same words, now bold: that is a change
    assert "was edited" in alert["text"]
    assert await stored_versions(database_url) == 1


@pytest.mark.bot_settings(edit_alert_coalesce_seconds=1)
async def test_a_burst_of_edits_gives_one_alert_and_one_email(harness: Harness) -> None:
    world, api, mailbox = harness.world, harness.api, harness.mailbox
    _alice, bob, group, offer, _card = await agreed_between(harness)
    bob.edits(offer, "We agreed on 140 000 for stage 1")
    alert = await world.bot_reply(group)
    bob.edits(offer, "We agreed on 130 000 for stage 1")
    bob.edits(offer, "We agreed on 120 000 for stage 1, no advance")
    update = await api.wait_for_call("editMessageText", lambda p: "3 times" in p["text"])
    assert update.params["message_id"] == alert["message_id"]

    [mail] = await mailbox.wait_for(to="alice@example.com", where=is_edit_alert)
    body = text_of(mail.message)
    for step in ("[-150-]{+140+}", "[-140-]{+130+}", "[-130-]{+120+}"):  # each edit's own change
        assert step in body
    await harness.mail_barrier()
    assert len([m for m in mailbox.to("bob@example.com") if is_edit_alert(m.message)]) == 1
    assert [m for m in api.bot_messages(group.id) if "edited" in m.get("text", "")] == [
        api.message(group.id, alert["message_id"])
    ]


async def test_every_party_accepting_makes_an_amendment(harness: Harness) -> None:
    world, api, mailbox = harness.world, harness.api, harness.mailbox
    alice, bob, group, offer, _card = await agreed_between(harness)
    bob.edits(offer, "We agreed on 120 000 for stage 1")
    alert = await world.bot_reply(group)

    outsider = world.user("Eve")
    query = outsider.presses(alert, "✅ Accept new version")
    answer = await api.wait_for_call(
        "answerCallbackQuery", lambda p: p["callback_query_id"] == query
    )
    assert "Only the parties" in answer.params["text"]

    alice.presses(alert, "✅ Accept new version")
    answer = await api.wait_for_call("answerCallbackQuery")
    assert answer.params["text"] == "Accepted. Waiting for: Bob."
    bob.presses(alert, "✅ Accept new version")  # the alert speaks Alice's language
    notice = await world.bot_reply(group, lambda m: "Amendment #1.1" in m.get("text", ""))
    assert "every party accepted" in notice["text"]

    carol = world.user("Carol")  # joins after everyone accepted, then presses Accept too
    carol.is_member_of(group)
    carol.presses(_card, "🤝 I agree")
    await api.wait_for_call("answerCallbackQuery")
    late = carol.presses(alert, "✅ Accept new version")
    answer = await api.wait_for_call(
        "answerCallbackQuery", lambda p: p["callback_query_id"] == late
    )
    assert answer.params["text"] == "This version is already amendment #1.1."

    [agreement] = await agreement_mails(mailbox, "bob@example.com")
    [amendment] = await mailbox.wait_for(to="bob@example.com", where=is_amendment)
    assert_amendment_mail(
        amendment.message, replacing=agreement.message, text="We agreed on 120 000 for stage 1"
    )


async def test_an_edit_after_a_restart_is_still_caught(api, mailbox, database_url: str) -> None:
    settings = bot_settings(api, mailbox, database_url)
    async with running_harness(settings, api, mailbox) as harness:
        _alice, bob, group, offer, _card = await agreed_between(harness)
    async with running_bot(settings, api):
        bob.edits(offer, "We agreed on 99 000 for stage 1")
        alert = await harness.world.bot_reply(group)
        assert "was edited" in alert["text"]
        await mailbox.wait_for(to="alice@example.com", where=is_edit_alert)
    # Nothing handled before the restart was handled again after it.
    assert not [m for m in api.bot_messages(group.id) if "already a party" in m.get("text", "")]
    assert api.errors == []


@pytest.mark.privacy_mode
async def test_first_agree_warns_when_the_bot_cannot_see_edits(harness: Harness) -> None:
    world = harness.world
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Private mode")
    ann.says(group, "/agree", reply_to=ben.says(group, "Deal"))
    card = await world.bot_reply(group)
    assert "I can't see edits in this chat" in card["text"]
    ann.says(group, "/agree", reply_to=ben.says(group, "Second deal"))
    assert "I can't see edits" not in (await world.bot_reply(group))["text"]

    admin_group = world.group("Admin mode")
    harness.api.set_chat_member_status(admin_group.id, harness.api.bot_user["id"], "administrator")
    ann.says(admin_group, "/agree", reply_to=ben.says(admin_group, "Deal"))
    assert "I can't see edits" not in (await world.bot_reply(admin_group))["text"]


async def test_history_lists_and_private_lists_show_what_happened(harness: Harness) -> None:
    world = harness.world
    alice, bob, group, offer, _alert = await amended_between(harness)

    alice.says(group, "/history 1")
    history = (await world.bot_reply(group))["text"]
    assert "History of agreement #1" in history
    assert "We agreed on 150 000 for stage 1" in history  # the original
    assert "Edit 1" in history and "150" in history and "120" in history
    assert "Amendment #1.1: edit 1 accepted by every party" in history
    alice.says(group, "/history 7")
    assert "no agreement #7" in (await world.bot_reply(group))["text"]

    alice.says(group, "/agreements")
    assert "amended: #1.1" in (await world.bot_reply(group))["text"]
    bob.edits(offer, "We agreed on 110 000 for stage 1")  # edited again, not accepted
    await world.bot_reply(group, lambda m: "was edited" in m.get("text", ""))
    alice.says(group, "/agreements")
    assert "amended: #1.1, edited 1 time since" in (await world.bot_reply(group))["text"]

    bob.says_private("/agreements")  # Bob writes in Russian
    mine = (await world.bot_reply(bob))["text"]
    assert "Ваши договорённости" in mine and "Supplies" in mine and "изменена: №1.1" in mine
    stranger = world.user("Stranger")
    stranger.says_private("/agreements")
    assert "not a party to any agreement" in (await world.bot_reply(stranger))["text"]


async def test_an_edit_before_marking_shows_in_the_agreement_email(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Early")
    await harness.register(ann, "ann@example.com")
    offer = ben.says(group, "Price 170 000")
    ben.edits(offer, "Price 150 000")  # before anyone marked it
    ann.says(group, "/agree", reply_to=offer)
    await world.bot_reply(group)
    [mail] = await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    body = text_of(mail.message)
    assert "edited before it was marked" in body
    assert "Earlier versions seen by the bot" in body and "Price 170 000" in body
    original = body.split("Earlier versions")[0]
    assert "Price 150 000" in original and "Price 170 000" not in original


async def test_an_alert_never_claims_mail_that_was_not_sent(harness: Harness) -> None:
    world = harness.world
    ann, ben = world.user("Ann"), world.user("Ben")  # neither has an address
    group = world.group("No mail")
    offer = ben.says(group, "Price 100")
    ann.says(group, "/agree", reply_to=offer)
    await world.bot_reply(group)
    ben.edits(offer, "Price 90")
    alert = await world.bot_reply(group)
    assert "stays the original one, recorded on 20" in alert["text"]
    assert "emailed" not in alert["text"]
