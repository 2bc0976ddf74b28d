"""getFile and file downloads, through aiogram's real client."""

from __future__ import annotations

import io

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from tests.botapi import BotAPIServer

from .support import rejected

CONTRACT = b"%PDF-1.7\nStage 1: 150 000\n%%EOF\n"


async def test_get_file_gives_a_path_the_bot_can_download(server: BotAPIServer, bot: Bot) -> None:
    ids = server.add_file(CONTRACT, file_name="offer.pdf")
    assert ids == {
        "file_id": ids["file_id"],
        "file_unique_id": ids["file_unique_id"],
        "file_size": len(CONTRACT),
    }
    assert ids["file_id"].startswith("BQAC") and ids["file_unique_id"].startswith("AgAD")
    file = await bot.get_file(ids["file_id"])
    assert (file.file_id, file.file_unique_id, file.file_size) == (
        ids["file_id"],
        ids["file_unique_id"],
        len(CONTRACT),
    )
    assert file.file_path == "documents/file_0.pdf"
    assert (await bot.get_file(ids["file_id"])).file_path == file.file_path  # stable
    assert server.download_count(ids["file_id"]) == 0
    downloaded = await bot.download(ids["file_id"])
    assert isinstance(downloaded, io.BytesIO) and downloaded.read() == CONTRACT
    buffer = io.BytesIO()
    await bot.download_file(file.file_path, buffer)
    assert buffer.getvalue() == CONTRACT
    assert server.download_count(ids["file_id"]) == 2
    assert [(d.path, d.status) for d in server.downloads] == [(file.file_path, 200)] * 2


async def test_paths_follow_the_kind_of_file(server: BotAPIServer, bot: Bot) -> None:
    photo = server.add_file(b"\xff\xd8photo", kind="photo")
    voice = server.add_file(b"OggS voice", kind="voice")
    plain = server.add_file(b"no extension", file_name="README")
    paths = [(await bot.get_file(f["file_id"])).file_path for f in (photo, voice, plain)]
    assert paths == ["photos/file_0.jpg", "voice/file_1.oga", "documents/file_2"]


async def test_unknown_and_huge_files_are_refused(server: BotAPIServer, bot: Bot) -> None:
    unknown = await rejected(bot.get_file("AgACAgIAAxkBAAIBmissing"), TelegramBadRequest)
    assert unknown == "Bad Request: invalid file_id"
    huge = server.add_file(b"too big", file_size=(20 << 20) + 1)
    too_big = await rejected(bot.get_file(huge["file_id"]), TelegramBadRequest)
    assert too_big == "Bad Request: file is too big"
    limit = server.add_file(b"just fits", file_size=20 << 20)
    assert (await bot.get_file(limit["file_id"])).file_size == 20 << 20


async def test_downloads_need_a_given_path_and_the_right_token(
    server: BotAPIServer, bot: Bot
) -> None:
    ids = server.add_file(CONTRACT, file_name="offer.pdf")
    with pytest.raises(aiohttp.ClientResponseError) as unknown:
        await bot.download_file("documents/file_0.pdf")  # no getFile yet: no such path
    assert unknown.value.status == 404
    path = (await bot.get_file(ids["file_id"])).file_path
    async with aiohttp.ClientSession() as session:
        url = f"{server.base_url}/file/bot654321:WRONG/{path}"
        async with session.get(url) as response:
            assert (response.status, await response.json()) == (
                401,
                {"ok": False, "error_code": 401, "description": "Unauthorized"},
            )
    assert server.download_count(ids["file_id"]) == 0
    assert [d.status for d in server.downloads] == [404, 401]
