"""Evidence packs through the Mini App's API over real HTTP: one agreement's and a chat's,
unzipped and their records hashed against the digests the API states; and what anyone
else, a forged initData, or a chat over the cap gets."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import zipfile

import pytest

from bot.web import pack_api
from tests.support.mini_app import (
    Story,
    agreements_in_two_groups,
    app_download,
    app_get,
    init_data_for,
)
from tests.support.site import Site


def unzipped(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None  # every entry's CRC holds
        return {name: archive.read(name) for name in archive.namelist()}


def record_hashes(files: dict[str, bytes]) -> dict[str, str]:
    """Each record in the pack (by its file name) with its SHA-256."""
    return {
        name.rsplit("/", 1)[-1]: hashlib.sha256(content).hexdigest()
        for name, content in files.items()
        if name.endswith(".json")
    }


async def stated_digests(site: Site, story: Story, *names: str) -> set[str]:
    """The digests the API states for the agreements' records (amendments' too)."""
    digests = set()
    for name in names:
        detail = await app_get(site, story.ann, f"/api/agreements/{story.ids[name]}")
        digests |= {record["digest"] for record in detail.body["records"]}
    return digests


async def test_a_party_and_a_member_download_packs_whose_records_hash_to_their_digests(
    site: Site,
) -> None:
    story = await agreements_in_two_groups(site)
    kitchen = story.kitchen.id

    one = await app_download(site, story.ann, f"/api/agreements/{story.ids['amended']}/pack")
    assert one.status == 200
    assert one.headers["Content-Type"] == "application/zip"
    assert one.headers["Content-Disposition"] == (
        f'attachment; filename="evidence-agreement-{kitchen}-3.zip"'
    )
    files = unzipped(one.content)
    assert {"README.txt", "summary.html", "SHA256SUMS"} <= files.keys()
    hashes = record_hashes(files)
    assert set(hashes) == {f"agreement-{kitchen}-3.json", f"agreement-{kitchen}-3.1.json"}
    assert set(hashes.values()) == await stated_digests(site, story, "amended")
    assert "Stage 2" in files["summary.html"].decode()

    # Cat is no party in the kitchen, but a member: its whole pack, without anyone's mails.
    chat = await app_download(site, story.cat, f"/api/chats/{kitchen}/pack")
    assert chat.status == 200
    assert chat.headers["Content-Type"] == "application/zip"
    assert chat.headers["Content-Disposition"] == (
        f'attachment; filename="evidence-chat{kitchen}.zip"'
    )
    files = unzipped(chat.content)
    hashes = record_hashes(files)
    assert len(hashes) == 5  # #1 to #4, and amendment #3.1
    everything = await stated_digests(site, story, "edited", "intact", "amended", "awaiting")
    assert set(hashes.values()) == everything
    assert not [name for name in files if "/mails/" in name]  # she was sent none
    sums = files["SHA256SUMS"].decode()
    assert all(digest in sums for digest in everything)
    assert str(story.office.id) not in "".join(files)  # the other group's are not in it


async def test_anyone_else_gets_the_same_404_as_for_nothing(site: Site) -> None:
    story = await agreements_in_two_groups(site)
    kitchen, office = story.kitchen.id, story.office.id

    missing = await app_download(site, story.dan, "/api/agreements/999999/pack")
    assert missing.status == 404 and missing.json()["error"] == "not_found"
    for name in ("edited", "intact", "amended", "awaiting"):
        refused = await app_download(site, story.dan, f"/api/agreements/{story.ids[name]}/pack")
        assert (refused.status, refused.json()) == (404, missing.json())
    # Ann's own office id is not enough either.
    other = await app_download(site, story.ann, f"/api/agreements/{story.ids['office']}/pack")
    assert (other.status, other.json()) == (404, missing.json())

    no_chat = await app_download(site, story.dan, "/api/chats/-100999999/pack")
    assert no_chat.status == 404 and no_chat.json()["error"] == "not_found"
    for person, chat_id in ((story.dan, kitchen), (story.ann, office), (story.cat, office)):
        refused = await app_download(site, person, f"/api/chats/{chat_id}/pack")
        assert (refused.status, refused.json()) == (404, no_chat.json())
        assert refused.headers["Content-Type"].startswith("application/json")
    # An id past 64 bits names nothing.
    huge = await app_download(site, story.ann, f"/api/chats/-{'9' * 19}/pack")
    assert huge.status == 404


async def test_a_forged_or_missing_sign_in_gets_no_pack(site: Site) -> None:
    story = await agreements_in_two_groups(site)
    paths = [f"/api/agreements/{story.ids['intact']}/pack", f"/api/chats/{story.kitchen.id}/pack"]
    for path in paths:
        forged = await app_download(site, None, path, init_data=_forged(story))
        assert forged.status == 401 and forged.json()["error"] == "sign_in_required"
        unsigned = await app_download(site, None, path)
        assert unsigned.status == 401 and unsigned.json()["error"] == "sign_in_required"


def _forged(story: Story) -> str:
    return init_data_for(story.ann, token="123456:not-this-bots-token")


async def test_a_chat_over_the_cap_gets_a_clear_refusal(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = await agreements_in_two_groups(site)
    # Four agreements in the kitchen: a cap of three refuses it, one agreement still goes.
    monkeypatch.setattr(pack_api, "MAX_CHAT_PACK_AGREEMENTS", 3)
    refused = await app_download(site, story.ann, f"/api/chats/{story.kitchen.id}/pack")
    assert refused.status == 422
    body = refused.json()
    assert body["error"] == "pack_too_large"
    assert (body["agreements"], body["max_agreements"]) == (4, 3)
    assert "one by one" in body["message"]
    one = await app_download(site, story.ann, f"/api/agreements/{story.ids['edited']}/pack")
    assert one.status == 200

    monkeypatch.setattr(pack_api, "MAX_CHAT_PACK_AGREEMENTS", 200)
    monkeypatch.setattr(pack_api, "MAX_CHAT_PACK_BYTES", 100)  # the records alone are more
    refused = await app_download(site, story.ann, f"/api/chats/{story.kitchen.id}/pack")
    assert refused.status == 422 and refused.json()["bytes"] > 100


@pytest.fixture
def no_free_pack_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every slot for building packs taken (set before the bot starts)."""
    monkeypatch.setattr(pack_api, "PACKS_AT_ONCE", 0)


async def test_a_pack_that_would_wait_for_a_slot_is_refused_at_once(
    no_free_pack_slot: None, site: Site
) -> None:
    """Waiting packs would each hold a database connection the bot's handlers need."""
    story = await agreements_in_two_groups(site)
    path = f"/api/agreements/{story.ids['edited']}/pack"
    busy = await asyncio.wait_for(app_download(site, story.ann, path), timeout=10)
    assert busy.status == 503 and busy.json()["error"] == "busy"


async def pack_link(site: Site, init_data: str | None, path: str) -> tuple[int, dict]:
    """POST ``path``-link as the Mini App does for Telegram's own download."""
    headers = {"Authorization": f"tma {init_data}"} if init_data is not None else {}
    async with site.http.post(f"{path}-link", headers=headers) as response:
        return response.status, await response.json()


async def fetched(site: Site, url: str) -> tuple[int, bytes]:
    """What a Telegram client gets for a link: a plain GET, no initData."""
    async with site.http.get(url) as response:
        return response.status, await response.read()


async def test_a_pack_link_gives_the_same_pack_to_whoever_fetches_it(site: Site) -> None:
    story = await agreements_in_two_groups(site)
    path = f"/api/chats/{story.kitchen.id}/pack"
    status, link = await pack_link(site, init_data_for(story.cat), path)
    assert status == 200 and link["file_name"] == f"evidence-chat{story.kitchen.id}.zip"

    status, content = await fetched(site, link["url"])
    direct = await app_download(site, story.cat, path)
    assert status == 200
    assert record_hashes(unzipped(content)) == record_hashes(unzipped(direct.content))


async def test_a_pack_link_is_given_only_for_what_is_yours_and_cannot_be_changed(
    site: Site,
) -> None:
    story = await agreements_in_two_groups(site)
    office = f"/api/agreements/{story.ids['office']}/pack"
    status, body = await pack_link(site, init_data_for(story.ann), office)
    assert status == 404 and body["error"] == "not_found"
    status, body = await pack_link(site, _forged(story), office)
    assert status == 401 and body["error"] == "sign_in_required"

    mine = f"/api/agreements/{story.ids['intact']}/pack"
    _, link = await pack_link(site, init_data_for(story.ann), mine)
    token = link["url"].rsplit("/", 1)[1]
    payload, _, tag = token.partition(".")
    # Ann's link made to name the office's agreement, or someone else: no pack.
    office_id = str(story.ids["office"]).encode()
    for changed in (
        payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"),
        base64.urlsafe_b64encode(
            base64.urlsafe_b64decode(payload + "==").replace(
                str(story.ids["intact"]).encode(), office_id, 1
            )
        )
        .rstrip(b"=")
        .decode(),
    ):
        status, _ = await fetched(site, f"{site.base_url}/p/{changed}.{tag}")
        assert status == 404


async def test_an_expired_pack_link_says_so(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    story = await agreements_in_two_groups(site)
    monkeypatch.setattr(pack_api, "LINK_SECONDS", 0)
    _, link = await pack_link(
        site, init_data_for(story.ann), f"/api/agreements/{story.ids['intact']}/pack"
    )
    status, _ = await fetched(site, link["url"])
    assert status == 410


async def test_a_pack_link_fetched_in_a_loop_is_slowed_down(site: Site) -> None:
    story = await agreements_in_two_groups(site)
    _, link = await pack_link(
        site, init_data_for(story.ann), f"/api/agreements/{story.ids['intact']}/pack"
    )
    fetches = range(pack_api.LINK_FETCHES_PER_MINUTE + 1)
    statuses = [(await fetched(site, link["url"]))[0] for _ in fetches]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
