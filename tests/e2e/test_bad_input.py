"""Every kind of bad input gets a clear answer in the user's language and loses nothing."""

from __future__ import annotations

from tests.support.harness import Harness
from tests.support.mail_checks import assert_record_mail
from tests.support.mails import code_in, html_of
from tests.support.stored import counts
from tests.support.stories import agreement_mails


async def test_agree_without_reply_explains_usage(harness: Harness) -> None:
    world = harness.world
    group = world.group("Team")
    world.user("Ann", language_code="en").says(group, "/agree")
    assert "reply to the message with /agree" in (await world.bot_reply(group))["text"]
    world.user("Иван", language_code="ru").says(group, "/agree@agreements_test_bot")
    assert "ответьте на сообщение командой /agree" in (await world.bot_reply(group))["text"]


async def test_agree_in_private_chat_explains_groups(harness: Harness) -> None:
    ann = harness.world.user("Ann")
    ann.says_private("/agree")
    assert "group chats" in (await harness.world.bot_reply(ann))["text"]


async def test_things_that_cannot_be_agreed(harness: Harness, database_url: str) -> None:
    world = harness.world
    ann = world.user("Ann", language_code="en")
    group = world.group("Team")
    sticker = ann.sends_sticker(group)
    ann.says(group, "/agree", reply_to=sticker)
    assert "Only a message with text" in (await world.bot_reply(group))["text"]

    other_bot = world.other_bot("Helper", username="helper_bot")
    bot_post = other_bot.says(group, "Reminder: standup at 10")
    ann.says(group, "/agree", reply_to=bot_post)
    assert "sent by a bot" in (await world.bot_reply(group))["text"]

    joined = ann.adds(group, world.user("Ben"))
    ann.says(group, "/agree", reply_to=joined)
    assert "service message" in (await world.bot_reply(group))["text"]
    assert await counts(database_url) == (0, 0)


async def test_topic_message_without_reply_is_not_taken_for_a_reply(harness: Harness) -> None:
    world = harness.world
    ann = world.user("Ann", language_code="en")
    forum = world.group("Forum", forum=True)
    topic = ann.creates_topic(forum, "Contracts")
    ann.says(forum, "/agree", topic=topic)
    answer = await world.bot_reply(forum)
    assert "reply to the message with /agree" in answer["text"]
    assert answer.get("message_thread_id") == topic


async def test_email_mistakes_are_answered_in_the_users_language(harness: Harness) -> None:
    world = harness.world
    ivan = world.user("Иван", language_code="ru")
    ivan.says_private("/email ivan-at-example.com")
    assert "не похоже на email" in (await world.bot_reply(ivan))["text"]
    ivan.says_private("/verify 123456")
    assert "Нет кода" in (await world.bot_reply(ivan))["text"]
    ivan.says_private("/email")
    assert "нет подтверждённого email" in (await world.bot_reply(ivan))["text"]

    ann = world.user("Ann", language_code="en")
    ann.says_private("/email ann@example.com")
    await world.bot_reply(ann)
    [mail] = await harness.mailbox.wait_for(to="ann@example.com")
    real = code_in(mail.message)
    ann.says_private(f"/verify {(int(real) + 1) % 10**6:06d}")
    assert (await world.bot_reply(ann))["text"] == "Wrong code. 4 attempts left."
    ann.says_private("/verify 12")
    assert "6 digits" in (await world.bot_reply(ann))["text"]
    ann.says_private("/email")
    status = (await world.bot_reply(ann))["text"]
    assert "A code was sent to ann@example.com" in status and "MSK" in status


async def test_email_in_a_group_points_to_a_private_chat(harness: Harness) -> None:
    world = harness.world
    group = world.group("Team")
    world.user("Ann").says(group, "/email ann@example.com")
    answer = await world.bot_reply(group)
    [[button]] = answer["reply_markup"]["inline_keyboard"]
    assert button["url"] == "https://t.me/agreements_test_bot?start=email"
    assert "ann@example.com" not in answer["text"]
    await harness.mail_barrier()
    assert harness.mailbox.to("ann@example.com") == []  # nothing is sent from a group


async def test_hostile_and_unusual_text_is_kept_exactly_and_escaped(harness: Harness) -> None:
    world, mailbox = harness.world, harness.mailbox
    eve = world.user("<b>Eve</b> & Co", username=None, language_code="en")
    ann = world.user("Ann", username=None, language_code="en")
    group = world.group("Deals <i>& more</i>\r\nBcc: victim@example.com" + " very long" * 30)
    await harness.register(eve, "eve@example.com")
    await harness.register(ann, "ann@example.com")

    head = "Price <b>150 000</b> & 5% </pre> <script>x()</script> 🤝 שלום עולם\n"
    text = head + "x" * (4096 - len(head))
    offer = eve.says(group, text)
    ann.says(group, "/agree <u>Stage</u> & terms", reply_to=offer)
    card = await world.bot_reply(group)
    assert "<b>Eve</b> & Co" in card["text"]  # shown literally, not as bold
    assert "<u>Stage</u> & terms" in card["text"]

    [mail] = await agreement_mails(mailbox, "eve@example.com")
    assert_record_mail(mail, to="eve@example.com", text=text)
    message = mail.message
    html = html_of(message)
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>" not in html
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; Co" in html
    assert message["Bcc"] is None and "victim@example.com" not in str(message["To"])
    assert "\n" not in str(message["Subject"]) and "Bcc" in str(message["Subject"])


async def test_too_long_title_records_nothing_and_says_so(harness: Harness) -> None:
    world = harness.world
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Team")
    offer = ben.says(group, "Deal")
    ann.says(group, "/agree " + "T" * 201, reply_to=offer)
    assert (
        "The title is too long: at most 200 characters" in (await world.bot_reply(group))["text"]
    )
    ann.says(group, "/agree " + "T" * 200, reply_to=offer)
    assert "Agreement #1 recorded" in (await world.bot_reply(group))["text"]


async def test_an_anonymous_admin_is_asked_to_use_their_own_account(harness: Harness) -> None:
    world = harness.world
    group = world.group("Team")
    offer = world.user("Ben").says(group, "Deal")
    anonymous = world.other_bot("Group", username="GroupAnonymousBot")
    anonymous.says(group, "/agree", reply_to=offer)
    assert "anonymous admin" in (await world.bot_reply(group))["text"]


async def test_help_in_a_group_never_asks_for_an_address_there(harness: Harness) -> None:
    world = harness.world
    group = world.group("Team")
    world.user("Ann").says(group, "/help")
    answer = await world.bot_reply(group)
    # /help names /email, but as a command of the private chat, with no address to copy.
    text = answer["text"]
    assert "name@example.com" not in text
    assert text.index("In a private chat with me") < text.index("/email")
    [[button]] = answer["reply_markup"]["inline_keyboard"]
    assert button["url"] == "https://t.me/agreements_test_bot?start=email"
