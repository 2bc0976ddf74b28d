"""Captioned documents and photos agreed: the file attached, its SHA-256 in the record."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.e2e.conftest import Harness, text_of
from tests.e2e.test_agreement_flow import attachment, is_agreement
from tests.e2e.test_edits import is_edit_alert

OFFER_PDF = b"%PDF-1.4\n% stage 1 offer: 150 000 EUR\n" + bytes(range(256)) * 40


def file_parts(message, content_type: str) -> list[tuple[str | None, bytes]]:
    return [
        (part.get_filename(), part.get_payload(decode=True))
        for part in message.iter_attachments()
        if part.get_content_type() == content_type
    ]


async def test_a_captioned_document_arrives_attached_with_its_hash_in_the_record(
    harness: Harness,
) -> None:
    world, mailbox, api = harness.world, harness.mailbox, harness.api
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Docs")
    await harness.register(ann, "ann@example.com")
    await harness.register(ben, "ben@example.com")
    offer = ben.sends_document(
        group, OFFER_PDF, file_name="offer.pdf", mime_type="application/pdf", caption="Stage 1"
    )
    ann.says(group, "/agree", reply_to=offer)
    card = await world.bot_reply(group)
    assert "Agreement #1 recorded" in card["text"]

    for address in ("ann@example.com", "ben@example.com"):
        [mail] = await mailbox.wait_for(to=address, where=is_agreement)
        assert file_parts(mail.message, "application/pdf") == [("offer.pdf", OFFER_PDF)]
        record = json.loads(attachment(mail.message))
        media = record["message"]["media"]
        assert media["sha256"] == hashlib.sha256(OFFER_PDF).hexdigest()
        assert (media["kind"], media["file_name"], media["size"]) == (
            "document",
            "offer.pdf",
            len(OFFER_PDF),
        )
        assert record["message"]["text"] == "Stage 1"
        body = text_of(mail.message)
        assert "offer.pdf" in body and media["sha256"] in body
        assert "The file is attached to this email." in body
    file_id = offer["document"]["file_id"]
    assert api.download_count(file_id) == 1  # once, however many parties


@pytest.mark.bot_settings(mail_max_attachment_mb=0.001)
async def test_a_file_over_the_attachment_limit_is_described_not_attached(
    harness: Harness,
) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Docs")
    await harness.register(ann, "ann@example.com")
    photo = ben.sends_photo(group, OFFER_PDF, caption="The plan")  # ~10 KB, over 1 KB
    ann.says(group, "/agree", reply_to=photo)
    [mail] = await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    assert file_parts(mail.message, "image/jpeg") == []
    media = json.loads(attachment(mail.message))["message"]["media"]
    assert media["kind"] == "photo" and media["sha256"] == hashlib.sha256(OFFER_PDF).hexdigest()
    assert "too large to attach" in text_of(mail.message)


async def test_a_caption_edit_and_a_replaced_file_raise_alerts_that_say_so(
    harness: Harness,
) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Docs")
    await harness.register(ann, "ann@example.com")
    offer = ben.sends_document(group, OFFER_PDF, file_name="offer.pdf", caption="Stage 1")
    ann.says(group, "/agree", reply_to=offer)
    await world.bot_reply(group)

    ben.edits_caption(offer, "Stage 1 and 2")
    alert = await world.bot_reply(group, lambda m: "was edited" in m["text"])
    assert "file was replaced" not in alert["text"]
    [mail] = await mailbox.wait_for(to="ann@example.com", where=is_edit_alert)
    assert "Stage 1 and 2" in text_of(mail.message)

    ben.replaces_media(offer, b"%PDF-1.4 another offer", file_name="offer-v2.pdf")
    alert = await world.bot_reply(group, lambda m: "file was replaced" in m["text"], timeout=10)
    assert "The attached file was replaced with another one." in alert["text"]
    await mailbox.wait_for(to="ann@example.com", count=2, where=is_edit_alert)


async def test_agreeing_again_to_an_agreed_file_joins_without_downloading_it_again(
    harness: Harness,
) -> None:
    world, mailbox, api = harness.world, harness.mailbox, harness.api
    ann, ben, cat = world.user("Ann"), world.user("Ben"), world.user("Cat")
    group = world.group("Docs")
    await harness.register(cat, "cat@example.com")
    offer = ben.sends_document(group, OFFER_PDF, file_name="offer.pdf", caption="Stage 1")
    ann.says(group, "/agree", reply_to=offer)
    await world.bot_reply(group, lambda m: "Agreement #1 recorded" in m["text"])
    file_id = offer["document"]["file_id"]
    assert api.download_count(file_id) == 1
    downloads = len(api.calls("getFile"))

    cat.says(group, "/agree", reply_to=offer)
    notice = await world.bot_reply(group, lambda m: "joined" in m["text"])
    assert notice["text"] == "You joined agreement #1."
    ann.says(group, "/agree", reply_to=offer)
    await world.bot_reply(group, lambda m: "already" in m["text"])
    assert api.download_count(file_id) == 1  # the join needs no file
    assert len(api.calls("getFile")) == downloads
    # The late party's mail still carries the file stored at the first mark.
    [mail] = await mailbox.wait_for(to="cat@example.com", where=is_agreement)
    assert file_parts(mail.message, "application/pdf") == [("offer.pdf", OFFER_PDF)]


@pytest.mark.parametrize("bad_name", ["\u202e", "   ", "\u200f\u2066 \t"])
async def test_a_file_whose_name_is_only_controls_or_spaces_is_mailed_under_a_made_name(
    harness: Harness, bad_name: str
) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Docs")
    await harness.register(ann, "ann@example.com")
    await harness.register(ben, "ben@example.com")
    offer = ben.sends_document(group, OFFER_PDF, file_name=bad_name, caption="Stage 1")
    ann.says(group, "/agree", reply_to=offer)
    await world.bot_reply(group, lambda m: "Agreement #1 recorded" in m["text"])
    made = f"document-{offer['chat']['id']}-1.pdf"
    for address in ("ann@example.com", "ben@example.com"):
        [mail] = await mailbox.wait_for(to=address, where=is_agreement)
        assert file_parts(mail.message, "application/pdf") == [(made, OFFER_PDF)]
        assert made in text_of(mail.message)
        # The record keeps the name as Telegram gave it: it is what was sent.
        record = json.loads(attachment(mail.message))
        assert record["message"]["media"]["file_name"] == bad_name


async def test_a_file_name_keeps_its_words_but_loses_controls_and_path_separators(
    harness: Harness,
) -> None:
    world, mailbox = harness.world, harness.mailbox
    ann, ben = world.user("Ann"), world.user("Ben")
    group = world.group("Docs")
    await harness.register(ann, "ann@example.com")
    name = "../..\\offer\u202e  fdp.exe\u200b"
    offer = ben.sends_document(group, OFFER_PDF, file_name=name, caption="Stage 1")
    ann.says(group, "/agree", reply_to=offer)
    [mail] = await mailbox.wait_for(to="ann@example.com", where=is_agreement)
    [(sent_name, content)] = file_parts(mail.message, "application/pdf")
    assert (sent_name, content) == ("_.._offer fdp.exe", OFFER_PDF)
    assert "_.._offer fdp.exe" in text_of(mail.message)
