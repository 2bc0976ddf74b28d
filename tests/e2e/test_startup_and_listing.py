"""What the bot does on start, and the /agreements list."""

from __future__ import annotations

from typing import Any

import pytest

from tests.botapi import BotAPIServer
from tests.botapi.errors import ApiError
from tests.botapi.scenario import TelegramWorld
from tests.support.bot_in_process import bot_settings, running_bot
from tests.support.harness import Harness
from tests.support.mailbox import Mailbox


async def test_start_registers_menus_and_polls_for_what_it_handles(harness: Harness) -> None:
    api: BotAPIServer = harness.api
    assert api.calls("deleteWebhook")
    menus = {
        (c.params["scope"]["type"], c.params.get("language_code")): {
            cmd["command"]: cmd["description"] for cmd in c.params["commands"]
        }
        for c in api.calls("setMyCommands")
    }
    for language in (None, "ru", "en"):
        assert list(menus[("all_private_chats", language)]) == [
            "start",
            "email",
            "verify",
            "agreements",
            "terms",
            "archive",
            "unsubscribe",
            "subscribe",
            "help",
        ]
        assert list(menus[("all_group_chats", language)]) == [
            "agree",
            "agreements",
            "history",
            "email",
            "terms",
            "archive",
            "help",
        ]
    assert menus[("all_private_chats", "ru")]["unsubscribe"] == "Больше не присылать письма"
    assert menus[("all_group_chats", "ru")]["agree"] == (
        "Ответьте на сообщение, чтобы зафиксировать договорённость"
    )
    assert menus[("all_group_chats", None)]["agree"] == (
        "Reply to a message to record it as an agreement"
    )
    polls = [c for c in api.requests if c.method == "getUpdates"]
    assert set(polls[0].params["allowed_updates"]) == {
        "message",
        "edited_message",
        "callback_query",
        "message_reaction",  # Telegram sends reactions only when asked for
        "chat_member",  # and member changes (they clear cached membership answers)
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
    }


async def test_agreements_list_pages_newest_first(harness: Harness) -> None:
    world, api = harness.world, harness.api
    ann, ben = world.user("Ann", language_code="en"), world.user("Ben", language_code="en")
    group = world.group("Team")
    for n in range(1, 8):
        offer = ann.says(group, f"Item {n}: done by Friday")
        ben.says(group, "/agree", reply_to=offer)
        await world.bot_reply(group)

    ben.says(group, "/agreements")
    listing = await world.bot_reply(group)
    text = listing["text"]
    assert "page 1 of 2" in text
    assert text.index("#7") < text.index("#3") and "#2 " not in text
    assert "Item 7: done by Friday" in text and "parties: Ann (@ann), Ben (@ben)" in text
    [[older]] = listing["reply_markup"]["inline_keyboard"]
    ben.presses(listing, older["text"])
    edit = await api.wait_for_call("editMessageText", lambda p: "page 2 of 2" in p["text"])
    assert "<b>#1</b>" in edit.params["text"] and "#3" not in edit.params["text"]

    empty = world.group("Empty")
    world.user("Cy").says(empty, "/agreements")
    assert "No agreements in this chat yet" in (await world.bot_reply(empty))["text"]


async def test_the_bot_starts_when_telegram_refuses_its_menus(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The menus are a convenience: an outage of setMyCommands must not stop the start
    (it did, with a traceback, when a connection dropped in test_kill)."""
    api.failing["setMyCommands"] = ApiError(500, "Internal Server Error")
    async with running_bot(bot_settings(api, mailbox, database_url), api):
        world = TelegramWorld(api)
        ann = world.user("Ann", language_code="en")
        ann.says_private("/help")
        assert "/agree" in (await world.bot_reply(ann))["text"]
    assert "command menus not registered" in caplog.text


# --- /help: every command a user has, wherever it is asked (issue 18, item 7) -----------

COMMANDS = ("/agree", "/agreements", "/history", "/email", "/verify", "/archive")
REACTION = {"ru": "реакци", "en": "reaction"}


async def help_texts(world: TelegramWorld, language: str) -> tuple[str, str, dict[str, Any]]:
    """The private /start, the private /help and the group's /help answer."""
    ann = world.user("Ann", language_code=language)
    ann.says_private("/start")
    welcome = (await world.bot_reply(ann))["text"]
    ann.says_private("/help")
    private = (await world.bot_reply(ann))["text"]
    group = world.group("Team")
    ann.says(group, "/help")
    return welcome, private, await world.bot_reply(group)


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_help_names_every_command_and_the_reaction(harness: Harness, language: str) -> None:
    welcome, private, in_group = await help_texts(harness.world, language)
    for text in (private, in_group["text"]):
        assert text != welcome
        for command in COMMANDS:
            assert command in text, (command, text)
        assert "🤝" in text and REACTION[language] in text
    # In the group it sends people to the private chat for their address, with a button.
    assert "name@example.com" not in in_group["text"]
    [[button]] = in_group["reply_markup"]["inline_keyboard"]
    assert button["url"] == "https://t.me/agreements_test_bot?start=email"
    # /start is still the welcome.
    assert welcome.startswith("Здравствуйте!" if language == "ru" else "Hi!")


@pytest.mark.bot_settings(agree_reaction="👍")
async def test_help_names_the_configured_reaction(harness: Harness) -> None:
    _, private, in_group = await help_texts(harness.world, "en")
    for text in (private, in_group["text"]):
        assert "👍" in text and "🤝" not in text


@pytest.mark.bot_settings(journal=False)
async def test_help_leaves_out_the_reaction_when_it_marks_nothing(harness: Harness) -> None:
    """Marking by reaction needs the journal (JOURNAL=off turns it off)."""
    _, private, in_group = await help_texts(harness.world, "en")
    for text in (private, in_group["text"]):
        assert "reaction" not in text and "/agree" in text
