"""Media messages from the scenario layer: captions, files behind them, edits and albums."""

from __future__ import annotations

import pytest
from aiogram import Bot

from tests.botapi import BotAPIServer, Group, Person, TelegramWorld

from .support import downloaded, parsed

OFFER = b"%PDF-1.7\noffer v1\n%%EOF\n"
OFFER_V2 = b"%PDF-1.7\noffer v2\n%%EOF\n"


def see_everything(server: BotAPIServer, group: Group) -> None:
    """Makes the bot an admin, so privacy mode hides nothing in the group."""
    server.set_chat_member_status(group.id, server.bot_user["id"], "administrator")


async def test_document_with_a_caption_parses_and_downloads(
    server: BotAPIServer, bot: Bot, alice: Person, group: Group
) -> None:
    sent = alice.sends_document(
        group, OFFER, file_name="offer.pdf", caption="/agree <b>Stage 1</b>", parse_mode="HTML"
    )
    assert list(sent["document"]) == [
        "file_name",
        "mime_type",
        "file_id",
        "file_unique_id",
        "file_size",
    ]
    [update] = server.pending_updates  # a command caption reaches a bot in privacy mode
    message = parsed(update, bot).message
    assert message is not None and message.document is not None
    assert (message.document.file_name, message.document.mime_type) == (
        "offer.pdf",
        "application/pdf",
    )
    assert message.document.file_size == len(OFFER)
    assert message.caption == "/agree Stage 1"
    entities = [(e.type, e.offset, e.length) for e in message.caption_entities or []]
    assert entities == [("bot_command", 0, 6), ("bold", 7, 7)]
    assert await downloaded(bot, message.document) == OFFER
    assert server.download_count(message.document.file_id) == 1


async def test_photo_sizes_grow_and_the_largest_is_the_file(
    server: BotAPIServer, bot: Bot, alice: Person, group: Group
) -> None:
    picture = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
    sent = alice.sends_photo(group, picture, caption="/agree as pictured")
    sizes = [(size["width"], size["height"]) for size in sent["photo"]]
    assert sizes == [(90, 68), (320, 240), (800, 600), (1280, 960)]
    file_sizes = [size["file_size"] for size in sent["photo"]]
    assert file_sizes == sorted(file_sizes) and file_sizes[-1] == len(picture)
    assert len({size["file_unique_id"] for size in sent["photo"]}) == 4
    message = parsed(server.pending_updates[0], bot).message
    assert message is not None and message.photo is not None
    assert await downloaded(bot, message.photo[-1]) == picture


async def test_video_audio_voice_and_thumbnails_parse(
    server: BotAPIServer, bot: Bot, alice: Person, group: Group
) -> None:
    see_everything(server, group)
    alice.sends_video(group, b"video", duration=7, caption="walkthrough")
    alice.sends_audio(group, b"audio", title="Call", performer="Alice")
    alice.sends_voice(group, b"voice", duration=2)
    alice.sends_document(group, OFFER, thumbnail=True)
    alice.sends_sticker(group)
    messages = [parsed(update, bot).message for update in server.pending_updates]
    video, audio, voice, document, sticker = messages
    assert video and video.video and video.video.duration == 7 and video.video.thumbnail
    assert (
        audio
        and audio.audio
        and (audio.audio.title, audio.audio.performer)
        == (
            "Call",
            "Alice",
        )
    )
    assert voice and voice.voice and voice.voice.mime_type == "audio/ogg"
    assert document and document.document and document.document.thumbnail
    assert sticker and sticker.sticker
    # every file behind these messages can be fetched
    for file in (video.video, audio.audio, voice.voice, document.document.thumbnail):
        assert (await bot.get_file(file.file_id)).file_path


async def test_caption_edits_and_replaced_media(
    server: BotAPIServer, bot: Bot, alice: Person, bob: Person, group: Group
) -> None:
    see_everything(server, group)
    sent = alice.sends_document(group, OFFER, caption="offer v1")
    captioned = alice.edits_caption(sent, "offer v1, signed")
    assert captioned["caption"] == "offer v1, signed" and captioned["edit_date"]
    assert captioned["document"] == sent["document"]
    replaced = alice.replaces_media(sent, OFFER_V2, file_name="offer-v2.pdf")
    assert replaced["caption"] == "offer v1, signed"  # the caption stays
    assert replaced["document"]["file_name"] == "offer-v2.pdf"
    assert replaced["document"]["file_unique_id"] != sent["document"]["file_unique_id"]
    uncaptioned = alice.edits_caption(sent, "")
    assert "caption" not in uncaptioned
    assert server.message(group.id, sent["message_id"]) == uncaptioned
    updates = server.pending_updates
    assert [next(k for k in u if k != "update_id") for u in updates] == [
        "message",
        "edited_message",
        "edited_message",
        "edited_message",
    ]
    edited = parsed(updates[2], bot).edited_message
    assert edited is not None and edited.document is not None
    assert await downloaded(bot, edited.document) == OFFER_V2
    with pytest.raises(AssertionError, match="own messages"):
        bob.edits_caption(sent, "not yours")


async def test_albums_share_a_media_group_id(
    server: BotAPIServer, bot: Bot, world: TelegramWorld, alice: Person, group: Group
) -> None:
    see_everything(server, group)
    album = alice.sends_album(
        group, [b"page 1", b"page 2", b"page 3"], kind="document", caption="/agree scans"
    )
    assert len({m["media_group_id"] for m in album}) == 1
    assert [m.get("caption") for m in album] == ["/agree scans", None, None]
    photos = alice.sends_album(group, [b"a", b"b"])
    assert photos[0]["media_group_id"] != album[0]["media_group_id"]
    by_hand = world.media_group_id()
    pair = [alice.sends_photo(group, b"c", media_group_id=by_hand) for _ in range(2)]
    assert {m["media_group_id"] for m in pair} == {by_hand}
    for update in server.pending_updates:
        parsed(update, bot)
