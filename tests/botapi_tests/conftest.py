"""Fixtures for the fake Bot API's own tests: the server, aiogram's real client, a world."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from tests.botapi import BotAPIServer, Group, Person, TelegramWorld


@pytest.fixture
async def server() -> AsyncIterator[BotAPIServer]:
    async with BotAPIServer() as fake:
        yield fake


@pytest.fixture
async def bot(server: BotAPIServer) -> AsyncIterator[Bot]:
    api = TelegramAPIServer.from_base(server.base_url)
    client = Bot(server.token, session=AiohttpSession(api=api))
    yield client
    await client.session.close()


@pytest.fixture
def world(server: BotAPIServer) -> TelegramWorld:
    return TelegramWorld(server)


@pytest.fixture
def alice(world: TelegramWorld) -> Person:
    return world.user("Alice", "Smith", username="alice", language_code="ru")


@pytest.fixture
def bob(world: TelegramWorld) -> Person:
    return world.user("Bob", username=None)


@pytest.fixture
def group(world: TelegramWorld) -> Group:
    return world.group("Project X")
