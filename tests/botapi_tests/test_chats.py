"""Forum topics, chats speaking for themselves (anonymous admins, channels) and forwards."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)

from tests.botapi import BotAPIServer, Group, Person, TelegramWorld
from tests.botapi.forwards import hidden_user_origin

from .support import downloaded, parsed, rejected


def as_update(message: dict[str, object], key: str = "message") -> dict[str, object]:
    return {"update_id": 1, key: message}


async def test_forum_topics_thread_messages_and_bot_answers(
    server: BotAPIServer, bot: Bot, world: TelegramWorld, alice: Person
) -> None:
    forum = world.forum("Contracts")
    assert forum.chat["is_forum"] is True
    topic = alice.creates_topic(forum, "Stage 1")
    asked = alice.says(forum, "/agree here", topic=topic)
    message = parsed(as_update(asked), bot).message
    assert message and (message.message_thread_id, message.is_topic_message) == (topic, True)
    root = message.reply_to_message
    assert root and root.message_id == topic and root.forum_topic_created
    assert root.forum_topic_created.name == "Stage 1"
    reply = alice.says(forum, "/agree this", reply_to=asked)
    assert reply["message_thread_id"] == topic  # a reply stays in the replied-to topic
    assert reply["reply_to_message"]["message_id"] == asked["message_id"]
    general = alice.says(forum, "/agree in General")
    assert "message_thread_id" not in general and "is_topic_message" not in general
    await bot.send_message(forum.id, "in General")
    await bot.send_message(forum.id, "in the topic", message_thread_id=topic)
    answer = await world.bot_reply(forum, topic=topic)
    assert answer["text"] == "in the topic" and answer["reply_to_message"]["message_id"] == topic
    assert (await world.bot_reply(forum))["text"] == "in General"
    lost = bot.send_message(forum.id, "x", message_thread_id=999)
    assert await rejected(lost, TelegramBadRequest) == "Bad Request: message thread not found"


async def test_anonymous_admins_speak_as_the_group(
    server: BotAPIServer, bot: Bot, group: Group
) -> None:
    said = group.anonymous_admin_says("/agree Stage 1", author_signature="Lead")
    [update] = server.pending_updates
    message = parsed(update, bot).message
    assert message and message.from_user and message.sender_chat
    assert (message.from_user.id, message.from_user.username, message.from_user.is_bot) == (
        1087968824,
        "GroupAnonymousBot",
        True,
    )
    assert (message.sender_chat.id, message.author_signature) == (group.id, "Lead")
    assert said["text"] == "/agree Stage 1"
    assert group.anonymous_admin_says("chatter") and len(server.pending_updates) == 1
    with pytest.raises(AssertionError, match="not a channel"):
        group.posts("groups have no channel posts")


async def test_channel_posts_and_their_automatic_forwards(
    server: BotAPIServer, bot: Bot, world: TelegramWorld, group: Group
) -> None:
    server.set_chat_member_status(group.id, server.bot_user["id"], "administrator")
    news = world.channel("News", username="news")
    forwarded = group.channel_post_in_discussion(news, "Stage 1 is done", author_signature="Ann")
    [update] = server.pending_updates  # the bot is not in the channel: no channel_post
    message = parsed(update, bot).message
    assert message and message.from_user and message.from_user.id == 777000
    assert message.sender_chat and message.sender_chat.id == news.id
    assert message.is_automatic_forward is True
    origin = message.forward_origin
    assert isinstance(origin, MessageOriginChannel)
    assert (origin.chat.id, origin.message_id, origin.author_signature) == (news.id, 2, "Ann")
    assert forwarded["forward_from_chat"]["id"] == news.id  # the legacy fields come too
    assert forwarded["forward_from_message_id"] == 2
    assert server.message(news.id, 2) is not None
    inside = world.channel("Inside", bot_member=True)
    post = inside.posts("for subscribers")
    channel_post = parsed(server.pending_updates[-1], bot).channel_post
    assert channel_post and channel_post.sender_chat and channel_post.sender_chat.id == inside.id
    assert channel_post.from_user is None and post["chat"]["type"] == "channel"


async def test_forward_origins(
    server: BotAPIServer,
    bot: Bot,
    world: TelegramWorld,
    alice: Person,
    bob: Person,
    group: Group,
) -> None:
    server.set_chat_member_status(group.id, server.bot_user["id"], "administrator")
    original = alice.says(group, "We agreed on 150 000")
    news = world.channel("News")
    forwards = [
        bob.forwards(group, original),
        bob.forwards(group, original, hidden=True),
        bob.forwards(group, group.anonymous_admin_says("Rules", author_signature="Mod")),
        bob.forwards(group, news.posts("Launch")),
        bob.forwards(group, "typed", origin=hidden_user_origin("Carol", 1_700_000_000)),
    ]
    bob.forwards(group, forwards[0])  # a forward of a forward keeps the first origin
    updates = [parsed(u, bot) for u in server.pending_updates]
    origins = [u.message.forward_origin for u in updates if u.message and u.message.forward_origin]
    user, hidden, chat, channel, typed, again = origins
    assert isinstance(user, MessageOriginUser) and user.sender_user.id == alice.id
    assert isinstance(hidden, MessageOriginHiddenUser)
    assert hidden.sender_user_name == "Alice Smith"
    assert isinstance(chat, MessageOriginChat) and chat.sender_chat.id == group.id
    assert chat.author_signature == "Mod"
    assert isinstance(channel, MessageOriginChannel) and channel.chat.id == news.id
    assert isinstance(typed, MessageOriginHiddenUser) and typed.sender_user_name == "Carol"
    assert isinstance(again, MessageOriginUser) and again.sender_user.id == alice.id
    assert forwards[0]["text"] == "We agreed on 150 000"
    assert forwards[0]["forward_from"]["id"] == alice.id
    assert forwards[0]["forward_date"] == original["date"]
    assert forwards[1]["forward_sender_name"] == "Alice Smith"
    assert "forward_from" not in forwards[1]


async def test_forwarded_media_keeps_its_file(
    server: BotAPIServer, bot: Bot, alice: Person, bob: Person, group: Group
) -> None:
    document = alice.sends_document(group, b"%PDF offer", caption="/agree offer")
    forwarded = bob.forwards(bob.private_chat, document)
    assert forwarded["document"] == document["document"]
    assert forwarded["caption"] == "/agree offer"
    message = parsed(server.pending_updates[-1], bot).message
    assert message and message.document
    assert await downloaded(bot, message.document) == b"%PDF offer"
