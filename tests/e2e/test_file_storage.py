"""An agreed file is stored once, however many parties are mailed it, and arrives intact."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dkim
from sqlalchemy import text

from bot.db.engine import create_engine
from tests.botapi.scenario import TelegramWorld
from tests.e2e.conftest import Harness, bot_settings, running_bot
from tests.e2e.test_agreement_flow import is_agreement
from tests.support.dkim_keys import make_keys
from tests.support.eventually import eventually
from tests.support.storage import stored_bytes

SIZE = 6 * 1024 * 1024


async def test_a_6_mib_file_for_two_parties_is_stored_once_and_both_get_it_signed(
    api, mailbox, database_url: str, tmp_path: Path
) -> None:
    keys = make_keys(tmp_path)
    settings = bot_settings(
        api,
        mailbox,
        database_url,
        dkim_domain="agreements.test",
        dkim_selector="mail",
        dkim_private_key_file=keys.private_file,
    )
    content = os.urandom(SIZE)  # incompressible, as most files people send are
    async with running_bot(settings, api):
        harness = Harness(api, TelegramWorld(api), mailbox)
        world = harness.world
        ann, ben = world.user("Ann"), world.user("Ben")
        group = world.group("Docs")
        await harness.register(ann, "ann@example.com")
        await harness.register(ben, "ben@example.com")
        offer = ben.sends_document(group, content, file_name="offer.bin", caption="Stage 1")
        ann.says(group, "/agree", reply_to=offer)
        received = {}
        for address in ("ann@example.com", "ben@example.com"):
            [mail] = await mailbox.wait_for(to=address, where=is_agreement, timeout=30)
            [part] = [
                p for p in mail.message.iter_attachments() if p.get_filename() == "offer.bin"
            ]
            assert hashlib.sha256(part.get_payload(decode=True)).digest() == (
                hashlib.sha256(content).digest()
            )
            assert dkim.verify(mail.raw, dnsfunc=keys.dns("agreements.test", "mail"))
            received[str(mail.message["Message-ID"])] = address

        engine = create_engine(database_url)
        try:

            async def both_recorded_sent() -> bool:
                async with engine.connect() as connection:
                    rows = await connection.execute(
                        text("SELECT message_id, status FROM mails WHERE kind = 'agreement'")
                    )
                    return {row.message_id: row.status for row in rows} == dict.fromkeys(
                        received, "sent"
                    )

            await eventually(both_recorded_sent, what="both agreement mails recorded sent")
            async with engine.connect() as connection:
                stored = await stored_bytes(connection)
        finally:
            await engine.dispose()
    assert stored <= 1.2 * SIZE + 100_000, f"{stored:,} bytes stored for a {SIZE:,}-byte file"
