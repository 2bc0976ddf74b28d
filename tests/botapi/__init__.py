"""A fake Telegram Bot API for end-to-end tests of the real bot.

``BotAPIServer`` listens on 127.0.0.1 and answers ``{base_url}/bot{token}/{method}`` the way
api.telegram.org does, including its error answers, so the bot runs unchanged with
``TELEGRAM_API_URL`` pointed at it. ``TelegramWorld`` (scenario.py) pushes updates that
read like user stories.

Where the fake deliberately differs from Telegram (all chosen to be stricter or simpler):

- message text length is counted in UTF-16 code units (TDLib counts code points), so a
  text the fake accepts is never too long for Telegram;
- Markdown and MarkdownV2 are rejected: the bot is expected to use HTML;
- only ``http(s)://``/``tg://`` URLs and e-mails are auto-detected, not bare domains;
- updates of types excluded by ``allowed_updates`` are dropped when getUpdates runs,
  not when they are pushed (Telegram never queues them);
- in privacy mode a bare ``/command`` is delivered as if the bot were the last bot to speak;
- webhooks are only recorded (getUpdates then fails with 409), never called;
- a business chat takes messages from the bot only within 24 hours of the client's last
  message (BUSINESS_PEER_USAGE_MISSING), as can_reply promises, and the bot may edit any of
  the owner's messages there;
- a web_app URL (a button's, the menu button's) may be plain http on the loopback, as in
  Telegram's test environment; production Telegram takes https only;
- inline messages, media sending and most other methods answer 404 like unknown methods.

Files (``server.add_file``, or any media a scenario sends) can be fetched with getFile and
downloaded from ``{base_url}/file/bot{token}/{file_path}``; ``server.download_count`` says
how often the bot did.
"""

from __future__ import annotations

from .errors import ApiError
from .html_entities import HtmlParseError, ParsedText, parse_html
from .notifier import WaitTimeout
from .recorder import RecordedCall
from .scenario import Group, Person, TelegramWorld
from .scenario_business import BusinessConnection
from .scenario_chats import BusinessChat
from .server import BotAPIServer

__all__ = [
    "ApiError",
    "BotAPIServer",
    "BusinessChat",
    "BusinessConnection",
    "Group",
    "HtmlParseError",
    "ParsedText",
    "Person",
    "RecordedCall",
    "TelegramWorld",
    "WaitTimeout",
    "parse_html",
]
