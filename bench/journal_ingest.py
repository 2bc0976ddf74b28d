"""How fast the bot takes plain group messages, with the journal on and off.

The bot runs as ``python -m bot`` against the Bot API test server (tests/botapi) on
127.0.0.1, on SQLite in a temporary folder, or on PostgreSQL when BENCH_DATABASE_URL is
set (a database is created and dropped there). MESSAGES updates across 100 chats are
timed from the first one handed out to the getUpdates that confirms the last (see
bench/ingest.py; ``python -m bench`` runs this with the ceiling and the other parts).

    .venv/bin/python -m bench.journal_ingest [MESSAGES]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from bench.ingest import CHATS, ingest


async def main(messages: int) -> None:
    database = "postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"
    print(f"{messages} plain messages across {CHATS} chats, {database}")
    print(f"{'journal':<10}{'messages/s':>12}{'journal rows':>14}{'peak MiB':>10}")
    for journal in (False, True):
        with tempfile.TemporaryDirectory() as workdir:
            run = await ingest(database, messages, Path(workdir), JOURNAL=str(journal).lower())
        flag = "on" if journal else "off"
        print(f"{flag:<10}{run.rate:>12.0f}{run.journal_rows or 0:>14}{run.peak_mb:>10.0f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
