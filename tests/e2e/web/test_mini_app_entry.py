"""Ways into the Mini App: the menu button of private chats, set at start-up, and a button
under /agreements (a web_app button in a private chat; in a group, where Telegram takes no
web_app button, a link that opens the bot's main Mini App, once one is set up)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.botapi import BotAPIServer
from tests.support.harness import Harness
from tests.support.mini_app import recorded
from tests.support.site import Site

APP_BUTTON = "📋 Review in the app"


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def app_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in buttons(message) if b["text"] in (APP_BUTTON, "📋 Открыть в приложении")]


async def test_the_menu_button_opens_the_app_in_private_chats(site: Site) -> None:
    assert site.harness.api.menu_button() == {
        "type": "web_app",
        "text": "Agreements",
        "web_app": {"url": f"{site.base_url}/app"},
    }


async def test_without_the_pages_no_menu_button_and_no_app_buttons(harness: Harness) -> None:
    ann = harness.world.user("Ann")
    ann.says_private("/agreements")
    answer = await harness.world.bot_reply(ann)
    assert app_buttons(answer) == []
    assert harness.api.calls("setChatMenuButton") == []


async def test_private_agreements_carry_the_app_button_on_every_page(site: Site) -> None:
    world = site.harness.world
    ann, ben = world.user("Ann", language_code="ru"), world.user("Ben")
    group = world.group("Kitchen renovation")
    for n in range(6):  # two pages of five
        ann.says(group, "/agree", reply_to=ben.says(group, f"Item {n}: 100 RUB"))
        await world.bot_reply(group, recorded)

    ann.says_private("/agreements")
    listing = await world.bot_reply(ann, lambda m: "Ваши договорённости" in m["text"])
    [button] = app_buttons(listing)
    assert button == {
        "text": "📋 Открыть в приложении",
        "web_app": {"url": f"{site.base_url}/app"},
    }
    ann.presses(listing, "Старше ▶")
    turned = await site.harness.api.wait_for_call("editMessageText")
    assert "2 из 2" in turned.params["text"]
    [button] = app_buttons(site.harness.api.current(listing))
    assert button["web_app"] == {"url": f"{site.base_url}/app"}


async def test_a_group_gets_no_button_before_the_main_app_is_set_up(site: Site) -> None:
    world = site.harness.world
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Kitchen renovation")
    ann.says(group, "/agree", reply_to=ben.says(group, "Price 100"))
    await world.bot_reply(group, recorded)
    ann.says(group, "/agreements")
    listing = await world.bot_reply(group, lambda m: "Agreements in this chat" in m["text"])
    assert buttons(listing) == []  # a link to a main Mini App nobody set up would lead nowhere


@pytest.fixture
def main_app(api: BotAPIServer) -> None:
    """The operator set up the bot's main Mini App in @BotFather (getMe says so). Ask for
    it before ``site``, which starts the bot."""
    api.state.bot_user["has_main_web_app"] = True


@pytest.mark.usefixtures("main_app")
async def test_a_group_gets_a_link_that_opens_the_bots_main_app(site: Site) -> None:
    world = site.harness.world
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Kitchen renovation")
    ann.says(group, "/agree", reply_to=ben.says(group, "Price 100"))
    await world.bot_reply(group, recorded)
    ann.says(group, "/agreements")
    listing = await world.bot_reply(group, lambda m: "Agreements in this chat" in m["text"])
    assert buttons(listing) == [
        {"text": APP_BUTTON, "url": "https://t.me/agreements_test_bot?startapp"}
    ]
