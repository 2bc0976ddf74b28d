"""Storage: the database bytes an agreement with a 5 MiB file and two parties takes, after
its mails were sent.

Each agreement is its own pair of people with verified addresses (author and marker), and
its file is random bytes (incompressible, as most files people send). The bot runs as
``python -m bot``; once every mail arrived with the file intact and is recorded sent, the
bot stops, and the database's growth since before the marks (the SQLite file, WAL
checkpointed at the close; PostgreSQL's pg_database_size) is divided by the agreements.
Part of ``python -m bench`` (``--only storage``).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bench.databases import address_of, bind_addresses, fresh_database, known_person
from bench.processes import BotProcess, bot_environment
from bench.servers import servers
from bot.db.engine import create_engine
from bot.db.models import Mail, MailStatus
from tests.botapi.scenario import TelegramWorld
from tests.support.mailbox import Mailbox
from tests.support.storage import stored_bytes

FILE_SIZE = 5 * 1024 * 1024
MAIL_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class StorageRun:
    per_agreement_mb: float  # the database's growth per agreement, in MB (10^6 bytes)
    in_rows_mb: float  # of which the rows' text and blob columns hold (the rest: pages)
    file_mb: float


async def storage(database: str, agreements: int, workdir: Path) -> StorageRun:
    async with fresh_database(database, workdir) as url, servers() as (api, mailbox):
        world = TelegramWorld(api)
        group = world.group("Files")
        authors = [world.user(f"Author{n}") for n in range(agreements)]
        markers = [world.user(f"Marker{n}") for n in range(agreements)]
        await bind_addresses(url, [known_person(p) for p in authors + markers])
        files = [os.urandom(FILE_SIZE) for _ in range(agreements)]
        before = await _database_bytes(url)
        rows_before = await _row_bytes(url)
        env = bot_environment(api, mailbox, url)
        async with BotProcess("bot", env, workdir / "bot-storage.log") as process:
            await process.until_polling(api)
            for n, content in enumerate(files):
                offer = authors[n].sends_document(
                    group, content, file_name=f"offer{n}.bin", caption=f"Stage {n}"
                )
                markers[n].says(group, "/agree", reply_to=offer)
            for n, content in enumerate(files):
                for person in (authors[n], markers[n]):
                    await _check_file(mailbox, address_of(person), f"offer{n}.bin", content)
            await _until_sent(url, 2 * agreements)
        after = await _database_bytes(url)
        rows_after = await _row_bytes(url)
    return StorageRun(
        (after - before) / agreements / 1e6,
        (rows_after - rows_before) / agreements / 1e6,
        FILE_SIZE / 1e6,
    )


async def _check_file(mailbox: Mailbox, address: str, name: str, content: bytes) -> None:
    [mail] = await mailbox.wait_for(to=address, timeout=MAIL_TIMEOUT)
    sent = [
        part.get_payload(decode=True)
        for part in mail.message.iter_attachments()
        if part.get_filename() == name
    ]
    if [hashlib.sha256(s).digest() for s in sent] != [hashlib.sha256(content).digest()]:
        raise RuntimeError(f"the mail to {address} did not carry the file intact")


async def _until_sent(url: str, count: int) -> None:
    engine = create_engine(url)
    sent = select(func.count()).select_from(Mail).where(Mail.status == MailStatus.SENT)
    deadline = time.monotonic() + MAIL_TIMEOUT
    try:
        while True:
            async with engine.connect() as connection:
                # every code-free mail here is an agreement mail: addresses were bound
                if (await connection.scalar(sent) or 0) >= count:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"fewer than {count} mails recorded sent")
            await asyncio.sleep(0.1)
    finally:
        await engine.dispose()


async def _database_bytes(url: str) -> int:
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        return sum(f.stat().st_size for f in path.parent.glob(f"{path.name}*"))
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            query = text("SELECT pg_database_size(current_database())")
            return int((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def _row_bytes(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await stored_bytes(connection)
    finally:
        await engine.dispose()
