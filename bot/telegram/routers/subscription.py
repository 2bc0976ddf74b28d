"""/unsubscribe and /subscribe: stopping and restarting the bot's mail to one's address."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.registration.subscription import VIA_BOT, SubscriptionService
from bot.telegram.routers.filters import NOT_PRIVATE
from bot.telegram.views import registration, subscription


async def in_group(message: Message, bot: Bot) -> None:
    text, keyboard = registration.go_private((await bot.me()).username or "")
    await message.reply(text, reply_markup=keyboard)


async def unsubscribe(message: Message, subscriptions: SubscriptionService) -> None:
    assert message.from_user is not None
    state = await subscriptions.stop_user(message.from_user.id, VIA_BOT)
    await message.answer(subscription.stopped(state))


async def subscribe(message: Message, subscriptions: SubscriptionService) -> None:
    assert message.from_user is not None
    state = await subscriptions.start_user(message.from_user.id)
    await message.answer(subscription.started(state))


def build_router() -> Router:
    router = Router(name="subscription")
    router.message.register(in_group, Command("unsubscribe", "subscribe"), NOT_PRIVATE)
    router.message.register(unsubscribe, Command("unsubscribe"), F.from_user)
    router.message.register(subscribe, Command("subscribe"), F.from_user)
    return router
