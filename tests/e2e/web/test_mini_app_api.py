"""The Mini App's API over real HTTP, signed in the way Telegram's script signs in: who
sees what, the filters and the search, one agreement's whole story, and what a forged,
stale or missing initData gets."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qsl, urlencode

import pytest

from tests.botapi.objects import chat_member_json, user_json
from tests.support.init_data import sign_init_data
from tests.support.mini_app import (
    KITCHEN_EDITED,
    KITCHEN_OFFER,
    PLUMBING,
    PLUMBING_AMENDED,
    agreements_in_two_groups,
    all_handled,
    app_get,
    init_data_for,
)
from tests.support.site import Site


def numbers(answer_body: dict) -> list[int]:
    return [item["number"] for item in answer_body["items"]]


async def test_parties_and_members_see_a_groups_agreements_and_nobody_else(site: Site) -> None:
    story = await agreements_in_two_groups(site)

    ann = (await app_get(site, story.ann, "/api/agreements")).body
    assert numbers(ann) == [4, 3, 2, 1]  # newest first
    assert {item["chat"]["title"] for item in ann["items"]} == {"Kitchen renovation"}
    # Cat is no party, but a member who wrote in the group: she sees it all, as in /agreements.
    cat = (await app_get(site, story.cat, "/api/agreements")).body
    assert numbers(cat) == [4, 3, 2, 1]
    dan = (await app_get(site, story.dan, "/api/agreements")).body
    assert [(i["number"], i["chat"]["title"]) for i in dan["items"]] == [(1, "Office move")]

    # An id in the URL is not enough: Dan gets another group's agreement no more than one
    # that doesn't exist, and the answers can't be told apart.
    for agreement_id in story.ids.values():
        if agreement_id == story.ids["office"]:
            continue
        refused = await app_get(site, story.dan, f"/api/agreements/{agreement_id}")
        assert refused.status == 404 and refused.body["error"] == "not_found"
    missing = await app_get(site, story.dan, "/api/agreements/999999")
    assert missing.body == refused.body
    office = await app_get(site, story.ann, f"/api/agreements/{story.ids['office']}")
    assert office.status == 404
    # ...nor through the filters.
    filtered = await app_get(site, story.dan, "/api/agreements", chat=story.kitchen.id)
    assert filtered.body["items"] == []

    chats = (await app_get(site, story.ann, "/api/chats")).body["chats"]
    assert chats == [{"id": story.kitchen.id, "title": "Kitchen renovation", "whole": True}]


async def test_a_member_who_leaves_sees_the_group_no_longer(site: Site) -> None:
    api = site.harness.api
    story = await agreements_in_two_groups(site)
    # Telegram sends chat_member updates to a group's administrators only.
    api.set_chat_member_status(story.kitchen.id, api.bot_user["id"], "administrator")
    edited = story.ids["edited"]
    assert (await app_get(site, story.cat, f"/api/agreements/{edited}")).status == 200

    # Cat leaves; the web pages share the bot's membership cache, so the "member" answer
    # cached a moment ago goes at once.
    left = {
        "chat": story.kitchen.chat,
        "from": user_json(story.cat.user),
        "date": api.now(),
        "old_chat_member": chat_member_json(story.cat.user, "member"),
        "new_chat_member": chat_member_json(story.cat.user, "left"),
    }
    assert api.push_update({"chat_member": left}) is not None
    await all_handled(api)
    assert (await app_get(site, story.cat, f"/api/agreements/{edited}")).status == 404
    assert (await app_get(site, story.cat, "/api/agreements")).body["items"] == []
    assert (await app_get(site, story.cat, "/api/chats")).body["chats"] == []

    # Ben leaves too (the service message every bot in a group gets): he keeps his own.
    assert numbers((await app_get(site, story.ben, "/api/agreements")).body) == [4, 3, 2, 1]
    story.ben.leaves(story.kitchen)
    await all_handled(api)
    assert numbers((await app_get(site, story.ben, "/api/agreements")).body) == [3, 2, 1]
    awaiting = story.ids["awaiting"]
    assert (await app_get(site, story.ben, f"/api/agreements/{awaiting}")).status == 404
    chats = (await app_get(site, story.ben, "/api/chats")).body["chats"]
    assert chats == [{"id": story.kitchen.id, "title": "Kitchen renovation", "whole": False}]


async def test_filters_and_search_stay_inside_what_one_may_see(site: Site) -> None:
    story = await agreements_in_two_groups(site)

    async def listed(**params: str | int) -> list[int]:
        answer = await app_get(site, story.cat, "/api/agreements", **params)
        assert answer.status == 200, answer.body
        return numbers(answer.body)

    assert await listed(state="edited") == [1]
    assert await listed(state="amended") == [3]
    assert await listed(state="intact") == [4, 2]
    assert await listed(state="awaiting") == [4]
    assert await listed(chat=story.kitchen.id, state="edited") == [1]
    assert await listed(chat=story.office.id) == []
    # Any case, Cyrillic too; the title counts; LIKE's wildcards are plain characters.
    assert await listed(q="ПЛИТКА") == [2]
    assert await listed(q="stage 2") == [3]
    assert await listed(q="rub") == [3, 1]
    assert await listed(q="%") == [] and await listed(q="_") == []
    assert await listed(q="Movers") == []  # the office's, which Cat can't see

    first = (await app_get(site, story.cat, "/api/agreements", limit=3)).body
    assert numbers(first) == [4, 3, 2] and first["next"] == story.ids["intact"]
    rest = (await app_get(site, story.cat, "/api/agreements", limit=3, before=first["next"])).body
    assert numbers(rest) == [1] and rest["next"] is None


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"state": "lost"}, "state"),
        ({"chat": "kitchen"}, "chat"),
        ({"chat": "1e3"}, "chat"),
        ({"before": "0"}, "before"),
        ({"before": "9" * 20}, "before"),
        ({"limit": "51"}, "limit"),
        ({"q": "x" * 101}, "q"),
    ],
)
async def test_malformed_filters_are_named(site: Site, params: dict, parameter: str) -> None:
    person = site.harness.world.user("Eve")
    answer = await app_get(site, person, "/api/agreements", **params)
    assert answer.status == 400
    assert answer.body["error"] == "bad_parameter" and answer.body["parameter"] == parameter
    assert answer.headers["Content-Type"].startswith("application/json")


async def test_one_agreement_tells_its_whole_story_and_no_address(site: Site) -> None:
    story = await agreements_in_two_groups(site)
    edited = await app_get(site, story.cat, f"/api/agreements/{story.ids['edited']}")
    assert edited.status == 200
    body = edited.body
    assert body["agreement"]["state"] == "edited" and body["agreement"]["edits"] == 1
    assert body["text"] == KITCHEN_OFFER
    assert body["author"] == "Ben" and body["marked_by"] == "Ann Lee"
    [version] = body["versions"]
    assert version["editor"] == "Ben" and version["accepted_by"] == []
    assert ["delete", "150"] in version["diff"] and ["insert", "120"] in version["diff"]
    assert "".join(p for op, p in version["diff"] if op != "insert") == KITCHEN_OFFER
    assert "".join(p for op, p in version["diff"] if op != "delete") == KITCHEN_EDITED
    assert [(p["name"], p["username"], p["role"]) for p in body["parties"]] == [
        ("Ben", "ben", "author"),
        ("Ann Lee", "ann", "marker"),
    ]
    [record] = body["records"]
    assert record["chain"] == {"position": 1, "length": 5, "holds": True}
    assert record["stamp"] is None  # no TSA_URL in this test
    assert record["digest"] == body["agreement"]["digest"]
    raw = json.dumps(body)
    assert "@example" not in raw and str(story.ann.id) not in raw

    amended = (await app_get(site, story.ann, f"/api/agreements/{story.ids['amended']}")).body
    assert amended["agreement"]["state"] == "amended"
    assert amended["agreement"]["amendment"] == "3.1"
    [version] = amended["versions"]
    assert version["amendment"] == "3.1"
    assert sorted(a["name"] for a in version["accepted_by"]) == ["Ann Lee", "Ben"]
    assert "".join(p for op, p in version["diff"] if op != "insert") == PLUMBING
    assert "".join(p for op, p in version["diff"] if op != "delete") == PLUMBING_AMENDED
    assert [(a["label"], a["version"]) for a in amended["amendments"]] == [("3.1", 1)]
    assert [(r["label"], r["is_amendment"]) for r in amended["records"]] == [
        ("3", False),
        ("3.1", True),
    ]
    assert [r["chain"]["position"] for r in amended["records"]] == [3, 5]

    async with site.http.get(f"/r/{amended['amendments'][0]['digest']}") as page:
        assert page.status == 200  # the record page the app links to


async def test_forged_stale_or_missing_init_data_is_refused(site: Site) -> None:
    world = site.harness.world
    ann, dan = world.user("Ann"), world.user("Dan")
    path = "/api/agreements"

    missing = await app_get(site, None, path)
    assert (missing.status, missing.body["error"]) == (401, "sign_in_required")
    async with site.http.get(path, headers={"Authorization": f"Bearer {init_data_for(ann)}"}) as a:
        assert a.status == 401
    other_bot = init_data_for(ann, token="987654321:AAanother-bot-entirely")
    assert (await app_get(site, None, path, init_data=other_bot)).status == 401
    # Ann's genuine initData, with Dan's id put in: the signature no longer holds.
    fields = dict(parse_qsl(init_data_for(ann)))
    fields["user"] = fields["user"].replace(str(ann.id), str(dan.id))
    swapped = await app_get(site, None, path, init_data=urlencode(fields))
    assert (swapped.status, swapped.body["error"]) == (401, "sign_in_required")
    garbage = await app_get(site, None, path, init_data="user=%7B&hash=00")
    assert garbage.status == 401

    stale = await app_get(site, None, path, init_data=init_data_for(ann, age=3601))
    assert (stale.status, stale.body["error"]) == (401, "sign_in_expired")
    ahead = await app_get(site, None, path, init_data=init_data_for(ann, age=-3600))
    assert ahead.body["error"] == "sign_in_expired"
    assert (await app_get(site, None, path, init_data=init_data_for(ann, age=3500))).status == 200
    nobody = sign_init_data(
        "123456789:AAtest-token-for-the-bot-api-test-server", {}, auth_date=int(time.time())
    )
    assert (await app_get(site, None, path, init_data=nobody)).status == 401


async def test_the_api_answers_in_json_and_limits_each_user(site: Site) -> None:
    eve = site.harness.world.user("Eve")
    for path in ("/api/nothing", "/api/agreements/12345678901234567890"):
        answer = await app_get(site, eve, path)
        assert (answer.status, answer.body["error"]) == (404, "not_found"), path
    async with site.http.post("/api/agreements") as post:
        assert post.status == 405 and (await post.json())["error"] == "method_not_allowed"

    init_data = init_data_for(eve)
    statuses = [
        (await app_get(site, None, "/api/chats", init_data=init_data)).status for _ in range(121)
    ]
    assert statuses[:120] == [200] * 120
    limited = await app_get(site, None, "/api/chats", init_data=init_data)
    assert (limited.status, limited.body["error"]) == (429, "too_many_requests")
    assert int(limited.headers["Retry-After"]) > 0
    # Counted per user: somebody else is not held up.
    assert (await app_get(site, site.harness.world.user("Fay"), "/api/chats")).status == 200


async def test_a_business_chats_agreement_is_for_its_two_parties_only(site: Site) -> None:
    world = site.harness.world
    olga, carl, eve = world.user("Olga", language_code="ru"), world.user("Carl"), world.user("Eve")
    connection = world.business_connection(olga)
    await world.bot_reply(olga, lambda m: "Telegram Business" in m["text"])
    chat = connection.chat(carl)
    offer = connection.client_says(carl, "Logo for 30 000 by Friday")
    connection.owner_says("/agree Logo", reply_to=offer)
    await world.bot_reply(chat, lambda m: "№1" in m["text"])

    [item] = (await app_get(site, olga, "/api/agreements")).body["items"]
    assert item["title"] == "Logo" and item["parties"] == ["Carl", "Olga"]
    for party in (olga, carl):
        assert (await app_get(site, party, f"/api/agreements/{item['id']}")).status == 200
    # Nobody else, though Eve writes to the bot too: a business chat has no members to ask.
    eve.says_private("/start")
    assert (await app_get(site, eve, f"/api/agreements/{item['id']}")).status == 404
    assert (await app_get(site, eve, "/api/agreements")).body["items"] == []
    assert (await app_get(site, eve, "/api/agreements", chat=item["chat"]["id"])).body[
        "items"
    ] == []
