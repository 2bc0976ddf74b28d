"""Invitations sent at once (replicas, webhook mode) keep their limits: per person across
chats (the adder's row is locked), per chat (the chat's row), once per agreement and
address (the chat's row, and the unique key). Really concurrent on PostgreSQL; on SQLite
the writers take turns and the same holds."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.invitations import (
    PER_ADDRESS_WEEK,
    InvitationLimits,
    InvitationService,
    Invited,
)
from bot.agreements.marking import AgreementService, MarkRequest
from bot.core.people import ChatInfo, Person
from bot.core.signed_links import LinkSigner, link_key
from bot.db.models import EmailParty, Mail
from bot.mail import kinds
from bot.mail.invitation_links import InvitationLinks
from bot.mail.letters import Letters
from bot.paths import LOCALES_DIR, TEMPLATES_DIR
from bot.telegram.formatting import entities_to_html
from mailer import MailRenderer
from tests.support.clocks import FakeClock
from tests.support.identity import MAIL_FROM, TOKEN
from tests.support.people import ALICE, BOB, said
from tests.support.wakers import RecordingWaker

RACERS = 10
LIMITS = InvitationLimits(per_user=3, per_chat=4)
Factory = async_sessionmaker[AsyncSession]
PAGES = "https://agreements.test"


@pytest.fixture
def inviting_letters() -> Letters:
    links = InvitationLinks(LinkSigner(link_key(TOKEN)), PAGES, timedelta(days=14))
    return Letters(
        MailRenderer(TEMPLATES_DIR, LOCALES_DIR),
        MAIL_FROM,
        ZoneInfo("Europe/Moscow"),
        entities_html=entities_to_html,
        record_pages=PAGES,
        invitation_links=links,
    )


def group(number: int) -> ChatInfo:
    return ChatInfo(id=-1001000000000 - number, type="supergroup", title=f"Group {number}")


async def marked(factory: Factory, letters: Letters, clock: FakeClock, chat: ChatInfo) -> int:
    """Bob's offer in ``chat``, marked by Alice: both are parties."""
    async with factory() as session:
        service = AgreementService(session, letters, RecordingWaker(), clock)
        result = await service.mark(
            MarkRequest(chat=chat, message=said(BOB, "Price"), marker=ALICE)
        )
    assert result.agreement is not None
    return result.agreement.id


async def invite(
    factory: Factory, letters: Letters, clock: FakeClock, agreement_id: int, adder: int, to: str
) -> Invited:
    """One request, on a session of its own, as one update or API call is."""
    async with factory() as session:
        service = InvitationService(session, letters, RecordingWaker(), clock, limits=LIMITS)
        return (await service.invite(agreement_id, adder, to, "en")).outcome


async def stored(factory: Factory) -> tuple[int, int]:
    """Invited addresses, and invitation mails queued."""
    async with factory() as session:
        parties = await session.scalar(select(func.count()).select_from(EmailParty))
        mails = await session.scalar(
            select(func.count()).select_from(Mail).where(Mail.kind == kinds.INVITATION)
        )
    return int(parties or 0), int(mails or 0)


async def test_one_person_in_many_chats_at_once_stays_within_the_limit(
    session_factory: Factory, inviting_letters: Letters, clock: FakeClock
) -> None:
    ids = [await marked(session_factory, inviting_letters, clock, group(n)) for n in range(RACERS)]
    outcomes = await asyncio.gather(
        *(
            invite(
                session_factory,
                inviting_letters,
                clock,
                agreement_id,
                ALICE.id,
                f"c{n}@example.com",
            )
            for n, agreement_id in enumerate(ids)
        )
    )
    assert outcomes.count(Invited.INVITED) == LIMITS.per_user
    assert outcomes.count(Invited.USER_LIMIT) == RACERS - LIMITS.per_user
    assert await stored(session_factory) == (LIMITS.per_user, LIMITS.per_user)


async def test_many_people_in_one_chat_at_once_stay_within_the_chat_limit(
    session_factory: Factory, inviting_letters: Letters, clock: FakeClock
) -> None:
    chat = group(1)
    agreement_id = await marked(session_factory, inviting_letters, clock, chat)
    people = [Person(id=5000 + n, first_name=f"Member{n}") for n in range(RACERS)]
    for person in people:
        async with session_factory() as session:
            service = AgreementService(session, inviting_letters, RecordingWaker(), clock)
            await service.join(agreement_id, chat.id, person)
    outcomes = await asyncio.gather(
        *(
            invite(
                session_factory, inviting_letters, clock, agreement_id, p.id, f"{p.id}@example.com"
            )
            for p in people
        )
    )
    assert outcomes.count(Invited.INVITED) == LIMITS.per_chat
    assert outcomes.count(Invited.CHAT_LIMIT) == RACERS - LIMITS.per_chat
    assert await stored(session_factory) == (LIMITS.per_chat, LIMITS.per_chat)


async def test_one_address_asked_for_at_once_is_invited_once(
    session_factory: Factory, inviting_letters: Letters, clock: FakeClock
) -> None:
    agreement_id = await marked(session_factory, inviting_letters, clock, group(1))
    outcomes = await asyncio.gather(
        *(
            invite(session_factory, inviting_letters, clock, agreement_id, adder, "c@example.com")
            for adder in [ALICE.id, BOB.id] * (RACERS // 2)
        )
    )
    assert outcomes.count(Invited.INVITED) == 1
    assert outcomes.count(Invited.ALREADY_INVITED) == RACERS - 1
    assert await stored(session_factory) == (1, 1)


async def test_a_day_later_the_limit_is_free_again(
    session_factory: Factory, inviting_letters: Letters, clock: FakeClock
) -> None:
    ids = [await marked(session_factory, inviting_letters, clock, group(n)) for n in range(5)]
    for n, agreement_id in enumerate(ids[:3]):
        await invite(
            session_factory, inviting_letters, clock, agreement_id, ALICE.id, f"{n}@example.com"
        )
    over = await invite(
        session_factory, inviting_letters, clock, ids[3], ALICE.id, "3@example.com"
    )
    assert over is Invited.USER_LIMIT
    clock.advance(days=1)
    again = await invite(
        session_factory, inviting_letters, clock, ids[3], ALICE.id, "3@example.com"
    )
    assert again is Invited.INVITED


async def test_one_address_from_many_people_and_chats_at_once_stays_within_a_week(
    session_factory: Factory, inviting_letters: Letters, clock: FakeClock
) -> None:
    markers = [Person(id=6000 + n, first_name=f"Marker{n}") for n in range(RACERS)]
    ids = []
    for n, marker in enumerate(markers):
        async with session_factory() as session:
            service = AgreementService(session, inviting_letters, RecordingWaker(), clock)
            result = await service.mark(
                MarkRequest(chat=group(n), message=said(BOB, "Price"), marker=marker)
            )
        assert result.agreement is not None
        ids.append(result.agreement.id)
    outcomes = await asyncio.gather(
        *(
            invite(session_factory, inviting_letters, clock, agreement_id, m.id, "c@example.com")
            for agreement_id, m in zip(ids, markers, strict=True)
        )
    )
    assert outcomes.count(Invited.INVITED) == PER_ADDRESS_WEEK
    assert outcomes.count(Invited.ADDRESS_LIMIT) == RACERS - PER_ADDRESS_WEEK
    clock.advance(days=7)
    assert (
        await invite(
            session_factory, inviting_letters, clock, ids[-1], markers[-1].id, "c@example.com"
        )
        is Invited.INVITED
    )
