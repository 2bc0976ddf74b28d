"""A chat where agreements are marked, edited and accepted through the real services, each
call on a session of its own as in the bot (several at once race as replicas would).
tests/services/conftest.py hands it to the tests as the ``group`` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.agreements.marking import AgreementService, MarkedMessage, MarkRequest
from bot.confirmations.service import ConfirmationService, Result
from bot.core.people import ChatInfo, Person
from bot.db.models import Agreement, Amendment, EmailParty, MessageVersion
from bot.edits.amendments import AcceptResult, AmendmentService
from bot.edits.email_accepts import EmailAcceptService
from bot.edits.service import EditedMessage, EditService
from bot.evidence.chain import ChainLink, chat_chain
from bot.mail.alerts import agreed_text
from bot.mail.letters import Letters
from bot.mail.service import Service
from tests.support.clocks import FakeClock
from tests.support.wakers import RecordingNotices, RecordingWaker

S = TypeVar("S", bound=Service)

ALICE = Person(id=101, first_name="Alice", language_code="en")
BOB = Person(id=202, first_name="Bob", language_code="en")
GROUP = ChatInfo(id=-1001234567890, type="supergroup", title="Project X")
SENT_AT = datetime(2026, 11, 29, 8, 30, tzinfo=UTC)


class Chat:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], letters: Letters, clock: FakeClock
    ) -> None:
        self._sessions = sessions
        self._letters = letters
        self._clock = clock

    @asynccontextmanager
    async def service(self, kind: type[S]) -> AsyncIterator[S]:
        """A service on a session of its own, closed afterwards, as the bot's update has."""
        async with self._sessions() as session:
            yield kind(session, self._letters, RecordingWaker(), self._clock)

    async def mark(self, message_id: int, text: str = "", by: Person = BOB) -> int:
        """Alice wrote it, ``by`` marks it; the agreement's id."""
        message = MarkedMessage(message_id, SENT_AT, ALICE, text or f"Offer {message_id}")
        async with self.service(AgreementService) as agreements:
            result = await agreements.mark(MarkRequest(GROUP, message, by))
        assert result.agreement is not None, result
        return int(result.agreement.id)

    async def edit(self, message_id: int, text: str, by: Person = ALICE) -> int:
        """The new version's id."""
        async with self._sessions() as session:
            edits = EditService(
                session, self._letters, RecordingWaker(), self._clock, timedelta(0)
            )
            result = await edits.record(EditedMessage(GROUP.id, message_id, text, SENT_AT, by))
        assert result.alert is not None, result
        return result.alert.latest_version_id

    async def accept(self, version_id: int, by: Person) -> AcceptResult:
        async with self.service(AmendmentService) as amendments:
            return await amendments.accept(version_id, GROUP.id, by)

    async def confirm_by_email(self, agreement_id: int, address: str, by: Person = BOB) -> Result:
        """``by`` invites ``address`` (as /agree address would), and its owner presses
        "I confirm this agreement" on what stands."""
        async with self._sessions() as session:
            party = EmailParty(
                agreement_id=agreement_id,
                address=address,
                language="en",
                added_by_id=by.id,
                added_at=self._clock(),
            )
            session.add(party)
            await session.commit()
            agreement = await session.get(Agreement, agreement_id)
            assert agreement is not None
            standing = (await agreed_text(session, agreement)).digest
            confirmations = ConfirmationService(
                session, self._letters, RecordingWaker(), self._clock, RecordingNotices()
            )
            return await confirmations.confirm(party.id, standing, "en")

    async def accept_by_email(
        self, version_id: int, address: str, *, invited_to: int | None = None
    ) -> AcceptResult:
        """The owner of ``address``, confirmed, presses "I accept the new version" on the
        page behind its alert's link (English terms). ``invited_to``: the agreement whose
        invitation the link names, when not the version's (a forged pairing)."""
        async with self._sessions() as session:
            version = await session.get(MessageVersion, version_id)
            assert version is not None
            party_id = await session.scalar(
                select(EmailParty.id).where(
                    EmailParty.agreement_id == (invited_to or version.agreement_id),
                    EmailParty.address == address,
                )
            )
            assert party_id is not None
            service = EmailAcceptService(
                session, self._letters, RecordingWaker(), self._clock, RecordingNotices()
            )
            return await service.accept_by_email(party_id, version_id, "en")

    async def refuse_by_email(self, agreement_id: int, address: str) -> Result:
        """The owner of ``address`` presses "This is not me" on its invitation's page."""
        async with self._sessions() as session:
            party_id = await session.scalar(
                select(EmailParty.id).where(
                    EmailParty.agreement_id == agreement_id, EmailParty.address == address
                )
            )
            assert party_id is not None
            confirmations = ConfirmationService(
                session, self._letters, RecordingWaker(), self._clock, RecordingNotices()
            )
            return await confirmations.refuse(party_id)

    async def chain(self) -> list[ChainLink]:
        async with self._sessions() as session:
            return await chat_chain(session, GROUP.id)

    async def amendments(self) -> list[Amendment]:
        async with self._sessions() as session:
            return list(await session.scalars(select(Amendment).order_by(Amendment.id)))

    async def version(self, version_id: int) -> MessageVersion:
        async with self._sessions() as session:
            version = await session.get(MessageVersion, version_id)
        assert version is not None
        return version
