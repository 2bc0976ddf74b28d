"""Edit lookup: what one edit of an agreed message costs the running bot, on top of a
history of ``size`` stored messages (see seed.py).

After the history is seeded, ``edits`` messages are said and marked through the bot and
their mails delivered; then each is edited once, all edits queued at once. The cost is
the time from the first edit handed out to the last one confirmed, per edit (handling
includes the chat alert the bot posts). The marks are timed the same way. Part of
``python -m bench`` (``--only edits``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.databases import address_of, bind_addresses, fresh_database, known_person
from bench.processes import BotProcess, bot_environment
from bench.seed import CHAT_IDS, seed
from bench.servers import ServedClock, frozen_heap, servers
from tests.botapi import BotAPIServer
from tests.botapi.scenario import TelegramWorld

PEOPLE = 10


@dataclass(frozen=True, slots=True)
class EditRun:
    ms_per_edit: float
    ms_per_mark: float
    seed_seconds: float


async def edit_lookup(database: str, size: int, edits: int, workdir: Path) -> EditRun:
    async with fresh_database(database, workdir) as url, servers() as (api, mailbox):
        world = TelegramWorld(api)
        groups = [world.group(f"Chat {n}") for n in range(len(CHAT_IDS))]
        assert [g.chat["id"] for g in groups] == CHAT_IDS, "seeded chats must be the world's"
        started = time.monotonic()
        await seed(url, size)
        seed_seconds = time.monotonic() - started
        authors = [world.user(f"Author{n}") for n in range(PEOPLE)]
        markers = [world.user(f"Marker{n}") for n in range(PEOPLE)]
        await bind_addresses(url, [known_person(p) for p in authors + markers])
        clock = ServedClock(api)
        env = bot_environment(api, mailbox, url)
        async with BotProcess("bot", env, workdir / f"bot-edits-{size}.log") as process:
            await process.until_polling(api)
            messages = [
                authors[n % PEOPLE].says(groups[n % len(groups)], f"Price {n}: 150 000 by Friday")
                for n in range(edits)
            ]
            await clock.until_confirmed(api.updates.next_update_id - 1, timeout=120)
            mark_seconds = await _timed(
                api,
                clock,
                edits,
                push=lambda n: markers[n % PEOPLE].says(
                    groups[n % len(groups)], "/agree", reply_to=messages[n]
                ),
            )
            for n, person in enumerate(authors + markers):
                mine = len(range(n % PEOPLE, edits, PEOPLE))
                await mailbox.wait_for(to=address_of(person), count=mine, timeout=120)
            edit_seconds = await _timed(
                api,
                clock,
                edits,
                push=lambda n: authors[n % PEOPLE].edits(messages[n], f"Price {n}: 180 000"),
            )
    return EditRun(1000 * edit_seconds / edits, 1000 * mark_seconds / edits, seed_seconds)


async def _timed(
    api: BotAPIServer, clock: ServedClock, count: int, push: Callable[[int], object]
) -> float:
    """Queues ``count`` updates at once (``push(n)``); seconds until all were handled."""
    first = api.updates.next_update_id
    for n in range(count):
        push(n)
    last = api.updates.next_update_id - 1
    with frozen_heap():
        await clock.until_confirmed(last, timeout=600)
    return clock.window_of(first, last)
