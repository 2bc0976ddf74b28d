"""The database itself refuses to rewrite or remove what was recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.agreements.marking import AgreementService, MarkedMessage, MarkRequest
from bot.core.people import ChatInfo, Person
from bot.db.models import (
    Acceptance,
    Agreement,
    AgreementFile,
    Amendment,
    MessageDeletion,
    MessageVersion,
    Party,
)
from bot.edits.amendments import Acceptation, AmendmentService
from bot.edits.service import EditedMessage, EditService
from tests.support.wakers import RecordingWaker

GROUP = ChatInfo(id=-1001, type="supergroup", title="Team")
ANN, BEN = Person(id=1, first_name="Ann"), Person(id=2, first_name="Ben")


@pytest.fixture
async def agreement_id(services) -> int:
    message = MarkedMessage(
        message_id=5, date=datetime(2026, 11, 29, tzinfo=UTC), author=BEN, text="Price 100"
    )
    result = await services(AgreementService).mark(MarkRequest(GROUP, message, ANN))
    assert result.agreement is not None
    return result.agreement.id


@pytest.mark.parametrize(
    "statement",
    [
        update(Agreement).values(text="Price 10"),
        update(Agreement).values(digest="0" * 64),
        delete(Agreement),
        delete(Party),
        update(Party).values(user_id=1),
    ],
    ids=["rewrite text", "rewrite digest", "delete agreement", "delete party", "move party"],
)
async def test_records_cannot_be_changed(session_factory, agreement_id: int, statement) -> None:
    async with session_factory() as session:
        with pytest.raises((IntegrityError, DBAPIError)) as refused:
            await session.execute(statement)
        assert "append-only" in str(refused.value)


async def test_bookkeeping_beside_the_record_may_change(session_factory, agreement_id) -> None:
    async with session_factory() as session:
        await session.execute(
            update(Agreement).where(Agreement.id == agreement_id).values(answer_message_id=9)
        )
        await session.commit()
        assert await session.scalar(text("SELECT answer_message_id FROM agreements")) == 9


async def test_a_records_file_and_deletion_notice_cannot_be_changed(
    session_factory, agreement_id: int
) -> None:
    async with session_factory() as session:
        session.add(AgreementFile(agreement_id=agreement_id, content=b"%PDF"))
        session.add(MessageDeletion(agreement_id=agreement_id, deleted_at=datetime.now(UTC)))
        await session.commit()
    for statement in (
        update(AgreementFile).values(content=b"forged"),
        delete(AgreementFile),
        update(MessageDeletion).values(deleted_at=datetime(2020, 1, 1, tzinfo=UTC)),
        delete(MessageDeletion),
    ):
        async with session_factory() as session:
            with pytest.raises((IntegrityError, DBAPIError)) as refused:
                await session.execute(statement)
            assert "append-only" in str(refused.value)
    # The file part of an agreement is a recorded column too.
    async with session_factory() as session:
        with pytest.raises((IntegrityError, DBAPIError)):
            await session.execute(update(Agreement).values(media={"kind": "photo"}))


@pytest.fixture
async def amended(session_factory, letters, clock, agreement_id: int) -> int:
    """Ben edits the agreed message and both parties accept: a version, two acceptances
    and an amendment, recorded by the services as the bot records them."""
    async with session_factory() as session:
        edits = EditService(session, letters, RecordingWaker(), clock, timedelta(0))
        edited = await edits.record(EditedMessage(GROUP.id, 5, "Price 90", clock(), editor=BEN))
    assert edited.alert is not None
    for person in (ANN, BEN):
        async with session_factory() as session:
            amendments = AmendmentService(session, letters, RecordingWaker(), clock)
            accepted = await amendments.accept(edited.alert.latest_version_id, GROUP.id, person)
    assert accepted.outcome is Acceptation.AMENDED
    return agreement_id


@pytest.mark.parametrize(
    "statement",
    [
        update(MessageVersion).values(text="Price 9"),
        update(MessageVersion).values(content_hash="0" * 64),
        delete(MessageVersion),
        update(Acceptance).values(user_id=ANN.id),
        update(Acceptance).values(accepted_at=datetime(2020, 1, 1, tzinfo=UTC)),
        delete(Acceptance),
        update(Amendment).values(text="Price 9"),
        update(Amendment).values(digest="0" * 64),
        delete(Amendment),
    ],
    ids=[
        "rewrite version text",
        "rewrite version hash",
        "delete version",
        "move acceptance",
        "backdate acceptance",
        "delete acceptance",
        "rewrite amendment text",
        "rewrite amendment digest",
        "delete amendment",
    ],
)
async def test_edits_acceptances_and_amendments_cannot_be_changed(
    session_factory, amended: int, statement
) -> None:
    async with session_factory() as session:
        with pytest.raises((IntegrityError, DBAPIError)) as refused:
            await session.execute(statement)
        assert "append-only" in str(refused.value)
