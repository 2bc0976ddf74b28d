"""Telegram Business: connections to owners' accounts, their client chats, deletions.

Telegram names a business chat by the client's id, the same for every owner who talks to
that client, so each (connection, chat) gets a chat key of its own for numbering, chains
and lookups: BUSINESS_CHAT_BASE + the row's id, beyond Telegram's 52-bit ids.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.core.directory import remember_chat, remember_user
from bot.core.people import BUSINESS, BUSINESS_CHAT_BASE, ChatInfo, Person
from bot.db.dialect import locks_rows
from bot.db.loading import with_parties
from bot.db.models import Agreement, BusinessChat, BusinessConnection, MessageDeletion
from bot.mail import kinds
from bot.mail.alerts import agreed_text
from bot.mail.queuing import enqueue, recipients_of
from bot.mail.service import Service

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    id: str
    owner: Person
    user_chat_id: int
    can_reply: bool
    is_enabled: bool


class ConnectionChange(enum.StrEnum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    RIGHTS_CHANGED = "rights_changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Deletion:
    agreement_id: int
    number: int
    message_id: int
    language: str
    deleted_at: datetime


class BusinessService(Service):
    async def connection_changed(self, info: ConnectionInfo) -> ConnectionChange:
        """A business_connection update: store what changed, and commit."""
        change = await self.remember_connection(info)
        await self._session.commit()
        return change

    async def remember_connection(self, info: ConnectionInfo) -> ConnectionChange:
        """Store the connection in the update's transaction (not committed here)."""
        now = self._clock()
        await remember_user(self._session, info.owner, now)
        stored = await self._session.get(BusinessConnection, info.id)
        if stored is None:
            stored = BusinessConnection(id=info.id, connected_at=now, is_enabled=False)
            stored.can_reply = info.can_reply
            self._session.add(stored)
        change = ConnectionChange.UNCHANGED
        if info.is_enabled != stored.is_enabled:
            change = (
                ConnectionChange.CONNECTED if info.is_enabled else ConnectionChange.DISCONNECTED
            )
        elif info.can_reply != stored.can_reply:
            change = ConnectionChange.RIGHTS_CHANGED
        stored.user_id = info.owner.id
        stored.user_chat_id = info.user_chat_id
        stored.can_reply = info.can_reply
        stored.is_enabled = info.is_enabled
        stored.updated_at = now
        await self._session.flush()
        logger.info(
            "business connection %s owner=%s connection=%s can_reply=%s",
            change,
            info.owner.id,
            info.id,
            info.can_reply,
        )
        return change

    async def connection(self, connection_id: str) -> BusinessConnection | None:
        # Only a read: the update's pending writes wait, so that no write lock is held
        # while the handler downloads a file.
        with self._session.no_autoflush:
            return await self._session.get(BusinessConnection, connection_id)

    async def known_chat_key(self, owner_id: int, client: Person) -> int | None:
        """The key of the owner's chat with this client, if it has one (nothing written)."""
        found = await self._find_chat(owner_id, client.id)
        return None if found is None else BUSINESS_CHAT_BASE + found.id

    async def chat_key(self, owner_id: int, client: Person) -> int:
        """The key of the owner's chat with this client, made on first use."""
        found = await self._find_chat(owner_id, client.id)
        if found is None:
            found = BusinessChat(owner_id=owner_id, telegram_chat_id=client.id)
            if not locks_rows(self._session):
                # One process writes at a time on SQLite: nobody can make it meanwhile.
                self._session.add(found)
                await self._session.flush()
            else:
                try:
                    async with self._session.begin_nested():
                        self._session.add(found)
                except IntegrityError:  # another replica made it meanwhile
                    found = await self._find_chat(owner_id, client.id)
                    assert found is not None
        key = BUSINESS_CHAT_BASE + found.id
        await remember_chat(
            self._session, ChatInfo(id=key, type=BUSINESS, title=client.full_name), self._clock()
        )
        # Not committed here: the update's own commit stores it along with the update's id.
        return key

    async def record_deletions(self, chat_key: int, message_ids: list[int]) -> list[Deletion]:
        """Agreed messages among the deleted ones: each noted once, and its parties mailed."""
        now = self._clock()
        agreements = (
            await self._session.scalars(
                with_parties(select(Agreement)).where(
                    Agreement.chat_id == chat_key, Agreement.message_id.in_(message_ids)
                )
            )
        ).all()
        deletions = []
        queued = 0
        for agreement in agreements:
            if await self._session.get(MessageDeletion, agreement.id) is not None:
                continue  # Telegram told us before
            self._session.add(MessageDeletion(agreement_id=agreement.id, deleted_at=now))
            queued += await self._queue_mails(agreement, now)
            deletions.append(
                Deletion(
                    agreement.id,
                    agreement.number,
                    agreement.message_id,
                    agreement.answer_language,
                    now,
                )
            )
            logger.info("agreed message deleted chat=%s agreement=%s", chat_key, agreement.id)
        await self._session.commit()
        if queued:
            self._mail_waker.wake()
        return deletions

    async def _queue_mails(self, agreement: Agreement, now: datetime) -> int:
        agreed = await agreed_text(self._session, agreement)
        to_mail = await recipients_of(self._session, agreement, kinds.deletion_topic(agreement.id))
        return enqueue(self._session, self._letters.deletion(agreement, agreed, to_mail, now))

    async def _find_chat(self, owner_id: int, telegram_chat_id: int) -> BusinessChat | None:
        return await self._session.scalar(
            select(BusinessChat).where(
                BusinessChat.owner_id == owner_id,
                BusinessChat.telegram_chat_id == telegram_chat_id,
            )
        )
