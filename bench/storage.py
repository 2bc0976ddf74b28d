"""Storage: the database bytes an agreement with a 5 MiB file and two parties takes, after
its mails were sent; and the verify page's check of one of those mails (about 7 MB).

Each agreement is its own pair of people with verified addresses (author and marker), and
its file is random bytes (incompressible, as most files people send). The bot runs as
``python -m bot``; once every mail arrived with the file intact and is recorded sent, the
bot stops, and the database's growth since before the marks (the SQLite file, WAL
checkpointed at the close; PostgreSQL's pg_database_size) is divided by the agreements.
Before it stops, the first mail is posted to the bot's own /verify page VERIFY_ROUNDS times,
one after another, as a browser posts it: the time from the upload's first byte to the
whole answer.
Part of ``python -m bench`` (``--only storage``).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import statistics
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import aiohttp
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bench.databases import address_of, bind_addresses, fresh_database, known_person
from bench.processes import BotProcess, bot_environment
from bench.servers import servers
from bot.db.engine import create_engine
from bot.db.models import Mail, MailStatus
from tests.botapi.scenario import TelegramWorld
from tests.support.mailbox import Mailbox, ReceivedMail
from tests.support.ports import free_port
from tests.support.storage import stored_bytes

FILE_SIZE = 5 * 1024 * 1024
MAIL_TIMEOUT = 120.0
VERIFY_ROUNDS = 5  # within the page's limit of 10 a minute per client


@dataclass(frozen=True, slots=True)
class StorageRun:
    per_agreement_mb: float  # the database's growth per agreement, in MB (10^6 bytes)
    in_rows_mb: float  # of which the rows' text and blob columns hold (the rest: pages)
    file_mb: float
    verify_ms: float  # the verify page's answer to one of the mails, the median
    verify_max_ms: float
    mail_mb: float  # that mail's size


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
        web = f"http://127.0.0.1:{free_port()}"
        env = bot_environment(api, mailbox, url) | {
            "WEB_BASE_URL": web,
            "WEB_PORT": web.rpartition(":")[2],
        }
        async with BotProcess("bot", env, workdir / "bot-storage.log") as process:
            await process.until_polling(api)
            for n, content in enumerate(files):
                offer = authors[n].sends_document(
                    group, content, file_name=f"offer{n}.bin", caption=f"Stage {n}"
                )
                markers[n].says(group, "/agree", reply_to=offer)
            received = []
            for n, content in enumerate(files):
                for person in (authors[n], markers[n]):
                    received.append(
                        await _check_file(mailbox, address_of(person), f"offer{n}.bin", content)
                    )
            await _until_sent(url, 2 * agreements)
            checks = await _verify_times(web, received[0].raw)
        after = await _database_bytes(url)
        rows_after = await _row_bytes(url)
    return StorageRun(
        (after - before) / agreements / 1e6,
        (rows_after - rows_before) / agreements / 1e6,
        FILE_SIZE / 1e6,
        statistics.median(checks),
        max(checks),
        len(received[0].raw) / 1e6,
    )


async def _verify_times(web: str, mail: bytes) -> list[float]:
    """Milliseconds each post of ``mail`` to /verify took; each must find it genuine."""
    times = []
    async with aiohttp.ClientSession(web) as http:
        for _ in range(VERIFY_ROUNDS):
            form = aiohttp.FormData()
            form.add_field("evidence", BytesIO(mail), filename="agreement.eml")
            started = time.perf_counter()
            async with http.post("/verify", data=form) as answer:
                page = await answer.text()
            times.append((time.perf_counter() - started) * 1000)
            # No DKIM in the benchmark: the bot's own store vouches for the origin.
            verdict = re.search(r"verdict-(\w+)", page)
            if answer.status != 200 or verdict is None or verdict[1] != "valid":
                found = verdict[1] if verdict else "no verdict"
                raise RuntimeError(f"/verify answered {answer.status}: {found}\n{page}")
    return times


async def _check_file(mailbox: Mailbox, address: str, name: str, content: bytes) -> ReceivedMail:
    [mail] = await mailbox.wait_for(to=address, timeout=MAIL_TIMEOUT)
    sent = [
        part.get_payload(decode=True)
        for part in mail.message.iter_attachments()
        if part.get_filename() == name
    ]
    if [hashlib.sha256(s).digest() for s in sent] != [hashlib.sha256(content).digest()]:
        raise RuntimeError(f"the mail to {address} did not carry the file intact")
    return mail


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
