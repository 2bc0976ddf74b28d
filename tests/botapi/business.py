"""Telegram Business connections: what the fake knows and how the Bot API shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .objects import user_json

REPLY_WINDOW = 24 * 60 * 60  # seconds a client's message lets the bot answer in that chat
# BusinessBotRights in the order telegram-bot-api writes them; only true ones are sent
RIGHTS = (
    "can_reply",
    "can_read_messages",
    "can_delete_sent_messages",
    "can_delete_all_messages",
    "can_edit_name",
    "can_edit_bio",
    "can_edit_profile_photo",
    "can_edit_username",
    "can_view_gifts_and_stars",
    "can_convert_gifts_to_stars",
    "can_change_gift_settings",
    "can_transfer_and_upgrade_gifts",
    "can_transfer_stars",
    "can_manage_stories",
)


@dataclass
class BusinessConnectionRecord:
    id: str
    owner: dict[str, Any]  # the business account's User
    date: int
    is_enabled: bool = True
    rights: dict[str, bool] = field(default_factory=dict)

    @property
    def owner_id(self) -> int:
        return int(self.owner["id"])

    @property
    def can_reply(self) -> bool:
        return self.is_enabled and bool(self.rights.get("can_reply"))

    def json(self) -> dict[str, Any]:
        """BusinessConnection as telegram-bot-api writes it, deprecated can_reply included.

        A disabled connection has no rights object (TDLib reports none), so only
        ``can_reply: false`` is sent, exactly like the real server does.
        """
        data: dict[str, Any] = {
            "id": self.id,
            "user": user_json(self.owner),
            "user_chat_id": self.owner_id,  # the owner's private chat with the bot
            "date": self.date,
            "is_enabled": self.is_enabled,
        }
        if self.is_enabled:
            data["can_reply"] = bool(self.rights.get("can_reply"))
            data["rights"] = {right: True for right in RIGHTS if self.rights.get(right)}
        else:
            data["can_reply"] = False
        return data


def unknown_rights(rights: dict[str, bool]) -> list[str]:
    return sorted(set(rights) - set(RIGHTS))
