"""The fake Bot API server, driven through aiogram's real HTTP client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)

from tests.botapi import BotAPIServer, Group, Person, TelegramWorld

PARSE_ERROR = "Bad Request: can't parse entities: "


@pytest.fixture
async def server() -> AsyncIterator[BotAPIServer]:
    async with BotAPIServer() as fake:
        yield fake


def make_bot(server: BotAPIServer, token: str | None = None) -> Bot:
    api = TelegramAPIServer.from_base(server.base_url)
    return Bot(token or server.token, session=AiohttpSession(api=api))


@pytest.fixture
async def bot(server: BotAPIServer) -> AsyncIterator[Bot]:
    client = make_bot(server)
    yield client
    await client.session.close()


@pytest.fixture
def world(server: BotAPIServer) -> TelegramWorld:
    return TelegramWorld(server)


@pytest.fixture
def alice(world: TelegramWorld) -> Person:
    return world.user("Alice", "Smith", username="alice", language_code="ru")


@pytest.fixture
def group(world: TelegramWorld) -> Group:
    return world.group("Project X")


def dumped(entities: Any) -> list[dict[str, Any]]:
    return [e.model_dump(exclude_none=True) for e in entities or []]


async def rejected(call: Any, error: type[Exception] = TelegramBadRequest) -> str:
    """Awaits a call that must fail and returns Telegram's description."""
    with pytest.raises(error) as info:
        await call
    return str(info.value.message)  # type: ignore[attr-defined]


def keyboard(**button: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Go", **button)]])


# -- HTML parse mode ----------------------------------------------------------------------


async def test_good_html_gives_plain_text_and_entities(bot: Bot, alice: Person) -> None:
    alice.says_private("/start")
    html = (
        "<b>bold <i>both</i></b> <u>u</u> <s>s</s> <tg-spoiler>sp</tg-spoiler> "
        '<span class="tg-spoiler">sp2</span> <a href="https://example.com/path">link</a> '
        '<code>c</code> <pre><code class="language-python">print(1)</code></pre> '
        "<blockquote expandable>q</blockquote>"
    )
    message = await bot.send_message(alice.id, html, parse_mode="HTML")
    assert message.text == "bold both u s sp sp2 link c print(1) q"
    assert dumped(message.entities) == [
        {"type": "bold", "offset": 0, "length": 9},
        {"type": "italic", "offset": 5, "length": 4},
        {"type": "underline", "offset": 10, "length": 1},
        {"type": "strikethrough", "offset": 12, "length": 1},
        {"type": "spoiler", "offset": 14, "length": 2},
        {"type": "spoiler", "offset": 17, "length": 3},
        {"type": "text_link", "offset": 21, "length": 4, "url": "https://example.com/path"},
        {"type": "code", "offset": 26, "length": 1},
        {"type": "pre", "offset": 28, "length": 8, "language": "python"},
        {"type": "expandable_blockquote", "offset": 37, "length": 1},
    ]


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("a <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 2'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("héllo <b", "Unclosed start tag at byte offset 7"),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="https://example.com"', "Unclosed start tag at byte offset 0"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href=http://x.com>y</a>", "Unexpected end of name token at byte offset 8"),
        ("<b =x>y</b>", 'Empty attribute name in the tag "b" at byte offset 0'),
        ('<tg-emoji emoji-id="abc">👍</tg-emoji>', "Invalid custom emoji identifier specified"),
    ],
)
async def test_bad_html_is_rejected_like_telegram(
    bot: Bot, alice: Person, html: str, problem: str
) -> None:
    alice.says_private("/start")
    description = await rejected(bot.send_message(alice.id, html, parse_mode="HTML"))
    assert description == PARSE_ERROR + problem


async def test_escapes_round_trip_and_lenient_characters_stay_literal(
    bot: Bot, alice: Person
) -> None:
    alice.says_private("/start")
    html = "&lt;b&gt; &amp; &quot;q&quot; &#65;&#x42; &nbsp; AT&T 5 > 3"
    message = await bot.send_message(alice.id, html, parse_mode="HTML")
    assert message.text == '<b> & "q" AB &nbsp; AT&T 5 > 3'
    assert message.entities is None


async def test_offsets_and_lengths_count_utf16_code_units(bot: Bot, alice: Person) -> None:
    alice.says_private("/start")
    message = await bot.send_message(alice.id, "😀 <b>x</b>", parse_mode="HTML")
    assert dumped(message.entities) == [{"type": "bold", "offset": 3, "length": 1}]
    assert (await bot.send_message(alice.id, "😀" * 2048)).text == "😀" * 2048
    description = await rejected(bot.send_message(alice.id, "😀" * 2049))
    assert description == "Bad Request: message is too long"


async def test_length_limit_applies_to_the_parsed_text(bot: Bot, alice: Person) -> None:
    alice.says_private("/start")
    accepted = await bot.send_message(alice.id, f"<b>{'a' * 4096}</b>", parse_mode="HTML")
    assert len(accepted.text or "") == 4096
    description = await rejected(bot.send_message(alice.id, "a" * 4097))
    assert description == "Bad Request: message is too long"


async def test_empty_and_blank_texts(bot: Bot, alice: Person) -> None:
    alice.says_private("/start")
    # aiogram drops empty values, so Telegram sees no text at all
    assert await rejected(bot.send_message(alice.id, "")) == "Bad Request: message text is empty"
    blank = await rejected(bot.send_message(alice.id, "<b> </b>\n", parse_mode="HTML"))
    assert blank == "Bad Request: text must be non-empty"
    trimmed = await bot.send_message(alice.id, "\n  <b>hi</b>  \n", parse_mode="HTML")
    assert trimmed.text == "hi"
    assert dumped(trimmed.entities) == [{"type": "bold", "offset": 0, "length": 2}]


async def test_auto_detected_entities_split_formatting(bot: Bot, alice: Person) -> None:
    alice.says_private("/start")
    html = "<b>see https://example.com now</b> /help @alice"
    message = await bot.send_message(alice.id, html, parse_mode="HTML")
    assert dumped(message.entities) == [
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "url", "offset": 4, "length": 19},
        {"type": "bold", "offset": 4, "length": 19},
        {"type": "bold", "offset": 23, "length": 4},
        {"type": "bot_command", "offset": 28, "length": 5},
        {"type": "mention", "offset": 34, "length": 6},
    ]


async def test_markdown_is_refused_with_a_clear_reason(bot: Bot, alice: Person) -> None:
    alice.says_private("/start")
    description = await rejected(bot.send_message(alice.id, "*x*", parse_mode="MarkdownV2"))
    assert description.startswith(PARSE_ERROR) and "HTML" in description


# -- reply markup -------------------------------------------------------------------------


async def test_callback_data_limit_is_64_bytes(bot: Bot, alice: Person) -> None:
    alice.says_private("/start")
    data = "я" * 32  # 64 bytes in UTF-8, 32 characters
    message = await bot.send_message(alice.id, "ok", reply_markup=keyboard(callback_data=data))
    assert message.reply_markup is not None
    assert message.reply_markup.inline_keyboard[0][0].callback_data == data
    too_long = keyboard(callback_data=data + "!")
    description = await rejected(bot.send_message(alice.id, "x", reply_markup=too_long))
    assert description == "Bad Request: BUTTON_DATA_INVALID"


@pytest.mark.parametrize(
    ("url", "reason"),
    [("ftp://example.com", "Unsupported URL protocol"), ("localhost", "Wrong HTTP URL")],
)
async def test_bad_button_url_is_rejected(bot: Bot, alice: Person, url: str, reason: str) -> None:
    alice.says_private("/start")
    description = await rejected(bot.send_message(alice.id, "x", reply_markup=keyboard(url=url)))
    assert description == f"Bad Request: inline keyboard button URL '{url}' is invalid: {reason}"


async def test_malformed_markup_json_is_rejected(server: BotAPIServer, alice: Person) -> None:
    alice.says_private("/start")
    params = {"chat_id": str(alice.id), "text": "x", "reply_markup": "{not json"}
    status, body = await raw_call(server, "sendMessage", data=params)
    assert (status, body["description"]) == (
        400,
        "Bad Request: can't parse reply keyboard markup JSON object",
    )


async def test_too_many_buttons_and_text_only_buttons(bot: Bot, alice: Person) -> None:
    alice.says_private("/start")
    rows = [[InlineKeyboardButton(text=str(i), callback_data=str(i))] for i in range(101)]
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    description = await rejected(bot.send_message(alice.id, "x", reply_markup=markup))
    assert description == "Bad Request: reply markup is too long"
    plain = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x")]])
    description = await rejected(bot.send_message(alice.id, "x", reply_markup=plain))
    assert description == (
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard"
    )


# -- getUpdates ---------------------------------------------------------------------------


async def test_long_poll_wakes_up_when_an_update_arrives(
    server: BotAPIServer, bot: Bot, alice: Person
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await server.wait_until_polling()
    loop = asyncio.get_running_loop()
    pushed_at = loop.time()
    message = alice.says_private("/start")
    updates = await asyncio.wait_for(poll, 5)
    assert loop.time() - pushed_at < 1.0
    assert [u.message.message_id for u in updates if u.message] == [message["message_id"]]


async def test_offset_confirms_earlier_updates_forever(
    server: BotAPIServer, bot: Bot, alice: Person
) -> None:
    for text in ("one", "two", "three"):
        alice.says_private(text)
    first = await bot.get_updates()
    assert [u.message.text for u in first if u.message] == ["one", "two", "three"]
    again = await bot.get_updates(offset=first[-1].update_id)
    assert [u.update_id for u in again] == [first[-1].update_id]
    assert await bot.get_updates(offset=first[-1].update_id + 1) == []
    assert server.pending_updates == []
    assert await bot.get_updates(offset=first[0].update_id) == []


async def test_allowed_updates_filter_is_remembered(
    server: BotAPIServer, bot: Bot, world: TelegramWorld, alice: Person
) -> None:
    alice.says_private("/start")
    await bot.send_message(alice.id, "pick", reply_markup=keyboard(callback_data="a"))
    alice.says_private("ignored message")
    alice.presses(await world.bot_reply(alice), callback_data="a")
    only_queries = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in only_queries if u.callback_query] == ["a"]
    assert len(only_queries) == 1
    alice.says_private("still ignored")
    assert await bot.get_updates(offset=only_queries[-1].update_id + 1) == []
    # [] restores Telegram's default, which still leaves chat_member out
    group = world.group("Team")
    server.push_update({"chat_member": chat_member_change(world, group, alice)})
    alice.says_private("seen again")
    default = await bot.get_updates(allowed_updates=[])
    assert [u.message.text for u in default if u.message] == ["seen again"]
    assert len(default) == 1


def chat_member_change(world: TelegramWorld, group: Group, person: Person) -> dict[str, Any]:
    change = world.bot_status_change(group.chat, person, "left", "member")
    user = person.user
    return {
        **change,
        "old_chat_member": {"user": user, "status": "left"},
        "new_chat_member": {"user": user, "status": "member"},
    }


async def test_second_poll_terminates_the_waiting_one(
    server: BotAPIServer, bot: Bot, alice: Person
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await server.wait_until_polling()
    second = asyncio.create_task(bot.get_updates(timeout=30))
    description = await rejected(asyncio.wait_for(first, 5), TelegramConflictError)
    assert description == (
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running"
    )
    await server.wait_until_polling()
    alice.says_private("hello")
    updates = await asyncio.wait_for(second, 5)
    assert [u.message.text for u in updates if u.message] == ["hello"]


async def test_webhook_excludes_get_updates(bot: Bot) -> None:
    assert await bot.set_webhook("https://example.com/hook")
    description = await rejected(bot.get_updates(), TelegramConflictError)
    assert description == (
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []
    insecure = await rejected(bot.set_webhook("http://example.com/hook"))
    assert insecure == "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"


# -- sending, replying, editing -----------------------------------------------------------


async def test_private_chat_needs_the_user_to_start_it(
    bot: Bot, alice: Person, group: Group
) -> None:
    alice.says(group, "hi all")
    description = await rejected(bot.send_message(alice.id, "hi"), TelegramForbiddenError)
    assert description == "Forbidden: bot can't initiate conversation with a user"
    assert await rejected(bot.send_message(999, "hi")) == "Bad Request: chat not found"
    alice.says_private("/start")
    assert (await bot.send_message(alice.id, "hi")).chat.id == alice.id
    alice.blocks_bot()
    description = await rejected(bot.send_message(alice.id, "hi"), TelegramForbiddenError)
    assert description == "Forbidden: bot was blocked by the user"


async def test_replies_need_an_existing_message(
    server: BotAPIServer, bot: Bot, alice: Person, group: Group
) -> None:
    asked = alice.says(group, "/agree")
    missing = ReplyParameters(message_id=999)
    description = await rejected(bot.send_message(group.id, "x", reply_parameters=missing))
    assert description == "Bad Request: message to be replied not found"
    lenient = ReplyParameters(message_id=999, allow_sending_without_reply=True)
    alone = await bot.send_message(group.id, "x", reply_parameters=lenient)
    assert alone.reply_to_message is None
    reply = await bot.send_message(
        group.id, "noted", reply_parameters=ReplyParameters(message_id=asked["message_id"])
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "/agree"
    call = await server.wait_for_call("sendMessage", lambda p: p["text"] == "noted")
    assert call.params["reply_parameters"] == {"message_id": asked["message_id"]}
    assert call.result["reply_to_message"]["message_id"] == asked["message_id"]


async def test_edit_text_checks_content_and_ownership(
    bot: Bot, alice: Person, group: Group
) -> None:
    markup = keyboard(callback_data="join")
    sent = await bot.send_message(group.id, "<b>Card</b>", parse_mode="HTML", reply_markup=markup)
    same = bot.edit_message_text(
        "<b>Card</b>",
        chat_id=group.id,
        message_id=sent.message_id,
        parse_mode="HTML",
        reply_markup=markup,
    )
    assert await rejected(same) == (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )
    edited = await bot.edit_message_text("Card", chat_id=group.id, message_id=sent.message_id)
    assert edited.text == "Card" and edited.entities is None
    assert edited.reply_markup is None  # omitting reply_markup removes the keyboard
    assert edited.edit_date is not None
    theirs = alice.says(group, "/agree mine")
    foreign = bot.edit_message_text("x", chat_id=group.id, message_id=theirs["message_id"])
    assert await rejected(foreign) == "Bad Request: message can't be edited"
    lost = bot.edit_message_text("x", chat_id=group.id, message_id=12345)
    assert await rejected(lost) == "Bad Request: message to edit not found"


async def test_edit_reply_markup_not_modified(bot: Bot, group: Group) -> None:
    sent = await bot.send_message(group.id, "x", reply_markup=keyboard(callback_data="1"))
    unchanged = bot.edit_message_reply_markup(
        chat_id=group.id, message_id=sent.message_id, reply_markup=keyboard(callback_data="1")
    )
    assert (await rejected(unchanged)).startswith("Bad Request: message is not modified")
    changed = await bot.edit_message_reply_markup(
        chat_id=group.id, message_id=sent.message_id, reply_markup=keyboard(callback_data="2")
    )
    assert not isinstance(changed, bool) and changed.reply_markup is not None
    assert changed.reply_markup.inline_keyboard[0][0].callback_data == "2"


async def test_callback_queries_are_answered_once(
    server: BotAPIServer, bot: Bot, world: TelegramWorld, alice: Person, group: Group
) -> None:
    unknown = bot.answer_callback_query("123456789")
    assert await rejected(unknown) == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    await bot.send_message(group.id, "Join?", reply_markup=keyboard(callback_data="join:7"))
    card = await world.bot_reply(group)
    query_id = alice.presses(card, "Go")
    updates = await bot.get_updates()
    assert [u.callback_query.data for u in updates if u.callback_query] == ["join:7"]
    assert await bot.answer_callback_query(query_id, text="Joined", show_alert=True)
    assert server.answered_callback_queries[query_id]["text"] == "Joined"
    assert (await rejected(bot.answer_callback_query(query_id))).startswith("Bad Request: query")


async def test_wrong_token_is_unauthorized(server: BotAPIServer) -> None:
    intruder = make_bot(server, token="654321:WRONG")
    try:
        assert await rejected(intruder.get_me(), TelegramUnauthorizedError) == "Unauthorized"
    finally:
        await intruder.session.close()
    status, body = await raw_call(server, "getMe", token="no-colon")
    assert (status, body["description"]) == (401, "Unauthorized: invalid token specified")


async def test_get_me_describes_the_bot(server: BotAPIServer, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "test_bot")
    assert me.can_read_all_group_messages is False and me.can_join_groups is True


# -- commands, chats, members -------------------------------------------------------------


async def test_commands_are_validated_and_stored_per_scope(
    server: BotAPIServer, bot: Bot, group: Group
) -> None:
    menu = [BotCommand(command="agree", description="Record an agreement")]
    scope = BotCommandScopeAllGroupChats()
    assert await bot.set_my_commands(menu, scope=scope, language_code="ru")
    stored = await bot.get_my_commands(scope=scope, language_code="ru")
    assert [(c.command, c.description) for c in stored] == [("agree", "Record an agreement")]
    assert await bot.get_my_commands(scope=scope) == []
    assert server.commands({"type": "all_group_chats"}, "ru") == [
        {"command": "agree", "description": "Record an agreement"}
    ]
    bad = [BotCommand(command="Agree", description="x")]
    assert await rejected(bot.set_my_commands(bad)) == "Bad Request: BOT_COMMAND_INVALID"
    blank = [BotCommand(command="agree", description=" ")]
    assert await rejected(bot.set_my_commands(blank)) == (
        "Bad Request: command description must be non-empty"
    )
    wrong_language = bot.set_my_commands(menu, language_code="rus")
    assert await rejected(wrong_language) == "Bad Request: invalid language code specified"
    lost_chat = bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id=-42))
    assert await rejected(lost_chat) == "Bad Request: chat not found"
    assert await bot.delete_my_commands(scope=scope, language_code="ru")
    assert server.commands({"type": "all_group_chats"}, "ru") == []


async def test_members_admins_and_deleting(
    server: BotAPIServer, bot: Bot, alice: Person, group: Group
) -> None:
    theirs = alice.says(group, "/agree")
    assert (await bot.get_chat_member(group.id, alice.id)).status == "member"
    assert await rejected(bot.get_chat_member(group.id, 777)) == "Bad Request: user not found"
    assert await rejected(bot.delete_message(group.id, theirs["message_id"])) == (
        "Bad Request: message can't be deleted"
    )
    server.set_chat_member_status(group.id, server.bot_user["id"], "administrator")
    me = await bot.get_chat_member(group.id, server.bot_user["id"])
    assert me.status == "administrator"
    assert [m.user.id for m in await bot.get_chat_administrators(group.id)] == [123456]
    assert await bot.delete_message(group.id, theirs["message_id"])
    assert server.message(group.id, theirs["message_id"]) is None
    chat = await bot.get_chat(group.id)
    assert (chat.title, chat.type) == ("Project X", "supergroup")
    assert await bot.send_chat_action(group.id, "typing")


async def test_leaving_a_group_is_reported_and_final(
    server: BotAPIServer, bot: Bot, group: Group
) -> None:
    assert await bot.leave_chat(group.id)
    update = server.pending_updates[-1]["my_chat_member"]
    assert update["new_chat_member"]["status"] == "left"
    description = await rejected(bot.send_message(group.id, "x"), TelegramForbiddenError)
    assert description == "Forbidden: bot is not a member of the supergroup chat"


async def test_forum_topics(bot: Bot, world: TelegramWorld, alice: Person) -> None:
    forum = world.group("Forum", forum=True)
    topic = alice.creates_topic(forum, "Stage 1")
    asked = alice.says(forum, "/agree here", topic=topic)
    assert asked["message_thread_id"] == topic and asked["is_topic_message"] is True
    assert asked["reply_to_message"]["forum_topic_created"]["name"] == "Stage 1"
    sent = await bot.send_message(forum.id, "ok", message_thread_id=topic)
    assert (sent.message_thread_id, sent.is_topic_message) == (topic, True)
    lost = bot.send_message(forum.id, "x", message_thread_id=999)
    assert await rejected(lost) == "Bad Request: message thread not found"


# -- the scenario layer and privacy mode --------------------------------------------------


async def test_scenario_updates_parse_with_aiogram(
    server: BotAPIServer, world: TelegramWorld, alice: Person, group: Group
) -> None:
    bob = world.user("Bob", username=None, language_code="en")
    other = world.other_bot("Helper", username="helper_bot")
    msg = alice.says(group, "We agreed on 150 000")
    cmd = bob.says(group, "/agree@test_bot Stage 1", reply_to=msg)
    assert cmd["entities"] == [{"offset": 0, "length": 15, "type": "bot_command"}]
    assert cmd["reply_to_message"]["text"] == "We agreed on 150 000"
    assert "username" not in cmd["from"] and "last_name" not in cmd["from"]
    alice.edits(msg, "We agreed on 160 000")
    alice.sends_sticker(group, reply_to=cmd)
    alice.sends_photo(group, caption="/agree photo")
    alice.adds(group, bob)
    other.says(group, "/help@test_bot")
    alice.says_private("/start email")
    pending = server.pending_updates
    for update in pending:
        Update.model_validate(update)
    kinds = [next(k for k in u if k != "update_id") for u in pending]
    # privacy mode: plain texts, their edits and stickers are not delivered; commands,
    # service messages and private messages are
    assert kinds == ["message"] * 5
    texts = [u["message"].get("text", u["message"].get("caption")) for u in pending]
    commands = ["/agree@test_bot Stage 1", "/agree photo", None, "/help@test_bot"]
    assert texts == [*commands, "/start email"]
    assert pending[2]["message"]["new_chat_members"][0]["id"] == bob.id
    assert len(server.dropped_updates) == 3


async def test_privacy_mode_ends_for_admins_and_replies(
    server: BotAPIServer, bot: Bot, world: TelegramWorld, alice: Person, group: Group
) -> None:
    assert alice.says(group, "chatter") and server.pending_updates == []
    await bot.send_message(group.id, "Question?")
    alice.says(group, "answer", reply_to=await world.bot_reply(group))
    server.set_chat_member_status(group.id, server.bot_user["id"], "administrator")
    alice.says(group, "more chatter")
    texts = [u["message"]["text"] for u in server.pending_updates]
    assert texts == ["answer", "more chatter"]


async def test_wait_for_bot_message_returns_each_message_once(
    server: BotAPIServer, bot: Bot, world: TelegramWorld, group: Group
) -> None:
    await bot.send_message(group.id, "first")
    waiting = asyncio.create_task(world.bot_reply(group, lambda m: m["text"] == "third"))
    await bot.send_message(group.id, "second")
    await bot.send_message(group.id, "third")
    assert (await asyncio.wait_for(waiting, 5))["text"] == "third"
    assert (await world.bot_reply(group))["text"] == "first"
    assert (await world.bot_reply(group))["text"] == "second"
    with pytest.raises(AssertionError, match="timed out"):
        await world.bot_reply(group, timeout=0.05)
    assert server.errors == []


# -- raw HTTP: other encodings and unknown methods ----------------------------------------


async def raw_call(
    server: BotAPIServer,
    method: str,
    *,
    token: str | None = None,
    data: dict[str, str] | None = None,
    json: dict[str, Any] | None = None,
    query: dict[str, str] | None = None,
    http_method: str = "POST",
) -> tuple[int, dict[str, Any]]:
    url = f"{server.base_url}/bot{token or server.token}/{method}"
    async with (
        aiohttp.ClientSession() as session,
        session.request(http_method, url, data=data, json=json, params=query) as response,
    ):
        return response.status, await response.json()


async def test_other_encodings_and_unknown_methods(server: BotAPIServer, alice: Person) -> None:
    alice.says_private("/start")
    by_json = {"chat_id": alice.id, "text": "<i>json</i>", "parse_mode": "HTML"}
    status, body = await raw_call(server, "sendMessage", json=by_json)
    assert status == 200 and body["result"]["entities"][0]["type"] == "italic"
    form = {"chat_id": str(alice.id), "text": "form"}
    status, body = await raw_call(server, "SENDMESSAGE", data=form)
    assert (status, body["result"]["text"]) == (200, "form")
    status, body = await raw_call(server, "sendMessage", query=form, http_method="GET")
    assert (status, body["result"]["text"]) == (200, "form")
    legacy = {**form, "reply_to_message_id": str(body["result"]["message_id"])}
    status, body = await raw_call(server, "sendMessage", data=legacy)
    assert body["result"]["reply_to_message"]["text"] == "form"
    status, body = await raw_call(server, "sendDice", data=form)
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert [c.method for c in server.errors] == ["sendDice"]
