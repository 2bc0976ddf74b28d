"""Marking, joining and listing against a real migrated database."""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest
from sqlalchemy import select

from bot.agreements.listing import ListingService
from bot.agreements.marking import MARK_ATTEMPTS, AgreementService, MarkRequest, Outcome, Refusal
from bot.agreements.views import load_views
from bot.core.people import ChatInfo, Person
from bot.db.loading import with_parties
from bot.db.models import Agreement, Mail, MailStatus
from bot.evidence.chain import chat_chain, check_chain, latest_digest
from bot.registration.service import RegistrationService
from tests.support.addresses import bind
from tests.support.clocks import FakeClock
from tests.support.identity import CODE_KEY
from tests.support.outbox import code_sent_to
from tests.support.people import ALICE, BOB, CAROL, GROUP, said
from tests.support.wakers import RecordingWaker


@pytest.fixture
def service_for(services):
    return lambda: services(AgreementService)


@pytest.fixture
def listing(services):
    return lambda: services(ListingService)


async def test_first_mark_records_agreement_one_with_author_and_marker(service_for) -> None:
    result = await service_for().mark(MarkRequest(GROUP, said(ALICE, "Price 150 000"), BOB))
    assert result.outcome is Outcome.RECORDED
    agreement = result.agreement
    assert agreement is not None and agreement.number == 1
    assert [(p.user_id, p.role.value) for p in agreement.parties] == [
        (ALICE.id, "author"),
        (BOB.id, "marker"),
    ]


async def test_record_bytes_hash_to_the_digest(service_for, session_factory) -> None:
    request = MarkRequest(
        GROUP,
        said(
            ALICE,
            "Цена 150 000 ₽ 🤝\n<b>не тег</b>",
            entities=[{"type": "bold", "offset": 0, "length": 4}],
        ),
        BOB,
        title="Stage 1",
    )
    await service_for().mark(request)
    async with session_factory() as session:
        stored = await session.scalar(select(Agreement))
    assert stored is not None
    assert hashlib.sha256(stored.record).hexdigest() == stored.digest
    record = json.loads(stored.record)
    assert record["message"]["text"] == "Цена 150 000 ₽ 🤝\n<b>не тег</b>"
    assert record["message"]["date"] == "2026-11-29T08:30:15Z"
    assert record["author"] == {"id": ALICE.id, "name": "Alice Smith", "username": "alice"}
    assert record["title"] == "Stage 1"
    # Canonical: sorted keys, no spaces, UTF-8 kept as is.
    assert (
        stored.record
        == json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    )


async def test_marking_again_never_makes_a_second_agreement(service_for) -> None:
    first = await service_for().mark(MarkRequest(GROUP, said(ALICE, "Deal"), BOB))
    again = await service_for().mark(MarkRequest(GROUP, said(ALICE, "Deal"), BOB))
    joined = await service_for().mark(MarkRequest(GROUP, said(ALICE, "Deal"), CAROL))
    assert again.outcome is Outcome.ALREADY_PARTY
    assert joined.outcome is Outcome.JOINED
    assert first.agreement and joined.agreement
    assert joined.agreement.id == first.agreement.id
    assert [p.user_id for p in joined.agreement.parties] == [ALICE.id, BOB.id, CAROL.id]


async def test_numbers_count_per_chat(service_for) -> None:
    other = ChatInfo(id=-1009, type="group", title="Other")
    numbers = [
        (await service_for().mark(MarkRequest(chat, said(ALICE, "x", message_id=m), BOB)))
        for chat, m in [(GROUP, 1), (GROUP, 2), (other, 1), (GROUP, 3)]
    ]
    assert [r.agreement.number for r in numbers if r.agreement] == [1, 2, 1, 3]


@pytest.mark.parametrize(
    ("chat", "message", "refusal"),
    [
        (ChatInfo(id=5, type="private"), said(ALICE, "x"), Refusal.NOT_GROUP),
        (GROUP, said(ALICE, None), Refusal.NO_TEXT),
        (GROUP, said(ALICE, "   \n "), Refusal.NO_TEXT),
        (GROUP, said(Person(id=9, first_name="Bot", is_bot=True), "hi"), Refusal.FROM_BOT),
        (GROUP, said(ALICE, None, is_service=True), Refusal.SERVICE_MESSAGE),
    ],
)
async def test_refusals(service_for, session_factory, chat, message, refusal) -> None:
    result = await service_for().mark(MarkRequest(chat, message, BOB))
    assert result.outcome is refusal
    async with session_factory() as session:
        assert await session.scalar(select(Agreement)) is None


async def test_mail_only_to_verified_parties_then_released_once(
    service_for, session_factory, clock
) -> None:
    await bind(session_factory, ALICE, "alice@example.com", clock())
    await service_for().mark(MarkRequest(GROUP, said(ALICE, "Deal"), BOB))
    async with session_factory() as session:
        mails = (await session.scalars(select(Mail))).all()
    assert [(m.kind, m.to_address) for m in mails] == [("agreement", "alice@example.com")]

    # Bob verifies later: his held mail is created once, however often we ask.
    await bind(session_factory, BOB, "bob@example.com", clock())
    from bot.mail.deliveries import agreements_awaiting_mail

    async with session_factory() as session:
        held = await agreements_awaiting_mail(session, BOB.id)
    assert len(held) == 1
    await service_for().mark(MarkRequest(GROUP, said(ALICE, "Deal"), BOB))  # nothing new to say
    async with session_factory() as session:
        mails = (await session.scalars(select(Mail).order_by(Mail.id))).all()
    assert [m.to_address for m in mails] == ["alice@example.com", "bob@example.com"]


async def test_join_by_button_checks_the_chat(service_for) -> None:
    result = await service_for().mark(MarkRequest(GROUP, said(ALICE, "Deal"), BOB))
    assert result.agreement is not None
    wrong_chat = await service_for().join(result.agreement.id, -42, CAROL)
    assert wrong_chat.outcome is Refusal.UNKNOWN_AGREEMENT
    joined = await service_for().join(result.agreement.id, GROUP.id, CAROL)
    assert joined.outcome is Outcome.JOINED
    again = await service_for().join(result.agreement.id, GROUP.id, CAROL)
    assert again.outcome is Outcome.ALREADY_PARTY


async def test_list_pages_newest_first(service_for, listing) -> None:
    for message_id in range(1, 8):
        await service_for().mark(
            MarkRequest(GROUP, said(ALICE, f"deal {message_id}", message_id), BOB)
        )
    first = await listing().list_page(GROUP.id, 0, 5)
    second = await listing().list_page(GROUP.id, 1, 5)
    assert [a.number for a in first.items] == [7, 6, 5, 4, 3]
    assert [a.number for a in second.items] == [2, 1]
    assert first.pages == second.pages == 2
    beyond = await listing().list_page(GROUP.id, 9, 5)
    assert beyond.page == 1


async def test_racing_marks_make_one_agreement_and_gapless_numbers(service_for, listing) -> None:
    same = await asyncio.gather(
        service_for().mark(MarkRequest(GROUP, said(ALICE, "Deal", message_id=1), BOB)),
        service_for().mark(MarkRequest(GROUP, said(ALICE, "Deal", message_id=1), CAROL)),
    )
    assert sorted(r.outcome for r in same) == sorted([Outcome.RECORDED, Outcome.JOINED])
    others = await asyncio.gather(
        *(
            service_for().mark(MarkRequest(GROUP, said(ALICE, f"Deal {m}", message_id=m), BOB))
            for m in (2, 3, 4)
        )
    )
    assert sorted(r.agreement.number for r in others if r.agreement) == [2, 3, 4]
    final = await listing().list_page(GROUP.id, 0, 10)
    assert [a.number for a in final.items] == [4, 3, 2, 1]
    assert {p.user_id for p in final.items[-1].parties} == {ALICE.id, BOB.id, CAROL.id}


async def test_many_racing_marks_in_one_chat_all_get_numbers(service_for, listing) -> None:
    # More racers than a marking has attempts: losing the race for a number must not be
    # what decides whether a mark is recorded (replicas serving a busy chat).
    racers = 4 * MARK_ATTEMPTS
    results = await asyncio.gather(
        *(
            service_for().mark(MarkRequest(GROUP, said(ALICE, f"Deal {m}", message_id=m), BOB))
            for m in range(1, racers + 1)
        )
    )
    assert all(r.outcome is Outcome.RECORDED for r in results)
    assert sorted(r.agreement.number for r in results if r.agreement) == list(range(1, racers + 1))


async def test_a_refused_agreement_mail_is_sent_again_after_a_new_address(
    service_for, session_factory, clock, letters
) -> None:
    await bind(session_factory, ALICE, "wrong@example.com", clock())
    await service_for().mark(MarkRequest(GROUP, said(ALICE, "Deal"), BOB))
    async with session_factory() as session:
        refused = await session.scalar(select(Mail))
        assert refused is not None
        refused.status = MailStatus.FAILED  # as the worker records a 550
        await session.commit()

    async with session_factory() as session:
        registration = RegistrationService(
            session, letters, RecordingWaker(), clock, code_key=CODE_KEY
        )
        await registration.request_code(ALICE, "right@example.com")
    code = await code_sent_to(session_factory, "right@example.com")
    async with session_factory() as session:
        registration = RegistrationService(
            session, letters, RecordingWaker(), clock, code_key=CODE_KEY
        )
        assert (await registration.verify(ALICE, code)).released == 1

    async with session_factory() as session:
        rows = (await session.scalars(select(Mail).where(Mail.kind == "agreement"))).all()
    assert sorted((m.to_address, m.status.value) for m in rows) == [
        ("right@example.com", "pending"),
        ("wrong@example.com", "failed"),
    ]


async def test_each_record_names_the_last_link_of_its_chats_chain(
    service_for, session_factory, clock: FakeClock
) -> None:
    # Twelve marks at one moment, then three later: records of one moment are ordered by
    # number (#9 before #10, which a label's text would not do).
    service = service_for()
    for n in range(15):
        if n >= 12:
            clock.advance(seconds=1)
        await service.mark(MarkRequest(GROUP, said(ALICE, f"Stage {n}", message_id=n), BOB))
        async with session_factory() as session:
            chain = await chat_chain(session, GROUP.id)
            assert await latest_digest(session, GROUP.id) == chain[-1].digest
    assert len(chain) == 15 and check_chain(chain) == []


@pytest.mark.parametrize(
    ("author", "marker", "counterpart"),
    [(ALICE, BOB, None), (ALICE, ALICE, None), (ALICE, BOB, ALICE), (ALICE, BOB, CAROL)],
    ids=["two people", "own message", "counterpart is the author", "three people"],
)
async def test_a_new_agreements_answer_is_what_the_database_holds(
    service_for, session_factory, clock, author, marker, counterpart
) -> None:
    """A new agreement's view is built from memory, not read back: it must match."""
    await bind(session_factory, BOB, "bob@example.com", clock())
    request = MarkRequest(GROUP, said(author, "Price 150 000"), marker, counterpart=counterpart)
    result = await service_for().mark(request)
    assert result.outcome is Outcome.RECORDED and result.agreement is not None
    async with session_factory() as session:
        stored = await session.scalar(with_parties(select(Agreement)))
        assert stored is not None
        [loaded] = await load_views(session, [stored])
    assert result.agreement == loaded
    expected = {person.id for person in (author, marker, counterpart) if person is not None}
    assert {party.user_id for party in loaded.parties} == expected
    assert [p.has_email for p in loaded.parties] == [p.user_id == BOB.id for p in loaded.parties]
