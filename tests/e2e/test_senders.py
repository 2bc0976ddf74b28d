"""Forum topics, messages sent on behalf of a chat, forwards: what the record and email say."""

from __future__ import annotations

from tests.support.harness import Harness
from tests.support.mails import is_agreement, record_of, text_of


async def test_in_a_forum_topic_the_card_goes_to_the_topic_and_the_email_names_it(
    harness: Harness,
) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    forum = world.forum("Agency")
    await harness.register(ann, "ann@example.com")
    thread = ann.creates_topic(forum, "Website redesign")
    offer = ben.says(forum, "Design for 3 000 EUR", topic=thread)
    ann.says(forum, "/agree", reply_to=offer, topic=thread)
    card = await world.bot_reply(forum, lambda m: "Agreement #1" in m["text"], topic=thread)
    assert card["message_thread_id"] == thread
    [mail] = await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    assert "Topic: Website redesign" in text_of(mail.message)
    assert record_of(mail.message)["message"]["topic"] == "Website redesign"


async def test_an_anonymous_admins_message_is_authored_by_the_group(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann = world.user("Ann")
    group = world.group("Board")
    await harness.register(ann, "ann@example.com")
    decision = group.anonymous_admin_says("We pay 40% upfront")
    ann.says(group, "/agree", reply_to=decision)
    card = await world.bot_reply(group)
    assert "Agreement #1 recorded" in card["text"]
    [mail] = await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    record = record_of(mail.message)
    assert record["author"] == {
        "id": group.id,
        "name": "Board",
        "username": None,
        "kind": "chat",
    }
    assert [p["id"] for p in [record["marked_by"]]] == [ann.id]
    assert "posted as the group, by an anonymous admin" in text_of(mail.message)


async def test_a_channel_post_in_the_discussion_group_is_authored_by_the_channel(
    harness: Harness,
) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann = world.user("Ann")
    group = world.group("Discussion")
    await harness.register(ann, "ann@example.com")
    post = group.channel_post_in_discussion("Studio News", "Prices from 2027: +10%")
    ann.says(group, "/agree", reply_to=post)
    [mail] = await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    record = record_of(mail.message)
    assert (record["author"]["name"], record["author"]["kind"]) == ("Studio News", "channel")
    assert "posted as the channel" in text_of(mail.message)


async def test_a_forwarded_message_names_its_original_sender_and_date(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben, cleo = world.user("Ann"), world.user("Ben"), world.user("Cleo", "Stone")
    group = world.group("Team")
    private = world.group("Elsewhere")
    await harness.register(ann, "ann@example.com")
    original = cleo.says(private, "Supplier confirms delivery on May 3")
    forwarded = ben.forwards(group, original)
    ann.says(group, "/agree", reply_to=forwarded)
    [mail] = await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    origin = record_of(mail.message)["message"]["forwarded_from"]
    assert (origin["type"], origin["id"], origin["name"]) == ("user", cleo.id, "Cleo Stone")
    body = text_of(mail.message)
    assert "Forwarded from: Cleo Stone (@cleo)" in body


async def test_formatting_reaches_the_email_and_user_text_stays_text(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Format")
    await harness.register(ann, "ann@example.com")
    offer = ben.says(
        group,
        "<b>Total</b> <i>150 000</i> <s>120 000</s> <u>net</u> <code>INV-7</code> "
        '<tg-spoiler>secret</tg-spoiler> <a href="https://example.com/terms">terms</a> '
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        parse_mode="HTML",
    )
    ann.says(group, "/agree", reply_to=offer)
    [mail] = await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    html = mail.message.get_body(("html",)).get_content()
    for fragment in (
        "<b>Total</b>",
        "<i>150 000</i>",
        "<s>120 000</s>",
        "<u>net</u>",
        "INV-7</code>",
        '<a href="https://example.com/terms">terms</a>',
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    ):
        assert fragment in html, fragment
    assert "secret" in html and "tg-spoiler" not in html  # a spoiler shown plainly
    assert "<script>" not in html
    assert "<script>alert(1)</script>" in text_of(mail.message)  # plain text is the text
