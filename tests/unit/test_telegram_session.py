"""TelegramSession keeps the answer models it built, so garbage collection can't drop them."""

import gc
import weakref

from aiogram import Bot
from aiogram.methods import GetMyShortDescription, Response
from aiogram.types import BotShortDescription

from bot.telegram.session import TelegramSession

TOKEN = "42:TEST"


def answer_model_survives_collection() -> bool:
    model = weakref.ref(Response[BotShortDescription])
    gc.collect()
    return model() is not None


async def test_answer_models_outlive_garbage_collection() -> None:
    # Without the session, pydantic's weak cache loses the model at the next collection.
    assert not answer_model_survives_collection()

    session = TelegramSession()
    bot = Bot(TOKEN, session=session)
    try:
        answer = session.check_response(
            bot, GetMyShortDescription(), 200, '{"ok": true, "result": {"short_description": "x"}}'
        )
    finally:
        await bot.session.close()

    assert answer.result is not None and answer.result.short_description == "x"
    assert answer_model_survives_collection()
