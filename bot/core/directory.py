"""Who is who: users, chats and their verified addresses, as several services need them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.people import ChatInfo, Person
from bot.db.models import Chat, EmailBinding, ForumTopic, User
from bot.db.upsert import insert_for

TOUCH_EVERY = timedelta(hours=1)


async def remember_user(session: AsyncSession, person: Person, now: datetime) -> User:
    """Insert the user or refresh the profile we last saw."""
    user = await session.get(User, person.id)
    if user is None:
        user = (await _inserted(session, [person], now))[person.id]
    return _refreshed(session, user, person, now)


async def remember_users(
    session: AsyncSession, people: Sequence[Person], now: datetime
) -> dict[int, User]:
    """remember_user for several people, with one query for all of them."""
    ids = list({person.id for person in people})
    known = {user.id: user for user in await session.scalars(select(User).where(User.id.in_(ids)))}
    new = {person.id: person for person in people if person.id not in known}
    if new:
        known |= await _inserted(session, list(new.values()), now)
    return {person.id: _refreshed(session, known[person.id], person, now) for person in people}


async def _inserted(
    session: AsyncSession, people: Sequence[Person], now: datetime
) -> dict[int, User]:
    """Rows for people not seen before. A new user's first updates may be handled at once
    (replicas, webhook mode): the insert that comes second does nothing and reads the row
    the first one wrote (on PostgreSQL it waits for that one's commit), where a plain
    INSERT failed with an IntegrityError."""
    rows = [
        {
            "id": person.id,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "username": person.username,
            "language_code": person.language_code,
            "created_at": now,
            "updated_at": now,
        }
        for person in people
    ]
    insert = insert_for(session, User).on_conflict_do_nothing(index_elements=[User.id])
    users = {user.id: user for user in await session.scalars(insert.returning(User), rows)}
    lost = [person.id for person in people if person.id not in users]
    if lost:
        users |= {
            user.id: user for user in await session.scalars(select(User).where(User.id.in_(lost)))
        }
    return users


def _refreshed(session: AsyncSession, user: User, person: Person, now: datetime) -> User:
    user.first_name = person.first_name
    user.last_name = person.last_name
    user.username = person.username
    if person.language_code:
        user.language_code = person.language_code
    _touch(session, user, now)
    return user


async def remember_chat(
    session: AsyncSession, info: ChatInfo, now: datetime, *, lock: bool = False
) -> Chat:
    """The chat's row, brought up to date; with ``lock``, locked until the transaction
    ends (other writers of the chat's agreements wait for it)."""
    chat = await session.get(Chat, info.id, with_for_update=True if lock else None)
    if chat is None:
        chat = Chat(id=info.id, type=info.type, created_at=now)
        session.add(chat)
    chat.type = info.type
    chat.title = info.title
    chat.username = info.username
    chat.is_forum = info.is_forum
    _touch(session, chat, now)
    if lock and chat in session.new:  # a new row is held by its key once written
        await session.flush()
    return chat


def _touch(session: AsyncSession, row: User | Chat, now: datetime) -> None:
    """updated_at: when the profile last changed, or at most TOUCH_EVERY before the last
    time it was seen. An unchanged profile seen again is no write (it was two of the
    statements of every /agree)."""
    if row in session.new or session.is_modified(row) or now - row.updated_at >= TOUCH_EVERY:
        row.updated_at = now


async def remember_topic(session: AsyncSession, chat_id: int, thread_id: int, name: str) -> None:
    topic = await session.get(ForumTopic, (chat_id, thread_id))
    if topic is None:
        session.add(ForumTopic(chat_id=chat_id, thread_id=thread_id, name=name))
    else:
        topic.name = name


async def topic_name(session: AsyncSession, chat_id: int, thread_id: int | None) -> str | None:
    if thread_id is None:
        return None
    topic = await session.get(ForumTopic, (chat_id, thread_id))
    return topic.name if topic else None


async def verified_addresses(session: AsyncSession, user_ids: list[int]) -> dict[int, str]:
    rows = await session.execute(
        select(EmailBinding.user_id, EmailBinding.address).where(
            EmailBinding.user_id.in_(user_ids)
        )
    )
    return {user_id: address for user_id, address in rows}
