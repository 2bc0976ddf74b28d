"""Where an /agree's CPU goes, in one process: the whole marking (what the handler runs:
record, parties, chain, both parties' emails, commit), then composing the same emails
again on their own. The difference is the database side.

    .venv/bin/python -m bench.mark_cost [MARKS]          # SQLite
    BENCH_DATABASE_URL=... .venv/bin/python -m bench.mark_cost --db postgresql

No Telegram and no SMTP: this is the part of the mark-to-email latency the bot's own
code spends, per mark, on one core.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bench.databases import DATABASES, bind_addresses, fresh_database
from bot.agreements.marking import AgreementService, MarkedMessage, MarkRequest
from bot.app import build_letters
from bot.config import Settings, load_settings
from bot.core.directory import verified_addresses
from bot.core.people import ChatInfo, Person
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Agreement, Party
from bot.mail.queuing import parties_to_mail
from tests.support.identity import MAIL_FROM, TOKEN

CHATS = 100
WARMUP = 20


class _Asleep:
    """The mail worker is not running here; nobody needs waking."""

    def wake(self) -> None:
        pass


async def mark_cost(database: str, marks: int) -> tuple[float, float]:
    """CPU milliseconds per mark: the whole marking, and composing its emails alone."""
    settings = load_settings(Settings, _env_file=None, bot_token=TOKEN, mail_from=MAIL_FROM)
    letters = build_letters(settings)
    now = datetime.now(UTC)
    total = WARMUP + marks
    people = [
        Person(id=1000 + n, first_name=f"Person{n}", username=f"p{n}") for n in range(2 * total)
    ]
    chats = [
        ChatInfo(id=-(1_001_000_000_000 + n), type="supergroup", title=f"Project {n}")
        for n in range(CHATS)
    ]
    with tempfile.TemporaryDirectory() as workdir:
        async with fresh_database(database, Path(workdir)) as url:
            await bind_addresses(url, people)
            engine = create_engine(url)
            sessions = create_session_factory(engine)
            try:

                async def mark(n: int) -> None:
                    async with sessions() as session:
                        service = AgreementService(session, letters, _Asleep(), lambda: now)
                        text = f"Stage {n}: we pay 150 000 by Friday, the rest on delivery"
                        said = MarkedMessage(
                            message_id=n + 2, date=now, author=people[2 * n], text=text
                        )
                        await service.mark(MarkRequest(chats[n % CHATS], said, people[2 * n + 1]))
                        await session.commit()  # as the handler's session does

                for n in range(WARMUP):
                    await mark(n)
                started = time.process_time()
                for n in range(WARMUP, total):
                    await mark(n)
                marking = (time.process_time() - started) / marks

                async with sessions() as session:
                    agreements = (
                        await session.scalars(
                            select(Agreement)
                            .where(Agreement.message_id >= WARMUP + 2)  # the counted marks'
                            .options(
                                selectinload(Agreement.chat),
                                selectinload(Agreement.parties).selectinload(Party.user),
                            )
                        )
                    ).all()
                    ids = [p.user_id for a in agreements for p in a.parties]
                    addresses = await verified_addresses(session, ids)
                started = time.process_time()
                for agreement in agreements:
                    letters.agreement(agreement, parties_to_mail(agreement, addresses, {}), now)
                composing = (time.process_time() - started) / len(agreements)
            finally:
                await engine.dispose()
    return marking * 1000, composing * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("marks", type=int, nargs="?", default=300)
    parser.add_argument("--db", choices=DATABASES, default="sqlite")
    options = parser.parse_args()
    marking, composing = asyncio.run(mark_cost(options.db, options.marks))
    print(f"{options.db}: {options.marks} marks, CPU per mark")
    print(f"  whole marking          {marking:6.1f} ms")
    print(f"  its two emails alone   {composing:6.1f} ms")
    print(f"  the rest (database)    {marking - composing:6.1f} ms")
    print(f"  one core's ceiling     {1000 / marking:6.1f} marks/s")


if __name__ == "__main__":
    main()
