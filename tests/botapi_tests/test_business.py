"""Telegram Business: connections, business chats, and the bot acting for the owner."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import ReplyParameters

from tests.botapi import BotAPIServer, BusinessConnection, Person, RecordedCall, TelegramWorld

from .support import parsed, rejected


def kinds(server: BotAPIServer) -> list[str]:
    return [next(k for k in u if k != "update_id") for u in server.pending_updates]


@pytest.fixture
def connection(world: TelegramWorld, alice: Person) -> BusinessConnection:
    return world.business_connection(alice)


async def test_connection_updates_parse_and_get_business_connection_agrees(
    server: BotAPIServer, bot: Bot, alice: Person, connection: BusinessConnection
) -> None:
    update = parsed(server.pending_updates[0], bot).business_connection
    assert update is not None
    assert (update.id, update.user.id, update.user_chat_id) == (connection.id, alice.id, alice.id)
    assert update.is_enabled and update.rights is not None
    assert (update.rights.can_reply, update.rights.can_read_messages) == (True, True)
    assert update.rights.can_delete_all_messages is None  # only granted rights are sent
    fetched = await bot.get_business_connection(connection.id)
    assert fetched.model_dump() == update.model_dump()
    connection.revoke_reply()
    connection.disable()
    revoked, disabled = (parsed(u, bot).business_connection for u in server.pending_updates[1:])
    assert (
        revoked and revoked.rights and revoked.rights.can_reply is None and not revoked.can_reply
    )
    assert disabled and not disabled.is_enabled and disabled.rights is None
    assert server.business_connection(connection.id) == connection.json()
    missing = await rejected(bot.get_business_connection("nope"), TelegramBadRequest)
    assert missing == "Bad Request: business connection not found"


async def test_business_chat_messages_edits_and_deletions(
    server: BotAPIServer, bot: Bot, alice: Person, bob: Person, connection: BusinessConnection
) -> None:
    asked = connection.client_says(bob, "Deal at 150 000?")
    agreed = connection.owner_says("/agree", reply_to=asked)
    bob.edits(asked, "Deal at 140 000?")
    connection.deletes([asked, agreed])
    assert kinds(server) == [
        "business_connection",
        "business_message",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
    ]
    updates = [parsed(u, bot) for u in server.pending_updates]
    first = updates[1].business_message
    assert first is not None and first.business_connection_id == connection.id
    assert (first.chat.id, first.chat.type, first.from_user and first.from_user.id) == (
        bob.id,
        "private",
        bob.id,
    )
    reply = updates[2].business_message
    assert reply and reply.from_user and reply.from_user.id == alice.id
    assert reply.reply_to_message and reply.reply_to_message.text == "Deal at 150 000?"
    edited = updates[3].edited_business_message
    assert edited and edited.text == "Deal at 140 000?" and edited.edit_date
    deleted = updates[4].deleted_business_messages
    assert deleted and deleted.chat.id == bob.id
    assert deleted.message_ids == [asked["message_id"], agreed["message_id"]]
    assert server.chat_history(connection.chat(bob).key) == []
    # a client of a business account has not started the bot, and its own chat is apart
    assert server.chat_history(bob.id) == []
    lonely = bot.send_message(bob.id, "hi")
    description = await rejected(lonely, TelegramForbiddenError)
    assert description == "Forbidden: bot can't initiate conversation with a user"
    assert (await bot.send_message(alice.id, "connected")).chat.id == alice.id  # user_chat_id


async def test_the_bot_answers_for_the_owner(
    server: BotAPIServer,
    bot: Bot,
    world: TelegramWorld,
    alice: Person,
    bob: Person,
    connection: BusinessConnection,
) -> None:
    asked = connection.client_says(bob, "Deal at 150 000?")
    sent = await bot.send_message(
        bob.id,
        "Agreed, recorded",
        business_connection_id=connection.id,
        reply_parameters=ReplyParameters(message_id=asked["message_id"]),
    )
    assert sent.business_connection_id == connection.id
    assert sent.from_user and sent.from_user.id == alice.id
    assert sent.sender_business_bot and sent.sender_business_bot.id == server.bot_user["id"]
    assert sent.reply_to_message and sent.reply_to_message.message_id == asked["message_id"]
    reply = await world.bot_reply(connection.chat(bob))
    assert (reply["message_id"], reply["text"]) == (sent.message_id, "Agreed, recorded")
    assert server.bot_messages(bob.id) == []  # not in bob's own chat with the bot
    edited = await bot.edit_message_text(
        "Agreed at 150 000",
        chat_id=bob.id,
        message_id=sent.message_id,
        business_connection_id=connection.id,
    )
    assert not isinstance(edited, bool) and edited.text == "Agreed at 150 000"
    theirs = bot.edit_message_text(
        "x", chat_id=bob.id, message_id=asked["message_id"], business_connection_id=connection.id
    )
    assert await rejected(theirs, TelegramBadRequest) == "Bad Request: message can't be edited"
    assert await bot.send_chat_action(bob.id, "typing", business_connection_id=connection.id)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (BusinessConnection.disable, "Bad Request: BUSINESS_CONNECTION_INVALID"),
        (BusinessConnection.revoke_reply, "Bad Request: BOT_ACCESS_FORBIDDEN"),
    ],
)
async def test_rights_decide_whether_the_bot_may_answer(
    server: BotAPIServer,
    bot: Bot,
    bob: Person,
    connection: BusinessConnection,
    change: Callable[[BusinessConnection], None],
    error: str,
) -> None:
    connection.client_says(bob, "Hello?")
    change(connection)
    answer = bot.send_message(bob.id, "x", business_connection_id=connection.id)
    assert await rejected(answer, TelegramBadRequest) == error


async def test_disabled_connections_deliver_nothing(
    server: BotAPIServer, bob: Person, connection: BusinessConnection
) -> None:
    connection.disable()
    connection.client_says(bob, "anyone there?")
    assert kinds(server) == ["business_connection", "business_connection"]
    assert len(server.dropped_updates) == 1
    connection.enable()
    connection.client_says(bob, "hello again")
    assert kinds(server)[-1] == "business_message"


@pytest.mark.parametrize(
    ("chat_id", "error"),
    [
        ("", "chat identifier is empty"),
        ("@bob", "chat identifier must be a valid Integer"),
        ("-1001000000001", "chat must be a private chat"),
        ("owner", "messages must not be sent to self"),
        ("stranger", "BUSINESS_PEER_USAGE_MISSING"),
    ],
)
async def test_business_chat_ids_are_checked(
    server: BotAPIServer,
    alice: Person,
    world: TelegramWorld,
    connection: BusinessConnection,
    chat_id: str,
    error: str,
) -> None:
    chat_id = {"owner": str(alice.id), "stranger": str(world.user("Carol").id)}.get(
        chat_id, chat_id
    )
    params = {"chat_id": chat_id, "text": "x", "business_connection_id": connection.id}
    call = await raw_send(server, params)
    assert (call.error_code, call.description) == (400, f"Bad Request: {error}")
    unknown = await raw_send(server, {**params, "business_connection_id": "nope"})
    if chat_id.lstrip("-").isdigit():
        assert unknown.description == "Bad Request: business connection not found"


async def raw_send(server: BotAPIServer, params: dict[str, str]) -> RecordedCall:
    """sendMessage as a form, so that even an empty or non-numeric chat_id gets through."""
    url = f"{server.base_url}/bot{server.token}/sendMessage"
    async with aiohttp.ClientSession() as session, session.post(url, data=params):
        pass
    return server.requests[-1]


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000

    def __call__(self) -> int:
        return self.now


async def test_the_reply_window_is_24_hours_after_the_clients_message() -> None:
    clock = Clock()
    async with BotAPIServer(clock=clock) as server:
        world = TelegramWorld(server)
        owner, client = world.user("Alice"), world.user("Bob")
        connection = world.business_connection(owner)
        bot = Bot(server.token, session=AiohttpSession(api=api_of(server)))
        async with bot.session:
            connection.client_says(client, "hi")
            connection.owner_says("hello", client=client)  # the owner's own words don't count
            clock.now += 24 * 60 * 60 - 1
            assert await bot.send_message(client.id, "ok", business_connection_id=connection.id)
            clock.now += 1
            late = bot.send_message(client.id, "late", business_connection_id=connection.id)
            assert await rejected(late, TelegramBadRequest) == (
                "Bad Request: BUSINESS_PEER_USAGE_MISSING"
            )


def api_of(server: BotAPIServer) -> TelegramAPIServer:
    return TelegramAPIServer.from_base(server.base_url)
