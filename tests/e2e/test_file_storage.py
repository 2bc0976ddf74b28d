"""An agreed file is stored once, however many parties are mailed it, and arrives intact."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from bot.db.models import MailStatus
from tests.botapi import BotAPIServer
from tests.support.bot_in_process import bot_settings
from tests.support.dkim_keys import make_keys
from tests.support.eventually import eventually
from tests.support.harness import running_harness
from tests.support.mailbox import Mailbox
from tests.support.mails import attached
from tests.support.storage import stored_bytes
from tests.support.stored import connection_on, stored_mails
from tests.support.stories import agreement_mails

SIZE = 6 * 1024 * 1024


async def test_a_6_mib_file_for_two_parties_is_stored_once_and_both_get_it_signed(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, tmp_path: Path
) -> None:
    keys = make_keys(tmp_path)
    settings = bot_settings(api, mailbox, database_url, **keys.settings())
    content = os.urandom(SIZE)  # incompressible, as most files people send are
    async with running_harness(settings, api, mailbox) as harness:
        world = harness.world
        ann, ben = world.user("Ann"), world.user("Ben")
        group = world.group("Docs")
        await harness.register(ann, "ann@example.com")
        await harness.register(ben, "ben@example.com")
        offer = ben.sends_document(group, content, file_name="offer.bin", caption="Stage 1")
        ann.says(group, "/agree", reply_to=offer)
        mails = await agreement_mails(mailbox, "ann@example.com", "ben@example.com", timeout=30)
        for mail in mails:
            sent = attached(mail.message, "offer.bin")
            assert hashlib.sha256(sent).digest() == hashlib.sha256(content).digest()
            assert keys.signed(mail.raw)
        message_ids = [str(mail.message["Message-ID"]) for mail in mails]

        async def both_recorded_sent() -> bool:
            stored = {mail.message_id: mail.status for mail in await stored_mails(database_url)}
            return stored == dict.fromkeys(message_ids, MailStatus.SENT)

        await eventually(both_recorded_sent, what="both agreement mails recorded sent")
        async with connection_on(database_url) as connection:
            stored = await stored_bytes(connection)
    assert stored <= 1.2 * SIZE + 100_000, f"{stored:,} bytes stored for a {SIZE:,}-byte file"
