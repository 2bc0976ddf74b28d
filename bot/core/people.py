"""Who is who: the people and chats that updates mention, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED_LANGUAGES = ("ru", "en")
TELEGRAM_LINKS = "https://t.me"  # public chats, messages and the bot's deep links


def language_for(language_code: str | None) -> str:
    """Russian for Russian speakers, English for everyone else."""
    if language_code and language_code.lower().split("-")[0] == "ru":
        return "ru"
    return "en"


def full_name(first_name: str, last_name: str | None) -> str:
    return " ".join(part for part in (first_name, last_name) if part)


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)


# Telegram's chat types the bot tells apart; a business chat is the bot's own kind.
GROUP_TYPES = frozenset({"group", "supergroup"})
PRIVATE_CHAT = "private"
BUSINESS = "business"
# Business chats get chat keys from here up (see bot/business/service.py).
BUSINESS_CHAT_BASE = 1 << 53


@dataclass(frozen=True, slots=True)
class ChatInfo:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    is_forum: bool = False

    @property
    def is_group(self) -> bool:
        return self.type in GROUP_TYPES

    @property
    def is_business(self) -> bool:
        """An owner's one-to-one chat with a client, through a business connection."""
        return self.type == BUSINESS


def message_link(chat: ChatInfo, message_id: int) -> str | None:
    """A t.me link where Telegram has one: public chats by username, supergroups by id."""
    if chat.username:
        return f"{TELEGRAM_LINKS}/{chat.username}/{message_id}"
    if chat.type == "supergroup" and str(chat.id).startswith("-100"):
        return f"{TELEGRAM_LINKS}/c/{str(chat.id)[4:]}/{message_id}"
    return None
