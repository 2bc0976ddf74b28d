"""A chat's archive address, set the way an administrator sets it: /archive in the group,
the button to the private chat, the address there, the code from the mail."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from tests.botapi.scenario import Group, Person
from tests.support.harness import Harness
from tests.support.mails import text_of


def is_archive_code(message: EmailMessage) -> bool:
    return str(message["Subject"]).startswith(("Archive address code", "Код для адреса-архива"))


def archive_code_in(message: EmailMessage) -> str:
    """The six digits an archive code mail asks to send with /archive."""
    found = re.search(r"/archive (\d{6})\b", text_of(message))
    assert found, "no code in the mail"
    return found.group(1)


def start_link(reply: dict[str, Any]) -> str:
    """The /start argument of the group answer's button (a t.me deep link)."""
    [[button]] = reply["reply_markup"]["inline_keyboard"]
    found = re.fullmatch(r"https://t\.me/\w+\?start=([\w-]+)", button["url"])
    assert found, button
    return found.group(1)


async def chooses_chat(harness: Harness, admin: Person, group: Group) -> dict[str, Any]:
    """/archive in the group, then the button's link in the private chat: the bot's
    private answer."""
    admin.says(group, "/archive")
    reply = await harness.world.bot_reply(group, lambda m: "reply_markup" in m)
    admin.says_private(f"/start {start_link(reply)}")
    return await harness.world.bot_reply(admin)


async def requests_code(harness: Harness, admin: Person, address: str) -> str:
    """The address sent in the private chat; the code from the mail that came."""
    admin.says_private(f"/archive {address}")
    await harness.world.bot_reply(admin)
    [mail] = await harness.mailbox.wait_for(to=address, where=is_archive_code)
    return archive_code_in(mail.message)


async def sets_archive(harness: Harness, admin: Person, group: Group, address: str) -> None:
    """The whole way, as an administrator of ``group`` (the test makes them one); returns
    once the group was told."""
    await chooses_chat(harness, admin, group)
    code = await requests_code(harness, admin, address)
    admin.says_private(f"/archive {code}")
    await harness.world.bot_reply(admin, lambda m: "✅" in m.get("text", ""))
    await harness.world.bot_reply(group, lambda m: "🗄" in m.get("text", ""))
