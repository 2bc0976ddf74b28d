"""Captioned documents and photos agreed: the file attached, its SHA-256 in the record."""

from __future__ import annotations

import hashlib

import pytest

from tests.support.harness import Harness
from tests.support.mail_checks import assert_file_mailed, assert_file_recorded, assert_record_mail
from tests.support.mails import file_parts, is_edit_alert, record_of, text_of
from tests.support.stories import agreement_mails

OFFER_PDF = b"%PDF-1.4\n% stage 1 offer: 150 000 EUR\n" + bytes(range(256)) * 40
PDF = "application/pdf"


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
        [mail] = await agreement_mails(mailbox, address)
        record = assert_record_mail(mail, to=address, text="Stage 1")
        assert_file_mailed(mail.message, OFFER_PDF, name="offer.pdf", content_type=PDF)
        assert_file_recorded(
            record, OFFER_PDF, kind="document", file_name="offer.pdf", size=len(OFFER_PDF)
        )
        body = text_of(mail.message)
        assert hashlib.sha256(OFFER_PDF).hexdigest() in body
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
    [mail] = await agreement_mails(mailbox, "ann@example.com")
    assert file_parts(mail.message, "image/jpeg") == []
    assert_file_recorded(record_of(mail.message), OFFER_PDF, kind="photo")
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
    [mail] = await agreement_mails(mailbox, "cat@example.com")
    assert file_parts(mail.message, PDF) == [("offer.pdf", OFFER_PDF)]


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
        [mail] = await agreement_mails(mailbox, address)
        assert_file_mailed(mail.message, OFFER_PDF, name=made, content_type=PDF)
        # The record keeps the name as Telegram gave it: it is what was sent.
        assert_file_recorded(record_of(mail.message), OFFER_PDF, file_name=bad_name)


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
    [mail] = await agreement_mails(mailbox, "ann@example.com")
    assert_file_mailed(mail.message, OFFER_PDF, name="_.._offer fdp.exe", content_type=PDF)
