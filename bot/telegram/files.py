"""Fetching an agreed message's file from the Bot API server before it is recorded."""

from __future__ import annotations

import logging

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest

from bot.core.media import DOWNLOAD_LIMIT, Download, Media

logger = logging.getLogger(__name__)


class FileUnavailable(Exception):
    """Telegram could not hand the file over just now; marking again may work."""


async def fetch_file(bot: Bot, media: Media) -> Download:
    """The file's bytes, or, for a file Telegram never hands to bots, why not."""
    too_big = "too_big"  # the emails say it in the reader's language
    if media.size is not None and media.size > DOWNLOAD_LIMIT:
        return Download(None, too_big)
    try:
        file = await bot.get_file(media.file_id)
        if file.file_path is None:
            raise FileUnavailable("no file_path in getFile's answer")
        content = await bot.download_file(file.file_path)
    except TelegramBadRequest as exc:
        if "too big" in exc.message:
            return Download(None, too_big)
        raise FileUnavailable(exc.message) from exc
    except (TelegramAPIError, aiohttp.ClientError, TimeoutError) as exc:
        raise FileUnavailable(str(exc) or type(exc).__name__) from exc
    if content is None:
        raise FileUnavailable("the download was empty")
    return Download(content.read())
