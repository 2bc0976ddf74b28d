"""What people do in a chat beyond what ``TelegramWorld`` says for them (reactions), and
what a test reads of the bot's answers (a button's answer, a message's links)."""

from __future__ import annotations

import time
from typing import Any

from tests.botapi import BotAPIServer
from tests.botapi.scenario import Group, Person


def reaction(person: Person, group: Group, message: dict[str, Any], emoji: str) -> dict[str, Any]:
    """The update of ``person`` reacting to ``message`` with ``emoji``."""
    return {
        "message_reaction": {
            "chat": group.chat,
            "message_id": message["message_id"],
            "user": person.user,
            "date": int(time.time()),
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": emoji}],
        }
    }


def unreaction(
    person: Person, group: Group, message: dict[str, Any], emoji: str
) -> dict[str, Any]:
    """The reaction taken back."""
    update = reaction(person, group, message, emoji)
    change = update["message_reaction"]
    change["old_reaction"], change["new_reaction"] = change["new_reaction"], []
    return update


async def answer_to(api: BotAPIServer, query_id: str) -> str:
    """What the bot answered to a button press (``Person.presses`` gives its id)."""
    call = await api.wait_for_call(
        "answerCallbackQuery", lambda p: p["callback_query_id"] == query_id
    )
    return str(call.params.get("text", ""))


def links_in(message: dict[str, Any]) -> list[str]:
    """The URLs of a bot message's links (Telegram turns <a href> into text_link entities)."""
    return [e["url"] for e in message.get("entities", []) if e["type"] == "text_link"]
