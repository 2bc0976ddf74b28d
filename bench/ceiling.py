"""The ceiling for ingest: aiogram with one empty message handler, polling the way the bot
does (same Bot session and defaults, handle_as_tasks=False, same polling timeout, same
logging), from the same settings. ``python -m bench`` starts it like ``python -m bot``:

    BOT_TOKEN=... TELEGRAM_API_URL=... MAIL_FROM=... .venv/bin/python -m bench.ceiling
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal

from aiogram import Dispatcher, Router
from aiogram.types import Message

from bot.__main__ import event_loop_factory, freeze_imported_heap
from bot.app import build_bot
from bot.config import Settings, load_settings

router = Router()


@router.message()
async def nothing(message: Message) -> None:
    """Takes the message and does nothing with it."""


def configure_logging() -> None:
    """As ``python -m bot`` logs (its own set-up when it has one), at LOG_LEVEL."""
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    try:
        from bot.logs import configure_logging as bot_logging
    except ImportError:
        logging.basicConfig(level=level)
    else:
        bot_logging(level, os.environ.get("LOG_FORMAT", "text").lower())


async def run(settings: Settings) -> None:
    bot = build_bot(settings)
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(dispatcher.stop_polling()))
    try:
        await dispatcher.start_polling(
            bot,
            allowed_updates=dispatcher.resolve_used_update_types(),
            handle_as_tasks=False,
            handle_signals=False,
            close_bot_session=False,
        )
    finally:
        await bot.session.close()


if __name__ == "__main__":
    configure_logging()
    # The event loop the bot runs on (uvloop where installed) and its frozen imports: the
    # same footing.
    freeze_imported_heap()
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(run(load_settings(Settings)))
