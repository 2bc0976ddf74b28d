"""Callback queries no handler took: data a client made up, or an old button.

Callback data can be anything; what doesn't parse (views/callbacks.py), or is pressed
where it means nothing, is answered here so that the client stops waiting, and nothing
else happens.
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.telegram.views import agreements as texts

logger = logging.getLogger(__name__)


async def answer_unknown_callback(query: CallbackQuery) -> None:
    chat_id = query.message.chat.id if query.message else None
    logger.info(
        "callback not understood chat=%s user=%s data_length=%s",
        chat_id,
        query.from_user.id,
        len(query.data or ""),
    )
    await query.answer(texts.button_not_here())


def build_router() -> Router:
    router = Router(name="unknown_callbacks")
    router.callback_query.register(answer_unknown_callback)
    return router
