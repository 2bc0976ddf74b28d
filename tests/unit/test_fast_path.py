"""PlainMessageFastPath may pass by only what no message handler would take."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.command import CommandException
from aiogram.types import Chat, Message
from hypothesis import given
from hypothesis import strategies as st

from bot.telegram.middlewares.fast_path import COMMAND_PREFIX, is_plain
from bot.telegram.routers import build_router


def routers(root: Router) -> Iterator[Router]:
    yield root
    for child in root.sub_routers:
        yield from routers(child)


def test_every_message_handler_wants_a_command() -> None:
    handlers = [
        handler
        for router in routers(build_router(reactions=True))
        for handler in router.message.handlers
    ]
    assert handlers
    for handler in handlers:
        commands = [f.callback for f in handler.filters or [] if isinstance(f.callback, Command)]
        assert commands, (
            f"{handler.callback.__qualname__} takes plain messages: see PlainMessageFastPath"
        )
        for command in commands:
            assert command.prefix == COMMAND_PREFIX


def message(text: str | None = None, caption: str | None = None) -> Message:
    group = Chat(id=-1001, type="supergroup", title="Project")
    return Message(message_id=1, date=datetime.now(UTC), chat=group, text=text, caption=caption)


@pytest.mark.parametrize(
    ("text", "caption", "plain"),
    [
        ("We pay 150 000 by Friday", None, True),
        (None, None, True),  # a sticker, a service message
        ("/agree", None, False),
        ("/agree@bench_bot", None, False),
        (None, "/agree", False),  # aiogram reads a caption's command as well
        (" /agree", None, False),  # aiogram skips leading whitespace
        ("\n/agree", None, False),
        ("a /agree", None, True),
    ],
)
def test_plain_means_no_command(text: str | None, caption: str | None, plain: bool) -> None:
    assert is_plain(message(text, caption)) is plain


@given(st.text(st.sampled_from(" \n\t\u00a0\u2003/a@")))
def test_plain_agrees_with_aiogram(text: str) -> None:
    try:
        prefix: str | None = Command.extract_command(text).prefix
    except CommandException:
        prefix = None
    assert is_plain(message(text or None)) is (prefix != COMMAND_PREFIX)
