"""What an end-to-end story holds: the Bot API test server, the people in it, the mailbox;
and the steps every story takes the way a user does (binding an address)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.config import Settings
from tests.botapi import BotAPIServer
from tests.botapi.scenario import Person, TelegramWorld
from tests.support.bot_in_process import running_bot
from tests.support.mailbox import Mailbox
from tests.support.mails import code_in


@dataclass
class Harness:
    api: BotAPIServer
    world: TelegramWorld
    mailbox: Mailbox
    _barriers: int = 0

    async def register(self, person: Person, address: str) -> None:
        """The person binds an address the way a user does: /email, read the mail, /verify."""
        person.says_private(f"/email {address}")
        await self.world.bot_reply(person)
        [mail] = await self.mailbox.wait_for(to=address)
        person.says_private(f"/verify {code_in(mail.message)}")
        await self.world.bot_reply(person, lambda m: "✅" in m.get("text", ""))

    async def mail_barrier(self) -> None:
        """Returns once every mail queued so far was handed to the SMTP server.

        The worker sends in queue order, so when a fresh code mail arrives, all mails
        queued before it have been sent (or failed).
        """
        self._barriers += 1
        address = f"barrier{self._barriers}@example.com"
        self.world.user(f"Barrier{self._barriers}").says_private(f"/email {address}")
        await self.mailbox.wait_for(to=address)


@contextlib.asynccontextmanager
async def running_harness(
    settings: Settings, api: BotAPIServer, mailbox: Mailbox
) -> AsyncIterator[Harness]:
    """A story against the bot run with these settings (the ``harness`` fixture's are the
    defaults and ``@pytest.mark.bot_settings``)."""
    async with running_bot(settings, api):
        yield Harness(api, TelegramWorld(api), mailbox)
