"""Where records stand in their chat's hash chain, and whether the chain holds, for pages
that show it on every view (the record page, the Mini App's agreement).

Checking a chain hashes every record of the chat; a page anyone with a link may open would
let them make the server do that as often as the throttle allows. The chain only grows
(the database refuses changes to its rows), so a verdict is kept for the chain's head as
it was: while the head is the same, no new walk, for up to RECHECK_SECONDS. A new link
makes a new head, and the chain is walked again.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ChainEntry
from bot.evidence.chain import chat_chain, check_chain

RECHECK_SECONDS = 300.0
MOST_CHATS = 4096

Head = tuple[int, int, str]  # chat, the head's position, its digest


@dataclass(frozen=True, slots=True)
class ChainPlace:
    position: int | None  # None: the record has no place (the chain is then broken)
    length: int
    holds: bool


class ChainVerdicts:
    """Whether each chat's chain held when walked, by its head then; the oldest forgotten
    beyond MOST_CHATS. One per process, shared by the pages."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._verdicts: OrderedDict[Head, tuple[bool, float]] = OrderedDict()

    def get(self, head: Head) -> bool | None:
        found = self._verdicts.get(head)
        if found is None or self._clock() - found[1] > RECHECK_SECONDS:
            return None
        return found[0]

    def put(self, head: Head, holds: bool) -> None:
        self._verdicts[head] = (holds, self._clock())
        self._verdicts.move_to_end(head)
        while len(self._verdicts) > MOST_CHATS:
            self._verdicts.popitem(last=False)


async def chain_places(
    session: AsyncSession,
    chat_id: int,
    digests: list[str],
    verdicts: ChainVerdicts | None = None,
) -> dict[str, ChainPlace]:
    """Each record's place, and whether the whole chat's chain holds: every link names the
    one before and hashes to its digest (what ``verify --chain`` checks)."""
    if verdicts is not None:
        head = await _head(session, chat_id)
        holds = verdicts.get(head) if head is not None else None
        if head is not None and holds is not None:
            return await _places(session, chat_id, digests, head[1], holds)
    links = await chat_chain(session, chat_id)
    holds = not check_chain(links)
    if verdicts is not None and links and links[-1].position is not None:
        verdicts.put((chat_id, links[-1].position, links[-1].digest), holds)
    positions = {link.digest: link.position for link in links}
    return {digest: ChainPlace(positions.get(digest), len(links), holds) for digest in digests}


async def _head(session: AsyncSession, chat_id: int) -> Head | None:
    row = (
        await session.execute(
            select(ChainEntry.position, ChainEntry.digest)
            .where(ChainEntry.chat_id == chat_id)
            .order_by(ChainEntry.position.desc())
            .limit(1)
        )
    ).first()
    return (chat_id, row.position, row.digest) if row is not None else None


async def _places(
    session: AsyncSession, chat_id: int, digests: list[str], length: int, holds: bool
) -> dict[str, ChainPlace]:
    rows = await session.execute(
        select(ChainEntry.digest, ChainEntry.position).where(
            ChainEntry.chat_id == chat_id, ChainEntry.digest.in_(digests)
        )
    )
    positions = {digest: position for digest, position in rows}
    return {digest: ChainPlace(positions.get(digest), length, holds) for digest in digests}
