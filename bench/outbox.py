"""Outbox: mails a second that the bot's MailWorker (4 SMTP connections) hands to a local
SMTP server, from a queue of pending mails.

A few agreements are marked through AgreementService, so their mails are composed and
stored the way the bot does it; those rows are then cloned (new Message-ID, topic) up to
the queue's size. The worker runs in a process of its own, ``python -m bench.outbox``
with the bot's settings in its environment, and writes its timing to BENCH_RESULT. Part
of ``python -m bench`` (``--only outbox``).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bench.databases import bind_addresses, fresh_database
from bench.processes import BotProcess, bot_environment, peak_rss_mb
from bench.servers import smtp_server
from bot.agreements.marking import AgreementService, MarkedMessage, MarkRequest
from bot.app import build_letters, build_mail_worker
from bot.config import Settings, load_settings
from bot.core.people import ChatInfo, Person
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Mail, MailStatus
from mailer import make_message_id
from tests.support.identity import MAIL_FROM, TOKEN

TEMPLATES = 5  # agreements marked for real; 2 mails each
WORKER_TIMEOUT = 600.0


@dataclass(frozen=True, slots=True)
class OutboxRun:
    rate: float  # mails a second
    sent: int  # mails the SMTP server accepted
    mean_kb: float  # mean mail size


class _Asleep:
    def wake(self) -> None:
        """No worker to wake while the queue is being filled."""


async def outbox(database: str, mails: int, workdir: Path) -> OutboxRun:
    if mails < 2 * TEMPLATES:
        raise ValueError(f"queue at least {2 * TEMPLATES} mails")
    async with fresh_database(database, workdir) as url, smtp_server() as mailbox:
        await _queue_mails(url, mails)
        result = workdir / "outbox.json"
        env = bot_environment(None, mailbox, url) | {
            "SMTP_CONNECTIONS": "4",
            "BENCH_RESULT": str(result),
        }
        async with BotProcess("bench.outbox", env, workdir / "outbox.log") as worker:
            await worker.wait()
        timing = json.loads(result.read_text())
        sizes = [len(mail.raw) for mail in mailbox.received]
    return OutboxRun(
        timing["sent"] / timing["seconds"], len(mailbox.received), sum(sizes) / len(sizes) / 1024
    )


async def _queue_mails(url: str, count: int) -> None:
    settings = load_settings(Settings, _env_file=None, bot_token=TOKEN, mail_from=MAIL_FROM)
    now = datetime.now(UTC)
    people = [Person(id=1000 + n, first_name=f"Person{n}", username=f"p{n}") for n in range(10)]
    await bind_addresses(url, people)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            service = AgreementService(session, build_letters(settings), _Asleep(), lambda: now)
            chat = ChatInfo(id=-1001000000001, type="supergroup", title="Project X")
            for n in range(TEMPLATES):
                text = f"Stage {n}: we pay 150 000 by Friday, the rest on delivery"
                said = MarkedMessage(message_id=n + 2, date=now, author=people[2 * n], text=text)
                await service.mark(MarkRequest(chat, said, people[2 * n + 1]))
            templates = list(await session.scalars(select(Mail).order_by(Mail.id)))
            clones = [_clone(templates[n % len(templates)], n, now) for n in range(count)]
            if count > len(templates):
                await session.execute(insert(Mail), clones[len(templates) :])
            await session.commit()
    finally:
        await engine.dispose()


def _clone(mail: Mail, n: int, now: datetime) -> dict[str, Any]:
    message_id = make_message_id(MAIL_FROM)
    return {
        "kind": mail.kind,
        "topic": f"bench:{n}",
        "user_id": mail.user_id,
        "agreement_id": mail.agreement_id,
        "to_address": mail.to_address,
        "message_id": message_id,
        "raw": mail.raw.replace(mail.message_id.encode(), message_id.encode()),
        "status": MailStatus.PENDING,
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
    }


async def work() -> dict[str, float]:
    """In the worker's process: deliver until nothing is pending."""
    settings = load_settings(Settings)
    engine = create_engine(settings.database_url)
    sessions = create_session_factory(engine)
    worker = build_mail_worker(settings, sessions)
    pending = select(func.count()).select_from(Mail).where(Mail.status == MailStatus.PENDING)
    sent = select(func.count()).select_from(Mail).where(Mail.status == MailStatus.SENT)
    try:
        started = time.monotonic()
        while time.monotonic() - started < WORKER_TIMEOUT:
            if not await worker.deliver_pending():
                async with sessions() as session:
                    if not await session.scalar(pending):
                        break
        seconds = time.monotonic() - started
        async with sessions() as session:
            count = await session.scalar(sent) or 0
    finally:
        await engine.dispose()
    return {"seconds": seconds, "sent": count, "peak_mb": peak_rss_mb()}


if __name__ == "__main__":
    Path(os.environ["BENCH_RESULT"]).write_text(json.dumps(asyncio.run(work())))
