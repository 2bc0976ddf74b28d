"""The fake Bot API server: aiohttp on 127.0.0.1 plus the API tests use to drive it."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import socket
import time
from collections.abc import Callable
from typing import Any

from aiogram.types import Update
from aiohttp import web

from .downloads import DownloadRecord, serve_file
from .errors import ApiError, not_found, unauthorized
from .methods import METHODS, Context, canonical_name
from .notifier import Notifier
from .params import Params, read_params
from .privacy import visible_to_bot
from .recorder import RecordedCall, decode_params
from .state import ChatKey, ChatRecord, State
from .updates import UpdateQueue

CallPredicate = Callable[[dict[str, Any]], bool]
MessagePredicate = Callable[[dict[str, Any]], bool]
_PATH = re.compile(r"/bot([^/]*)/([^/]*)")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def default_bot_user(token: str) -> dict[str, Any]:
    return {
        "id": int(token.partition(":")[0]),
        "is_bot": True,
        "first_name": "Test Bot",
        "username": "test_bot",
        "can_join_groups": True,
    }


def _valid_token_shape(token: str) -> bool:
    """The checks telegram-bot-api makes before asking Telegram about a token."""
    bot_id, colon, _ = token.partition(":")
    if not colon or token.startswith("0") or len(token) > 80 or "/" in token:
        return False
    return bot_id.isascii() and bot_id.isdigit() and 0 < int(bot_id) < 1 << 54


class BotAPIServer:
    """A strict stand-in for api.telegram.org; see the package docstring for an overview."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_user: dict[str, Any] | None = None,
        *,
        can_read_all_group_messages: bool = False,
        first_update_id: int = 1,
        clock: Callable[[], int] | None = None,
        local: bool = False,
    ) -> None:
        self.token = token
        self.now: Callable[[], int] = clock or (lambda: int(time.time()))
        self.notifier = Notifier()
        self.state = State(
            {**default_bot_user(token), **(bot_user or {})},
            can_read_all_group_messages=can_read_all_group_messages,
        )
        self.updates = UpdateQueue(self.notifier, first_update_id)
        # Like telegram-bot-api --local: a webhook may be plain http on any port.
        self.state.local_webhooks = local
        self.dropped_updates: list[dict[str, Any]] = []
        self._calls: list[RecordedCall] = []
        self._taken_calls: set[int] = set()
        self._taken_messages: dict[ChatKey, set[int]] = {}
        self.downloads: list[DownloadRecord] = []
        # method name -> an Event its calls wait for before they are answered (see hold())
        self.held: dict[str, asyncio.Event] = {}
        # Methods Telegram answers with an error for now (an outage of one method).
        self.failing: dict[str, ApiError] = {}
        self._runner: web.AppRunner | None = None
        self._port = 0

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        app.router.add_route("*", "/{path:.*}", self._handle)
        # cancel a long poll when the bot hangs up instead of answering into the void
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        self.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if not self._port:
            raise RuntimeError("call start() first")
        return f"http://127.0.0.1:{self._port}"

    @property
    def bot_user(self) -> dict[str, Any]:
        return self.state.bot_user

    # -- HTTP ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        match = _PATH.fullmatch(request.path)
        raw = await read_params(request)
        method = match.group(2) if match else request.path
        call = RecordedCall(
            canonical_name(method) or method,
            decode_params(raw),
            raw,
            sequence=len(self._calls) + 1,
        )
        self._calls.append(call)
        try:
            if match is None:
                raise not_found()
            self._check_token(match.group(1))
            name = canonical_name(method)
            if name is None:
                raise not_found()
            if name in self.held:  # the answer waits: the bot is mid-request meanwhile
                self.notifier.changed()
                await self.held[name].wait()
            if name in self.failing:
                raise self.failing[name]
            context = Context(Params(raw), self.state, self.updates, self.notifier, self.now)
            call.result = await METHODS[name](context)
            call.ok = True
            payload: dict[str, Any] = {"ok": True, "result": call.result}
            status = 200
        except ApiError as error:
            call.error_code, call.description = error.code, error.description
            payload = {"ok": False, "error_code": error.code, "description": error.description}
            status = error.code
        call.answered = True
        self.notifier.changed()
        return web.json_response(payload, status=status, dumps=_dumps)

    async def _handle_download(self, request: web.Request) -> web.Response:
        info = request.match_info
        response, record = serve_file(
            self.state.files, info["token"], info["path"], self._check_token
        )
        self.downloads.append(record)
        self.notifier.changed()
        return response

    def _check_token(self, token: str) -> None:
        if not _valid_token_shape(token):
            raise unauthorized("invalid token specified")
        if token != self.token:
            raise unauthorized()

    # -- driving the fake ---------------------------------------------------------------

    def hold(self, method: str) -> asyncio.Event:
        """Answer calls of ``method`` only once the returned Event is set."""
        self.held[method] = asyncio.Event()
        return self.held[method]

    def push_update(self, update: dict[str, Any]) -> int | None:
        """Queues an update (its ``update_id`` is assigned here) and learns what it shows.

        Returns None when privacy mode hides it from the bot, as Telegram would.
        """
        update = {k: copy.deepcopy(v) for k, v in update.items() if k != "update_id"}
        Update.model_validate({"update_id": 0, **update})  # a malformed update fails loudly
        self.state.learn_update(update)
        self.notifier.changed()
        if not visible_to_bot(update, self.state):
            self.dropped_updates.append(update)
            return None
        return self.updates.push(update)

    def allocate_message_id(
        self, chat: dict[str, Any], business_connection_id: str | None = None
    ) -> int:
        """The next message id in ``chat`` (made known to the fake if it was not)."""
        if business_connection_id:
            return self.state.business_record(business_connection_id, chat).allocate_message_id()
        return self.state.chat_record(chat).allocate_message_id()

    def add_file(
        self,
        content: bytes,
        *,
        kind: str = "document",
        file_name: str | None = None,
        file_unique_id: str | None = None,
        file_size: int | None = None,
    ) -> dict[str, Any]:
        """Stores a file the bot can getFile and download; returns its id fields.

        ``kind`` (document, photo, video, audio, voice, sticker, thumbnail) picks the
        file_id prefix and the download folder; ``file_size`` may claim more bytes than
        ``content`` has, to try files over the 20 MB download limit cheaply.
        """
        stored = self.state.files.add(
            content,
            kind=kind,
            file_name=file_name,
            file_unique_id=file_unique_id,
            file_size=file_size,
        )
        return dict(stored.json())

    def download_count(self, file_id: str) -> int:
        """How many times the bot downloaded the file (0 for unknown ids)."""
        stored = self.state.files.get(file_id)
        return stored.downloads if stored else 0

    def business_connection(self, connection_id: str) -> dict[str, Any] | None:
        """The connection as getBusinessConnection would show it now."""
        record = self.state.business_connections.get(connection_id)
        return record.json() if record else None

    def set_chat_member_status(
        self, chat_id: int, user_id: int, status: str, **rights: bool
    ) -> None:
        """E.g. make the bot an administrator (it then sees all group messages)."""
        self.state.set_member(chat_id, user_id, status, rights)

    # -- observing the bot --------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedCall]:
        """Every call so far, answered or still running, including failed ones."""
        return list(self._calls)

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        return [c for c in self._calls if c.answered and method in (None, c.method)]

    @property
    def errors(self) -> list[RecordedCall]:
        """Calls answered with ok=false; a careful bot leaves this empty."""
        return [c for c in self._calls if c.answered and not c.ok]

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.updates.pending)

    @property
    def answered_callback_queries(self) -> dict[str, dict[str, Any]]:
        return copy.deepcopy(self.state.answered_queries)

    def menu_button(self, user_id: int | None = None) -> dict[str, Any]:
        """The menu button of a user's private chat (None: the default for all of them)."""
        found = self.state.menu_buttons.get(user_id) or self.state.menu_buttons.get(None)
        return copy.deepcopy(found or {"type": "default"})

    def commands(
        self,
        scope: dict[str, Any] | None = None,
        language_code: str = "",
    ) -> list[dict[str, str]]:
        """The menu set for a scope such as ``{"type": "all_group_chats"}``."""
        scope = scope or {"type": "default"}
        key = tuple(scope[k] for k in ("type", "chat_id", "user_id") if k in scope)
        return copy.deepcopy(self.state.commands.get((key, language_code), []))

    def _record(self, chat_id: ChatKey) -> ChatRecord | None:
        return self.state.find_record(chat_id)

    def message(self, chat_id: ChatKey, message_id: int) -> dict[str, Any] | None:
        """The message as it looks now; None if deleted or never seen.

        ``chat_id`` is a chat id, or ``(business_connection_id, chat id)`` for a chat of a
        business account (see BusinessChat.key): those share ids with the bot's own chats.
        """
        record = self._record(chat_id)
        found = record.message(message_id) if record else None
        return copy.deepcopy(found)

    def current(self, message: dict[str, Any]) -> dict[str, Any]:
        """The latest version of ``message`` (itself if the fake never stored it)."""
        record = self.state.record_for(message)
        return copy.deepcopy(record.message(message["message_id"]) or message)

    def chat_history(self, chat_id: ChatKey) -> list[dict[str, Any]]:
        """Every message in the chat that was not deleted, by message id."""
        record = self._record(chat_id)
        if record is None:
            return []
        ids = sorted(i for i in record.messages if i not in record.deleted)
        return [copy.deepcopy(record.messages[i]) for i in ids]

    def bot_messages(self, chat_id: ChatKey) -> list[dict[str, Any]]:
        """The bot's messages in the chat, in send order, as they look now."""
        record = self._record(chat_id)
        if record is None:
            return []
        return [
            copy.deepcopy(record.messages[i]) for i in record.bot_sent if i not in record.deleted
        ]

    async def wait_until_polling(self, timeout: float = 5.0) -> None:
        """Returns once a getUpdates long poll is waiting (the bot is up and idle)."""
        await self.notifier.wait_for(
            lambda: True if self.updates.waiting else None,
            timeout,
            lambda: f"a waiting getUpdates; errors: {self.errors}",
        )

    async def wait_for_call(
        self,
        method: str,
        predicate: CallPredicate | None = None,
        timeout: float = 5.0,
        *,
        include_failed: bool = False,
    ) -> RecordedCall:
        """The earliest answered call of ``method`` not returned before whose params match."""

        def probe() -> RecordedCall | None:
            for call in self._calls:
                if (
                    call.answered
                    and call.method == method
                    and (call.ok or include_failed)
                    and call.sequence not in self._taken_calls
                    and (predicate is None or predicate(call.params))
                ):
                    self._taken_calls.add(call.sequence)
                    return call
            return None

        def describe() -> str:
            seen = [c for c in self._calls if c.method == method][-5:]
            return f"a {method} call; recent ones: {seen}; errors: {self.errors}"

        return await self.notifier.wait_for(probe, timeout, describe)

    async def wait_for_bot_message(
        self,
        chat_id: ChatKey,
        predicate: MessagePredicate | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """The bot's earliest message in the chat not returned before that matches.

        Each message is returned once, so successive calls walk through the bot's replies
        in order, including ones sent before the call.
        """
        taken = self._taken_messages.setdefault(chat_id, set())

        def probe() -> dict[str, Any] | None:
            for message in self.bot_messages(chat_id):
                if message["message_id"] in taken:
                    continue
                if predicate is None or predicate(message):
                    taken.add(message["message_id"])
                    return message
            return None

        def describe() -> str:
            texts = [m.get("text", m.get("caption")) for m in self.bot_messages(chat_id)]
            return f"a bot message in chat {chat_id}; bot messages there: {texts}; " + (
                f"errors: {self.errors}"
            )

        return await self.notifier.wait_for(probe, timeout, describe)
