"""Mark-to-email latency at a steady rate of /agree marks.

Each mark is its own pair of people with verified addresses (author and marker), so each
of its two agreement emails is told apart by recipient. A mark's latency runs from the
moment the fake hands its /agree update out in a getUpdates answer to the moment the SMTP
server accepts the later of its two emails. The first second of marks is a warm-up and
not counted. Part of ``python -m bench`` (``--only latency``).
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from pathlib import Path

from bench.databases import address_of, bind_addresses, fresh_database, known_person
from bench.processes import BotProcess, bot_environment
from bench.servers import ServedClock, frozen_heap, servers
from tests.botapi.scenario import TelegramWorld
from tests.support.mailbox import Mailbox

CHATS = 100
WARMUP_SECONDS = 1.0
MAIL_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class LatencyRun:
    p50_ms: float
    p99_ms: float
    marks: int  # marks counted (after the warm-up)
    missing: int  # counted marks with a mail that never came
    pushed_rate: float  # marks a second the fake actually got


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile; inf when there are no values."""
    if not values:
        return math.inf
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def latency(database: str, rate: float, seconds: float, workdir: Path) -> LatencyRun:
    warmup = round(rate * WARMUP_SECONDS)
    total = warmup + round(rate * seconds)
    async with fresh_database(database, workdir) as url, servers() as (api, mailbox):
        world = TelegramWorld(api)
        groups = [world.group(f"Chat {n}") for n in range(CHATS)]
        authors = [world.user(f"Author{n}") for n in range(total)]
        markers = [world.user(f"Marker{n}") for n in range(total)]
        await bind_addresses(url, [known_person(p) for p in authors + markers])
        targets = [
            author.says(groups[n % CHATS], f"Stage {n}: we pay 150 000 by Friday")
            for n, author in enumerate(authors)
        ]
        clock = ServedClock(api)
        env = bot_environment(api, mailbox, url)
        async with BotProcess("bot", env, workdir / "bot-latency.log") as process:
            await process.until_polling(api)
            await clock.until_confirmed(api.updates.next_update_id - 1, timeout=120)
            with frozen_heap():
                update_ids, started = [], time.monotonic() + 0.1
                for n in range(total):
                    await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
                    markers[n].says(groups[n % CHATS], "/agree", reply_to=targets[n])
                    update_ids.append(api.updates.next_update_id - 1)
                pushed_rate = (total - 1) / (time.monotonic() - started)
                await _until_mails(mailbox, [address_of(p) for p in authors + markers])
        latencies, missing = [], 0
        for n in range(warmup, total):
            times = [_accepted_at(mailbox, address_of(p)) for p in (authors[n], markers[n])]
            served = clock.served.get(update_ids[n])
            if served is None or None in times:
                missing += 1
                continue
            latencies.append(max(t for t in times if t is not None) - served)
    return LatencyRun(
        percentile(latencies, 0.50) * 1000,
        percentile(latencies, 0.99) * 1000 if not missing else math.inf,
        total - warmup,
        missing,
        pushed_rate,
    )


async def _until_mails(mailbox: Mailbox, addresses: list[str]) -> None:
    """Until every address has its mail, or MAIL_TIMEOUT passed."""
    deadline = time.monotonic() + MAIL_TIMEOUT
    for address in addresses:
        try:
            await mailbox.wait_for(to=address, timeout=max(0.01, deadline - time.monotonic()))
        except TimeoutError:
            return


def _accepted_at(mailbox: Mailbox, address: str) -> float | None:
    mails = mailbox.to(address)
    return mails[0].at if mails else None
