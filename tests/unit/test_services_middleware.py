"""The services middleware builds only the services the matched handler takes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update

from bot.agreements.marking import AgreementService
from bot.telegram.middlewares.services import ServicesMiddleware

UPDATE = {
    "update_id": 1,
    "message": {
        "message_id": 5,
        "date": 1_700_000_000,
        "chat": {"id": 7, "type": "private", "first_name": "Ann"},
        "from": {"id": 7, "is_bot": False, "first_name": "Ann"},
        "text": "hello",
    },
}


async def handled_with(handler: Any) -> dict[str, Any]:
    dispatcher = Dispatcher()
    seen: dict[str, Any] = {}

    async def session(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        data["session"] = "the update's session"
        return await handler(event, data)

    async def spy(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        seen.update(data)
        return await handler(event, data)

    dispatcher.message.outer_middleware(session)
    dispatcher.message.middleware(
        ServicesMiddleware(None, None, lambda: datetime.now(UTC), timedelta(0), code_key=b"k")  # type: ignore[arg-type]
    )
    dispatcher.message.middleware(spy)
    dispatcher.message.register(handler)
    bot = Bot("123:abc")
    try:
        await dispatcher.feed_update(bot, Update.model_validate(UPDATE, context={"bot": bot}))
    finally:
        await bot.session.close()
    return seen


async def test_only_the_services_a_handler_takes_are_built() -> None:
    async def takes_one(message: Message, agreements: AgreementService) -> None:
        assert agreements._session == "the update's session"

    seen = await handled_with(takes_one)
    assert isinstance(seen["agreements"], AgreementService)
    assert not {"registration", "edits", "amendments", "listing", "business"} & seen.keys()


async def test_a_handler_that_takes_any_keyword_gets_them_all() -> None:
    async def takes_all(message: Message, **data: Any) -> None:
        assert "listing" in data

    seen = await handled_with(takes_all)
    assert {"agreements", "registration", "edits", "amendments", "listing", "business"} <= set(
        seen
    )
