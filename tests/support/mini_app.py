"""The Mini App's user stories: people who agree in two groups, and a client for its API
that signs in the way Telegram's script does (initData signed with the bot token)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from tests.botapi import BotAPIServer
from tests.botapi.scenario import Group, Person
from tests.support.eventually import eventually
from tests.support.identity import TOKEN
from tests.support.init_data import sign_init_data
from tests.support.site import Site

KITCHEN_OFFER = "Stage 1: 150 000 RUB, due 15 December."
KITCHEN_EDITED = "Stage 1: 120 000 RUB, due 15 December."
TILES = "Плитка: белая, 20×20, покупает Бен."
PLUMBING = "Stage 2: plumbing, 80 000 RUB."
PLUMBING_AMENDED = "Stage 2: plumbing, 85 000 RUB."
PAINT = "Paint is on me, by Friday."
OFFICE_OFFER = "Movers on Saturday, 40 000 RUB."
# Telegram's themes, as a client passes them in tgWebAppThemeParams.
LIGHT_THEME = {
    "bg_color": "#ffffff",
    "secondary_bg_color": "#f1f1f4",
    "text_color": "#000000",
    "hint_color": "#999999",
    "link_color": "#2481cc",
    "button_color": "#2481cc",
    "button_text_color": "#ffffff",
}
DARK_THEME = {
    "bg_color": "#212d3b",
    "secondary_bg_color": "#151e27",
    "text_color": "#ffffff",
    "hint_color": "#7d8b99",
    "link_color": "#5eabe1",
    "button_color": "#5289c1",
    "button_text_color": "#ffffff",
}


@dataclass
class Story:
    ann: Person  # a party to all four agreements in the kitchen group
    ben: Person  # a party to three, and a member of the group
    cat: Person  # a member of the kitchen group who only wrote a message there
    dan: Person  # in the office group only
    kitchen: Group
    office: Group
    ids: dict[str, int] = field(default_factory=dict)  # agreement ids by what they hold


def recorded(message: dict[str, Any]) -> bool:
    return "recorded" in message.get("text", "") or "зафиксирована" in message.get("text", "")


async def agreements_in_two_groups(site: Site) -> Story:
    """Kitchen: #1 edited (the edit not accepted), #2 intact (in Russian), #3 amended
    (#3.1), #4 awaiting parties (Ann marked her own message). Office: Dan's own #1."""
    world, api = site.harness.world, site.harness.api
    story = Story(
        ann=world.user("Ann", "Lee", username="ann", language_code="en"),
        ben=world.user("Ben", username="ben", language_code="ru"),
        cat=world.user("Cat", username="cat", language_code="en"),
        dan=world.user("Dan", username="dan", language_code="en"),
        kitchen=world.group("Kitchen renovation"),
        office=world.group("Office move"),
    )
    ann, ben, kitchen = story.ann, story.ben, story.kitchen
    offer = ben.says(kitchen, KITCHEN_OFFER)
    ann.says(kitchen, "/agree Stage 1", reply_to=offer)
    await world.bot_reply(kitchen, recorded)
    ben.says(kitchen, "/agree", reply_to=ann.says(kitchen, TILES))
    await world.bot_reply(kitchen, recorded)
    plumbing = ben.says(kitchen, PLUMBING)
    ann.says(kitchen, "/agree Stage 2", reply_to=plumbing)
    await world.bot_reply(kitchen, recorded)
    ann.says(kitchen, "/agree", reply_to=ann.says(kitchen, PAINT))
    await world.bot_reply(kitchen, recorded)
    story.cat.says(kitchen, "Looks good to me.")

    ben.edits(offer, KITCHEN_EDITED)
    await world.bot_reply(kitchen, lambda m: "agreement #1 was edited" in m.get("text", ""))
    ben.edits(plumbing, PLUMBING_AMENDED)
    alert = await world.bot_reply(kitchen, lambda m: "agreement #3 was" in m.get("text", ""))
    ann.presses(alert, "✅ Accept new version")
    await api.wait_for_call("answerCallbackQuery")
    ben.presses(alert, "✅ Accept new version")
    await world.bot_reply(kitchen, lambda m: "Amendment #3.1" in m.get("text", ""))

    story.dan.says(story.office, "/agree", reply_to=story.dan.says(story.office, OFFICE_OFFER))
    await world.bot_reply(story.office, recorded)

    kitchen_page = (await app_get(site, ann, "/api/agreements")).body
    story.ids = {
        "edited": _id_where(kitchen_page, title="Stage 1"),
        "intact": _id_where(kitchen_page, text=TILES),
        "amended": _id_where(kitchen_page, title="Stage 2"),
        "awaiting": _id_where(kitchen_page, text=PAINT),
        "office": (await app_get(site, story.dan, "/api/agreements")).body["items"][0]["id"],
    }
    return story


def _id_where(page: dict[str, Any], *, title: str | None = None, text: str = "") -> int:
    return next(
        item["id"]
        for item in page["items"]
        if (title is not None and item["title"] == title)
        or (text and text.startswith(item["summary"].rstrip("…")))
    )


def init_data_for(person: Person, *, age: float = 0, token: str = TOKEN) -> str:
    return sign_init_data(token, person.user, auth_date=int(time.time() - age))


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


async def app_get(
    site: Site,
    person: Person | None,
    path: str,
    *,
    init_data: str | None = None,
    **params: str | int,
) -> Answer:
    """GET an API path as ``person`` signed in (or with the given initData)."""
    if init_data is None and person is not None:
        init_data = init_data_for(person)
    headers = {"Authorization": f"tma {init_data}"} if init_data is not None else {}
    query = {key: str(value) for key, value in params.items()}
    async with site.http.get(path, headers=headers, params=query) as response:
        text = await response.text()
        return Answer(response.status, json.loads(text), dict(response.headers))


@dataclass
class Download:
    status: int
    content: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.content)


async def app_download(
    site: Site, person: Person | None, path: str, *, init_data: str | None = None
) -> Download:
    """GET an API path that answers with a file (an evidence pack) as ``person``."""
    if init_data is None and person is not None:
        init_data = init_data_for(person)
    headers = {"Authorization": f"tma {init_data}"} if init_data is not None else {}
    async with site.http.get(path, headers=headers) as response:
        return Download(response.status, await response.read(), dict(response.headers))


def app_url(
    site: Site, person: Person, theme: dict[str, str], *, age: float = 0, version: str = "8.0"
) -> str:
    """The address a Telegram client of ``version`` (Bot API) opens: initData and theme in
    the fragment."""
    fragment = {
        "tgWebAppData": init_data_for(person, age=age),
        "tgWebAppVersion": version,
        "tgWebAppPlatform": "android",
        "tgWebAppThemeParams": json.dumps(theme, separators=(",", ":")),
    }
    encoded = "&".join(f"{key}={quote(value, safe='')}" for key, value in fragment.items())
    return f"{site.base_url}/app#{encoded}"


async def all_handled(api: BotAPIServer) -> None:
    """Returns once the bot has handled every update pushed so far: it confirms an update
    (the next getUpdates' offset) only after handling it."""
    last = api.updates.next_update_id - 1

    async def confirmed() -> bool:
        return all(int(update["update_id"]) > last for update in api.updates.pending)

    await eventually(confirmed, what=f"updates up to {last} handled")
