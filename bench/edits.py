"""Edit lookup: what one edit of an agreed message costs the running bot, on top of a
history of stored messages of each size (see seed.py).

Both histories are seeded first. Then, ROUNDS times, the bot is started on each database
in turn. Each time ``edits`` new messages are said and marked through it and their mails
delivered; then each is edited once, all edits queued at once. A round's cost is the time
from its first edit handed out to its last one confirmed, per edit (handling includes the
chat alert the bot posts); the marks are timed the same way. Each size reports its median
round. Rounds in one process agreed within a few per cent, but one process to the next,
or one minute to the next, differed by up to 15%: the sizes take turns so that a slow
spell of the machine does not fall on one of them only.
Part of ``python -m bench`` (``--only edits``).
"""

from __future__ import annotations

import contextlib
import itertools
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.databases import address_of, bind_addresses, fresh_database, known_person
from bench.processes import BotProcess, bot_environment
from bench.seed import CHAT_IDS, seed
from bench.servers import ServedClock, frozen_heap, servers
from tests.botapi import BotAPIServer
from tests.botapi.scenario import Person, TelegramWorld
from tests.botapi.scenario_chats import Group
from tests.support.mailbox import Mailbox

PEOPLE = 10
ROUNDS = 3


@dataclass(frozen=True, slots=True)
class EditRun:
    ms_per_edit: float
    ms_per_mark: float
    seed_seconds: float


async def edit_lookup(
    database: str, sizes: Sequence[int], edits: int, workdir: Path
) -> dict[int, EditRun]:
    async with contextlib.AsyncExitStack() as stack:
        api, mailbox = await stack.enter_async_context(servers())
        world = TelegramWorld(api)
        groups = [world.group(f"Chat {n}") for n in range(len(CHAT_IDS))]
        assert [g.chat["id"] for g in groups] == CHAT_IDS, "seeded chats must be the world's"
        authors = [world.user(f"Author{n}") for n in range(PEOPLE)]
        markers = [world.user(f"Marker{n}") for n in range(PEOPLE)]
        cast = _Cast(groups, authors, markers)
        urls, seed_seconds = {}, {}
        for size in sizes:
            urls[size] = await stack.enter_async_context(fresh_database(database, workdir))
            started = time.monotonic()
            await seed(urls[size], size)
            seed_seconds[size] = time.monotonic() - started
            await bind_addresses(urls[size], [known_person(p) for p in authors + markers])
        clock = ServedClock(api)
        rounds: dict[int, list[tuple[float, float]]] = {size: [] for size in sizes}
        batches = (range(n, n + edits) for n in itertools.count(0, edits))
        for round_, size in itertools.product(range(ROUNDS), sizes):
            # Edit alert mails wait out a coalescing window (60 s by default) in the
            # database; a later round's bot would send an earlier round's during its timed
            # windows, and they would count as that round's agreement mails. The chat alert,
            # which handling an edit includes, is posted at once either way.
            env = bot_environment(api, mailbox, urls[size]) | {
                "EDIT_ALERT_COALESCE_SECONDS": "3600"
            }
            log = workdir / f"bot-edits-{size}-{round_ + 1}.log"
            async with BotProcess("bot", env, log) as process:
                await process.until_polling(api)
                rounds[size].append(await _round(api, clock, mailbox, cast, next(batches)))
    return {
        size: EditRun(
            1000 * statistics.median(edit for _, edit in rounds[size]) / edits,
            1000 * statistics.median(mark for mark, _ in rounds[size]) / edits,
            seed_seconds[size],
        )
        for size in sizes
    }


@dataclass(frozen=True, slots=True)
class _Cast:
    groups: list[Group]
    authors: list[Person]
    markers: list[Person]


async def _round(
    api: BotAPIServer, clock: ServedClock, mailbox: Mailbox, cast: _Cast, numbers: range
) -> tuple[float, float]:
    """Messages ``numbers`` said, marked and then edited: seconds for the marks and edits."""
    groups, authors, markers = cast.groups, cast.authors, cast.markers
    messages = {
        n: authors[n % PEOPLE].says(groups[n % len(groups)], f"Price {n}: 150 000 by Friday")
        for n in numbers
    }
    await clock.until_confirmed(api.updates.next_update_id - 1, timeout=120)
    mark_seconds = await _timed(
        api,
        clock,
        numbers,
        push=lambda n: markers[n % PEOPLE].says(
            groups[n % len(groups)], "/agree", reply_to=messages[n]
        ),
    )
    for n, person in enumerate(authors + markers):
        mine = len(range(n % PEOPLE, numbers.stop, PEOPLE))
        await mailbox.wait_for(to=address_of(person), count=mine, timeout=120)
    edit_seconds = await _timed(
        api,
        clock,
        numbers,
        push=lambda n: authors[n % PEOPLE].edits(messages[n], f"Price {n}: 180 000"),
    )
    return mark_seconds, edit_seconds


async def _timed(
    api: BotAPIServer, clock: ServedClock, numbers: Iterable[int], push: Callable[[int], object]
) -> float:
    """Queues an update for each of ``numbers`` at once (``push(n)``); seconds until all
    were handled."""
    first = api.updates.next_update_id
    for n in numbers:
        push(n)
    last = api.updates.next_update_id - 1
    with frozen_heap():
        await clock.until_confirmed(last, timeout=600)
    return clock.window_of(first, last)
