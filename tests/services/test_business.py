"""Business chats: one chat key per (connection, client); deletions noted once."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.agreements.marking import AgreementService, MarkRequest
from bot.business.service import BusinessService, ConnectionChange, ConnectionInfo
from bot.core.people import BUSINESS, BUSINESS_CHAT_BASE, ChatInfo, Person
from bot.db.models import Mail, MessageDeletion
from tests.support.addresses import bind
from tests.support.people import said
from tests.support.wakers import RecordingWaker

OLGA = Person(id=11, first_name="Olga", language_code="ru")
IVAN = Person(id=12, first_name="Ivan")
CARL = Person(id=21, first_name="Carl")


def connection(connection_id: str, owner: Person, **changes) -> ConnectionInfo:
    values = {"can_reply": True, "is_enabled": True} | changes
    return ConnectionInfo(id=connection_id, owner=owner, user_chat_id=owner.id, **values)


def one_update(session_factory, letters, clock):
    """The services a handler gets: all on the update's one session."""
    session = session_factory()
    waker = RecordingWaker()
    return (
        session,
        BusinessService(session, letters, waker, clock),
        AgreementService(session, letters, waker, clock),
    )


async def test_two_owners_talking_to_one_client_have_separate_chats(
    session_factory, letters, clock
) -> None:
    session, business, agreements = one_update(session_factory, letters, clock)
    assert await business.connection_changed(connection("A", OLGA)) is ConnectionChange.CONNECTED
    await business.connection_changed(connection("B", IVAN))
    olga_chat = await business.chat_key(OLGA.id, CARL)
    ivan_chat = await business.chat_key(IVAN.id, CARL)
    assert olga_chat != ivan_chat and min(olga_chat, ivan_chat) > BUSINESS_CHAT_BASE
    assert await business.chat_key(OLGA.id, CARL) == olga_chat  # stable

    # Message 7 in each chat is a different message: each gets its own agreement #1.
    for key, owner in ((olga_chat, OLGA), (ivan_chat, IVAN)):
        chat = ChatInfo(id=key, type=BUSINESS, title="Carl")
        result = await agreements.mark(
            MarkRequest(chat, said(CARL, "Price 100", message_id=7), owner, counterpart=CARL)
        )
        assert result.agreement is not None and result.agreement.number == 1
        assert {p.user_id for p in result.agreement.parties} == {CARL.id, owner.id}
    await session.close()


async def test_connection_changes_are_told_apart(services) -> None:
    business = services(BusinessService)
    await business.connection_changed(connection("A", OLGA))
    same = await business.connection_changed(connection("A", OLGA))
    no_reply = await business.connection_changed(connection("A", OLGA, can_reply=False))
    off = await business.connection_changed(
        connection("A", OLGA, can_reply=False, is_enabled=False)
    )
    assert (same, no_reply, off) == (
        ConnectionChange.UNCHANGED,
        ConnectionChange.RIGHTS_CHANGED,
        ConnectionChange.DISCONNECTED,
    )


async def test_a_deletion_is_noted_and_mailed_once(
    services, session_factory, letters, clock
) -> None:
    await bind(session_factory, CARL, "carl@example.com", clock())
    session, business, agreements = one_update(session_factory, letters, clock)
    await business.connection_changed(connection("A", OLGA))
    key = await business.chat_key(OLGA.id, CARL)
    chat = ChatInfo(id=key, type=BUSINESS, title="Carl")
    await agreements.mark(
        MarkRequest(chat, said(CARL, "Price 100", message_id=7), OLGA, counterpart=CARL)
    )
    [deletion] = await business.record_deletions(key, [7, 8])
    assert deletion.number == 1
    assert await business.record_deletions(key, [7]) == []  # told before
    await session.close()
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(MessageDeletion)) == 1
        kinds = (await session.scalars(select(Mail.kind).where(Mail.user_id == CARL.id))).all()
    assert sorted(kinds) == ["agreement", "deletion"]
