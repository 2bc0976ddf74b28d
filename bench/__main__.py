"""One command for the bot's benchmarks; prints one table with its targets.

    .venv/bin/python -m bench                      # SQLite and PostgreSQL, full sizes
    .venv/bin/python -m bench --quick              # sizes scaled down, a few minutes
    .venv/bin/python -m bench --db sqlite --only ingest,edits
    .venv/bin/python -m bench --wait-quiet         # on a shared machine: each part waits

The bot runs as ``python -m bot`` in a process of its own against the fake Bot API
(tests/botapi) and an aiosmtpd server, both on 127.0.0.1 in this process. PostgreSQL is
BENCH_DATABASE_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres); each
part creates and drops a database there. Logs of every process go to --logs (a new
folder under /tmp by default); with BENCH_PY_SPY=/path/to/py-spy each bot process is
profiled next to its log, and BENCH_BOT_MODULE runs a wrapper module in its place.
Parts: ingest (with the empty-handler ceiling and peak RSS), latency, outbox, edits,
storage (with the verify page's check of a 7 MB mail), mini_app (the list with a million
agreements).
Other processes' CPU is measured during each part and shown: numbers taken on a busy
machine are low.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bench.databases import DATABASES
from bench.edits import ROUNDS, edit_lookup
from bench.ingest import CEILING, ingest
from bench.latency import latency
from bench.load import ForeignLoad, until_quiet
from bench.mini_app_list import mini_app_list
from bench.outbox import outbox
from bench.processes import PROJECT_ROOT
from bench.report import derive, table
from bench.storage import storage

PARTS = ("ingest", "latency", "outbox", "edits", "storage", "mini_app")
INGEST_ROUNDS = 2


@dataclass(frozen=True, slots=True)
class Sizes:
    messages: int = 20_000
    marks_per_second: float = 50.0
    mark_seconds: float = 15.0
    mails: int = 2_000
    histories: tuple[int, int] = (10_000, 1_000_000)
    edits: int = 200
    file_agreements: int = 4  # each with a 5 MiB file and two parties


QUICK = Sizes(
    messages=5_000,
    mark_seconds=5.0,
    mails=500,
    histories=(1_000, 100_000),
    edits=50,
    file_agreements=2,
)


def label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1_000}k"


class Runner:
    """Runs the parts for one database, each in a folder of its own under ``logs``."""

    def __init__(self, database: str, sizes: Sizes, logs: Path, wait_quiet: bool) -> None:
        self.wait_quiet = wait_quiet
        self.database = database
        self.sizes = sizes
        self.logs = logs
        self.results: dict[str, float] = {}

    async def part(
        self, name: str, keys: list[str], run: Callable[[Path], Awaitable[None]]
    ) -> None:
        folder = self.logs / f"{self.database}-{name}"
        folder.mkdir(parents=True, exist_ok=True)
        if self.wait_quiet and await until_quiet() >= 0.1:
            print("(the machine stayed busy)", end=" ", file=sys.stderr)
        started, load = time.monotonic(), ForeignLoad()
        print(f"[{self.database}] {name} ...", end=" ", flush=True, file=sys.stderr)
        try:
            await run(folder)
        except Exception:
            (folder / "error.txt").write_text(traceback.format_exc())
            self.results.update({f"{key}_failed": 1.0 for key in keys})
            print(f"failed, see {folder}/error.txt", file=sys.stderr)
        else:
            print(f"{time.monotonic() - started:.0f} s", file=sys.stderr)
        cores = load.cores()
        self.results["foreign_load"] = max(cores, self.results.get("foreign_load", 0.0))
        if cores > 0.1:
            print(f"  other processes used {cores:.2f} cores meanwhile", file=sys.stderr)

    async def ingest(self, folder: Path) -> None:
        """Ceiling and bot in turn, INGEST_ROUNDS times: the best rate of each (the run least
        disturbed), the highest peak memory of each."""
        messages = self.sizes.messages
        for _ in range(INGEST_ROUNDS):
            ceiling = await ingest(self.database, messages, folder, CEILING)
            bot = await ingest(self.database, messages, folder, "bot")
            if bot.journal_rows != messages:
                raise RuntimeError(f"{bot.journal_rows} journal rows for {messages} messages")
            for key, value in (("ingest_ceiling", ceiling.rate), ("ingest_bot", bot.rate)):
                self.results[key] = max(value, self.results.get(key, 0.0))
            for key, value in (("rss_ceiling", ceiling.peak_mb), ("rss_bot", bot.peak_mb)):
                self.results[key] = max(value, self.results.get(key, 0.0))

    async def latency(self, folder: Path) -> None:
        sizes = self.sizes
        run = await latency(self.database, sizes.marks_per_second, sizes.mark_seconds, folder)
        self.results |= {"latency_p50": run.p50_ms, "latency_p99": run.p99_ms}
        self.results |= {"latency_marks": run.marks, "latency_missing": run.missing}

    async def outbox(self, folder: Path) -> None:
        run = await outbox(self.database, self.sizes.mails, folder)
        if run.sent != self.sizes.mails:
            raise RuntimeError(f"{run.sent} of {self.sizes.mails} mails arrived")
        self.results["outbox_rate"] = run.rate

    async def edits(self, folder: Path) -> None:
        runs = await edit_lookup(self.database, self.sizes.histories, self.sizes.edits, folder)
        for key, size in zip(("small", "large"), self.sizes.histories, strict=True):
            run = runs[size]
            self.results |= {f"edit_{key}": run.ms_per_edit, f"mark_{key}": run.ms_per_mark}

    async def storage(self, folder: Path) -> None:
        run = await storage(self.database, self.sizes.file_agreements, folder)
        self.results |= {"storage_mb": run.per_agreement_mb, "storage_rows_mb": run.in_rows_mb}
        self.results |= {"verify_ms": run.verify_ms, "verify_max_ms": run.verify_max_ms}

    async def mini_app(self, folder: Path) -> None:
        times = await mini_app_list(self.database, folder)
        worst, p99 = times.worst_p99()
        (folder / "cases.txt").write_text(
            "".join(f"{name}: p99 {times.p99(name):.1f} ms\n" for name in times.by_case)
            + f"worst: {worst}\n"
        )
        self.results |= {"mini_app_p99": p99}

    async def run(self, parts: list[str]) -> dict[str, float]:
        started = time.monotonic()
        keys = {
            "ingest": ["ingest_bot", "ingest_ceiling", "rss_bot", "rss_ceiling"],
            "latency": ["latency_p50", "latency_p99"],
            "outbox": ["outbox_rate"],
            "edits": ["edit_small", "edit_large", "mark_small", "mark_large"],
            "storage": ["storage_mb", "storage_rows_mb", "verify_ms"],
            "mini_app": ["mini_app_p99"],
        }
        for name in parts:
            await self.part(name, keys[name], getattr(self, name))
        self.results["seconds"] = time.monotonic() - started
        derive(self.results)
        return self.results


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=[*DATABASES, "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a few minutes")
    parser.add_argument("--only", default=",".join(PARTS), help=f"some of {','.join(PARTS)}")
    parser.add_argument(
        "--mark-rate", type=float, default=50.0, help="marks a second in the latency part"
    )
    parser.add_argument("--logs", type=Path, help="where the processes' logs go")
    parser.add_argument(
        "--wait-quiet",
        action="store_true",
        help="before each part, wait (up to 15 min) until other processes leave the CPU idle",
    )
    return parser.parse_args()


def revision() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    dirty = " + uncommitted changes" if git("status", "--porcelain", "bot", "mailer") else ""
    return git("rev-parse", "--short", "HEAD") + dirty


async def main() -> None:
    args = parse_arguments()
    parts = [part for part in args.only.split(",") if part]
    if unknown := set(parts) - set(PARTS):
        sys.exit(f"unknown parts: {', '.join(sorted(unknown))}")
    sizes = replace(QUICK if args.quick else Sizes(), marks_per_second=args.mark_rate)
    databases = list(DATABASES) if args.db == "both" else [args.db]
    logs = args.logs or Path(tempfile.mkdtemp(prefix="bench-"))
    print(f"logs in {logs}", file=sys.stderr)
    columns = {db: await Runner(db, sizes, logs, args.wait_quiet).run(parts) for db in databases}
    small, large = (label(size) for size in sizes.histories)
    print(
        f"\nBenchmark ({'quick' if args.quick else 'full'}): {sizes.messages} messages in 100 "
        f"chats; {sizes.marks_per_second:.0f} marks/s for {sizes.mark_seconds:.0f} s; "
        f"{sizes.mails} mails; {ROUNDS} turns of {sizes.edits} edits (the median) on each of "
        f"{small} and {large} messages of history; {sizes.file_agreements} agreements with "
        "a 5 MiB file and 2 parties."
        f"\nCode at {revision()}; load average at the end {os.getloadavg()[0]:.2f}; "
        f"logs in {logs}\n"
    )
    print(table(columns, small, large, sizes.marks_per_second))


if __name__ == "__main__":
    asyncio.run(main())
