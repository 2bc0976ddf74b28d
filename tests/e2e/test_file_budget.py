"""The day's budget for stored files, per person and per chat (counted in the database),
and the limits in business chats: one over is refused, before any download."""

from __future__ import annotations

import pytest

from tests.support.harness import Harness
from tests.support.stored import counts
from tests.support.stories import connected

PERSON_SPENT = (
    "Your files of the last 24 hours use up what I may store for one person a day, and "
    "this file would go over it. Nothing was recorded; try again later."
)
CHAT_SPENT = (
    "This chat's files of the last 24 hours use up what I may store for one chat a day, "
    "and this file would go over it. Nothing was recorded; try again later."
)
RU_PERSON_SPENT = "Ваши файлы за последние 24 часа"


@pytest.mark.bot_settings(files_mb_per_user_per_day=0.003, files_mb_per_chat_per_day=0.005)
async def test_files_over_the_days_budget_are_refused_before_they_are_downloaded(
    harness: Harness, database_url: str
) -> None:
    world, api = harness.world, harness.api
    group = world.group("Docs")
    ann, ben, cid, dan = (world.user(n) for n in ("Ann", "Ben", "Cid", "Dan"))
    files = [
        ben.sends_document(group, bytes([n]) * 2000, file_name=f"part{n}.pdf") for n in range(3)
    ]
    ann.says(group, "/agree", reply_to=files[0])
    await world.bot_reply(group, lambda m: "Agreement #1 recorded" in m["text"])
    ann.says(group, "/agree", reply_to=files[1])  # 4 000 bytes by her: over her 3 000
    assert (await world.bot_reply(group))["text"] == PERSON_SPENT
    cid.says(group, "/agree", reply_to=files[1])  # his first: 4 000 in the chat of 5 000
    await world.bot_reply(group, lambda m: "Agreement #2 recorded" in m["text"])
    dan.says(group, "/agree", reply_to=files[2])  # 6 000 in the chat
    assert (await world.bot_reply(group))["text"] == CHAT_SPENT
    dan.says(group, "/agree", reply_to=ben.says(group, "No file, no bytes"))
    await world.bot_reply(group, lambda m: "Agreement #3 recorded" in m["text"])

    downloads = [api.download_count(f["document"]["file_id"]) for f in files]
    assert downloads == [1, 1, 0]
    assert await counts(database_url) == (3, 6)


@pytest.mark.bot_settings(agree_limit_per_user=1, files_mb_per_user_per_day=0.003)
async def test_a_business_chats_owner_is_held_to_the_limits_and_the_file_budget(
    harness: Harness, database_url: str
) -> None:
    world = harness.world
    _owner, client, connection, _hello = await connected(harness)
    chat = connection.chat(client)
    offers = [connection.client_says(client, f"Offer {n}") for n in range(2)]
    connection.owner_says("/agree", reply_to=offers[0])
    await world.bot_reply(chat, lambda m: "№1" in m["text"])
    connection.owner_says("/agree", reply_to=offers[1])
    refused = await world.bot_reply(chat)
    assert refused["text"].startswith("Слишком много договорённостей сразу"), refused["text"]
    connection.owner_says("/agree", reply_to=offers[1])  # told once in the wait
    assert await counts(database_url) == (1, 2)


@pytest.mark.bot_settings(files_mb_per_user_per_day=0.003)
async def test_a_business_chats_files_count_towards_the_owners_budget(
    harness: Harness, database_url: str
) -> None:
    world, api = harness.world, harness.api
    _owner, client, connection, _hello = await connected(harness)
    chat = connection.chat(client)
    files = [client.sends_document(chat, bytes([n]) * 2000) for n in range(2)]
    connection.owner_says("/agree", reply_to=files[0])
    await world.bot_reply(chat, lambda m: "№1" in m["text"])
    connection.owner_says("/agree", reply_to=files[1])
    refused = await world.bot_reply(chat)
    assert refused["text"].startswith(RU_PERSON_SPENT), refused["text"]
    assert [api.download_count(f["document"]["file_id"]) for f in files] == [1, 0]
    assert await counts(database_url) == (1, 2)
