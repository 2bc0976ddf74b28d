"""The Mini App's email switch (/api/mail), and unsubscribing and subscribing again at
once from many requests: one row, no error, and the missed records mailed once."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.botapi.scenario import Person
from tests.support.mails import is_agreement
from tests.support.mini_app import app_get, init_data_for
from tests.support.site import Site, agreed
from tests.support.stored import stored_mails
from tests.support.unsubscribing import ONE_CLICK, page_link, post_form, unsubscribed_addresses


async def app_post(site: Site, person: Person, body: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"tma {init_data_for(person)}"}
    raw = body if isinstance(body, str) else json.dumps(body)
    async with site.http.post("/api/mail", data=raw, headers=headers) as response:
        return response.status, await response.json()


async def test_the_app_shows_and_switches_the_users_own_mail(
    site: Site, database_url: str
) -> None:
    story = await agreed(site)
    ben = story.ben
    shown = await app_get(site, ben, "/api/mail")
    assert shown.status == 200
    assert shown.body == {"address": "b…@example.com", "subscribed": True, "released": 0}

    status, body = await app_post(site, ben, {"subscribed": False})
    assert (status, body["subscribed"]) == (200, False)
    assert await unsubscribed_addresses(database_url) == {"ben@example.com": "mini_app"}
    assert (await app_get(site, ben, "/api/mail")).body["subscribed"] is False

    status, body = await app_post(site, ben, {"subscribed": True})
    assert (status, body["subscribed"]) == (200, True)
    assert await unsubscribed_addresses(database_url) == {}

    for wrong in ('{"subscribed": "no"}', "[]", "not json", '{"address": "x@example.com"}'):
        status, body = await app_post(site, ben, wrong)
        assert (status, body["error"]) == (400, "bad_parameter")
    async with site.http.post("/api/mail", json={"subscribed": False}) as unsigned:
        assert unsigned.status == 401

    # Someone who never verified an address: nothing to switch.
    stranger = site.harness.world.user("Cat")
    assert (await app_get(site, stranger, "/api/mail")).body["address"] is None
    status, body = await app_post(site, stranger, {"subscribed": False})
    assert (status, body["address"]) == (200, None)
    assert await unsubscribed_addresses(database_url) == {}


async def test_many_clicks_at_once_leave_one_row_and_release_once(
    site: Site, database_url: str
) -> None:
    story = await agreed(site)
    mailbox = site.harness.mailbox
    [ben_mail] = await mailbox.wait_for(to="ben@example.com", where=is_agreement)
    link = page_link(ben_mail.message)

    pages = await asyncio.gather(*(post_form(site, link, ONE_CLICK) for _ in range(8)))
    assert [page.status for page in pages] == [200] * 8
    assert await unsubscribed_addresses(database_url) == {"ben@example.com": "link"}

    # A record Ben misses while unsubscribed ...
    world = site.harness.world
    group = world.group("Second job")
    ann = world.user("Ann2", language_code="en")
    await site.harness.register(ann, "ann2@example.com")
    offer = ann.says(group, "Windows: 30 000 RUB.")
    story.ben.says(group, "/agree", reply_to=offer)
    await mailbox.wait_for(to="ann2@example.com", where=is_agreement)
    await site.harness.mail_barrier()
    assert len([m for m in mailbox.to("ben@example.com") if is_agreement(m.message)]) == 1

    # ... is mailed once, however many ask for the mail back at once.
    subscribe = {"subscribe": "yes"}
    pages = await asyncio.gather(*(post_form(site, link, subscribe) for _ in range(8)))
    assert [page.status for page in pages] == [200] * 8
    await mailbox.wait_for(to="ben@example.com", where=is_agreement, count=2)
    await site.harness.mail_barrier()
    assert len([m for m in mailbox.to("ben@example.com") if is_agreement(m.message)]) == 2
    to_ben = [m for m in await stored_mails(database_url) if m.to_address == "ben@example.com"]
    assert len(to_ben) == 2
