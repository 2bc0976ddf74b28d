"""A chat's archive address when updates come at once (replicas, webhook mode; real
concurrency on PostgreSQL): its codes keep their limits, one archive is in force, and a
removal racing marks leaves no copy waiting to go."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from functools import partial

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.archives.service import ArchiveService, CodeRequest, Confirmation
from bot.core.people import Person
from bot.db.models import ChatArchive, Mail, MailStatus
from bot.mail import kinds
from bot.registration.service import CODE_ATTEMPTS, CODES_PER_HOUR, RegistrationService
from tests.support.amending import ALICE, BOB, GROUP, Chat
from tests.support.identity import CODE_KEY

RACERS = 10
ARCHIVE = "crm@example.com"


@pytest.fixture
def archives(services: Callable[..., ArchiveService]) -> Callable[[], ArchiveService]:
    """``archives()``: an ArchiveService on a session of its own, as one update has."""
    return lambda: services(partial(ArchiveService, code_key=CODE_KEY))


async def _code(session_factory: async_sessionmaker[AsyncSession], address: str) -> str:
    """The code in the last archive code mail queued to ``address``."""
    async with session_factory() as session:
        mail = await session.scalar(
            select(Mail)
            .where(Mail.to_address == address, Mail.kind == kinds.ARCHIVE_CODE)
            .order_by(Mail.id.desc())
            .limit(1)
        )
    assert mail is not None
    found = re.search(rb"/archive (\d{6})", mail.raw)
    assert found
    return found.group(1).decode()


async def _in_force(session_factory: async_sessionmaker[AsyncSession]) -> list[ChatArchive]:
    async with session_factory() as session:
        return list(
            await session.scalars(select(ChatArchive).where(ChatArchive.removed_at.is_(None)))
        )


async def _set(
    archives: Callable[[], ArchiveService],
    session_factory: async_sessionmaker[AsyncSession],
    admin: Person,
    address: str,
) -> str:
    """The administrator chose GROUP and asked for a code to ``address``: the code."""
    await archives().in_group(GROUP)
    await archives().choose(admin, GROUP.id)
    sent = await archives().request_code(admin, GROUP.id, address)
    assert sent.outcome is CodeRequest.SENT, sent
    return await _code(session_factory, address)


async def test_parallel_wrong_guesses_each_cost_an_attempt(archives, session_factory) -> None:
    real = await _set(archives, session_factory, ALICE, ARCHIVE)
    wrong = f"{(int(real) + 1) % 10**6:06d}"

    results = await asyncio.gather(
        *(archives().confirm(ALICE, GROUP.id, wrong) for _ in range(RACERS))
    )

    left = sorted(r.attempts_left for r in results if r.outcome is Confirmation.WRONG_CODE)
    assert left == list(range(1, CODE_ATTEMPTS))
    assert sum(r.outcome is Confirmation.EXHAUSTED for r in results) == RACERS - len(left)
    assert (await archives().confirm(ALICE, GROUP.id, real)).outcome is Confirmation.EXHAUSTED
    assert await _in_force(session_factory) == []


async def test_codes_to_one_address_count_email_codes_too(
    archives, services, session_factory
) -> None:
    await archives().in_group(GROUP)
    admins = [Person(id=3000 + n, first_name=f"Admin{n}") for n in range(RACERS)]
    registration = partial(RegistrationService, code_key=CODE_KEY)
    results = await asyncio.gather(
        *(archives().request_code(admin, GROUP.id, ARCHIVE) for admin in admins[:5]),
        *(services(registration).request_code(admin, ARCHIVE) for admin in admins[5:]),
    )
    assert sum(r.outcome == "sent" for r in results) == CODES_PER_HOUR
    async with session_factory() as session:
        queued = list(await session.scalars(select(Mail.id).where(Mail.to_address == ARCHIVE)))
    assert len(queued) == CODES_PER_HOUR


async def test_two_administrators_confirming_at_once_leave_one_archive_in_force(
    archives, session_factory
) -> None:
    alices = await _set(archives, session_factory, ALICE, "alice-crm@example.com")
    bobs = await _set(archives, session_factory, BOB, "bob-crm@example.com")

    results = await asyncio.gather(
        archives().confirm(ALICE, GROUP.id, alices), archives().confirm(BOB, GROUP.id, bobs)
    )

    assert [r.outcome for r in results] == [Confirmation.SET, Confirmation.SET]
    [standing] = await _in_force(session_factory)
    async with session_factory() as session:
        [ended] = await session.scalars(
            select(ChatArchive).where(ChatArchive.removed_at.is_not(None))
        )
    # The one confirmed second replaced the first, and says who did.
    assert ended.removed_by_id == standing.set_by_id
    assert {ended.address, standing.address} == {"alice-crm@example.com", "bob-crm@example.com"}


async def test_a_removal_racing_marks_leaves_no_copy_waiting(
    archives, group: Chat, session_factory
) -> None:
    code = await _set(archives, session_factory, ALICE, ARCHIVE)
    assert (await archives().confirm(ALICE, GROUP.id, code)).outcome is Confirmation.SET

    removal = archives().remove(ALICE, GROUP.id)
    await asyncio.gather(*(group.mark(n) for n in range(1, 9)), removal)

    async with session_factory() as session:
        copies = list(
            await session.scalars(select(Mail).where(Mail.topic.startswith(kinds.ARCHIVE_PREFIX)))
        )
    # Each copy written before the removal was withdrawn; none was written after it.
    assert all(copy.status is MailStatus.FAILED for copy in copies), copies
    assert all((copy.last_error or "").startswith("withdrawn") for copy in copies)
    assert await _in_force(session_factory) == []
