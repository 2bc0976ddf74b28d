"""The Mini App's "Add by email" over HTTP: only a party invites, once per address; anyone
else learns nothing; malformed requests are refused plainly; the address never reaches
the chat."""

from __future__ import annotations

from tests.support.invitations import email_parties
from tests.support.mails import is_invitation
from tests.support.mini_app import app_get, app_post, recorded
from tests.support.site import Site

OFFER = "Stage 1: 150 000 RUB, due 15 December."


async def test_a_party_invites_once_and_others_cannot(site: Site, database_url: str) -> None:
    harness = site.harness
    world = harness.world
    ann = world.user("Ann", language_code="en")
    ben = world.user("Ben", language_code="ru")
    cat = world.user("Cat")  # a member of the group who is no party
    stranger = world.user("Zed")
    group = world.group("Kitchen renovation")
    ann.says(group, "/agree", reply_to=ben.says(group, OFFER))
    await world.bot_reply(group, recorded)
    cat.says(group, "Looks good to me.")
    stranger.says(world.group("Elsewhere"), "Hello")  # known to Telegram, not in the group
    [item] = (await app_get(site, ann, "/api/agreements")).body["items"]
    path = f"/api/agreements/{item['id']}/email-parties"

    added = await app_post(site, ben, path, {"address": " Client@Example.com "})
    assert added.status == 200, added.body
    assert added.body == {
        "invited": "c…@example.com",
        "email_parties": [{"address": "c…@example.com", "state": "invited"}],
    }
    [mail] = await harness.mailbox.wait_for(to="client@example.com", where=is_invitation)
    assert str(mail.message["Subject"]).startswith("Подтвердите")  # Ben's language
    [party] = await email_parties(database_url)
    assert (party.address, party.added_by_id, party.language) == (
        "client@example.com",
        ben.id,
        "ru",
    )

    again = await app_post(site, ann, path, {"address": "client@example.com"})
    assert (again.status, again.body["error"]) == (409, "already_invited")
    member = await app_post(site, cat, path, {"address": "other@example.com"})
    assert (member.status, member.body["error"]) == (403, "not_a_party")
    outsider = await app_post(site, stranger, path, {"address": "other@example.com"})
    assert (outsider.status, outsider.body["error"]) == (404, "not_found")
    missing = await app_post(
        site, ann, "/api/agreements/999999/email-parties", {"address": "x@y.z"}
    )
    assert missing.status == 404

    detail = await app_get(site, cat, f"/api/agreements/{item['id']}")
    assert detail.body["email_parties"] == [{"address": "c…@example.com", "state": "invited"}]
    assert detail.body["may_invite"] is False
    assert (await app_get(site, ann, f"/api/agreements/{item['id']}")).body["may_invite"] is True

    await harness.mail_barrier()
    assert len(harness.mailbox.to("client@example.com")) == 1
    assert len(await email_parties(database_url)) == 1
    said = [call.params.get("text", "") for call in harness.api.calls("sendMessage")]
    assert not any("client@" in text.lower() for text in said)  # nothing of it in any chat


async def test_malformed_requests_are_refused_plainly(site: Site) -> None:
    harness = site.harness
    ann, ben = harness.world.user("Ann"), harness.world.user("Ben")
    group = harness.world.group("Office")
    ann.says(group, "/agree", reply_to=ben.says(group, OFFER))
    await harness.world.bot_reply(group, recorded)
    [item] = (await app_get(site, ann, "/api/agreements")).body["items"]
    path = f"/api/agreements/{item['id']}/email-parties"

    unsigned = await app_post(site, None, path, {"address": "client@example.com"})
    assert (unsigned.status, unsigned.body["error"]) == (401, "sign_in_required")
    for raw in (b"not json", b"[]", b'{"address": 5}', b'{"address": "  "}'):
        bad = await app_post(site, ann, path, None, raw=raw)
        assert (bad.status, bad.body["error"]) == (400, "bad_parameter"), raw
    huge = await app_post(site, ann, path, {"address": "a" * 5000 + "@example.com"})
    assert huge.status == 413
    invalid = await app_post(site, ann, path, {"address": "client@example"})
    assert (invalid.status, invalid.body["error"]) == (422, "invalid_address")
    non_ascii = await app_post(site, ann, path, {"address": "клиент@example.com"})
    assert (non_ascii.status, non_ascii.body["error"]) == (422, "non_ascii_address")
    await harness.mail_barrier()
    assert [m for m in harness.mailbox.received if is_invitation(m.message)] == []
