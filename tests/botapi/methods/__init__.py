"""The Bot API methods the fake implements, looked up case-insensitively like Telegram."""

from __future__ import annotations

from . import bot, business, callbacks, chats, files, menu_button, messages, polling
from .context import Context, Handler

METHODS: dict[str, Handler] = {
    **bot.METHODS,
    **polling.METHODS,
    **messages.METHODS,
    **callbacks.METHODS,
    **chats.METHODS,
    **files.METHODS,
    **business.METHODS,
    **menu_button.METHODS,
}
_BY_LOWER_NAME = {name.lower(): name for name in METHODS}


def canonical_name(method: str) -> str | None:
    """``sendmessage`` -> ``sendMessage``; None for methods the fake does not know."""
    return _BY_LOWER_NAME.get(method.lower())


__all__ = ["METHODS", "Context", "Handler", "canonical_name"]
