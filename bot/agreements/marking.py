"""Marking messages as agreements, joining them, and listing them."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.file_budget import DEFAULT_FILE_BUDGET, FileBudget, Spent, spent_by
from bot.agreements.lock import lock_agreement
from bot.agreements.pending import edit_awaits_acceptance
from bot.agreements.views import AgreementView, load_views, new_view
from bot.core.directory import remember_chat, remember_user, remember_users, topic_name
from bot.core.media import Download, Media, describe
from bot.core.people import BUSINESS_CHAT_BASE, ChatInfo, Person, full_name, language_for
from bot.db.dialect import locks_rows
from bot.db.gate import session_gate
from bot.db.loading import with_parties
from bot.db.models import Agreement, AgreementFile, Chat, Party, PartyRole, User
from bot.db.upsert import insert_ignoring_duplicates
from bot.evidence.chain import add_link, chain_head
from bot.evidence.records import RECORD_FORMAT, content_hash, iso_utc, seal
from bot.evidence.stamps import StampWaker, request_stamp
from bot.mail.deliveries import queue_agreement_mails, queue_new_agreement_mails
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.mail.queuing import addresses_of_parties
from bot.mail.service import Service
from bot.metrics import AGREEMENTS
from bot.terms.acceptances import accepted_terms
from bot.terms.in_records import terms_field

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 200
# Two markings racing for the next number in one chat: the loser retries with a new one.
MARK_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class MarkedMessage:
    message_id: int
    date: datetime
    author: Person | None
    text: str | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    edit_date: datetime | None = None
    thread_id: int | None = None
    is_service: bool = False
    # Posted on behalf of a chat: an anonymous admin (the group) or a channel. That chat is
    # the author, and the one who marks is the party on its side.
    author_chat: ChatInfo | None = None
    media: Media | None = None
    # Where a forwarded message came from: type, name, username, chat, date (forward_origin).
    forwarded_from: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class MarkRequest:
    chat: ChatInfo
    message: MarkedMessage
    marker: Person
    title: str | None = None
    download: Download | None = None  # the media's file, fetched before marking
    # In a one-to-one (business) chat: the other person, a party whoever wrote the message.
    counterpart: Person | None = None


class Refusal(enum.StrEnum):
    NOT_GROUP = "not_group"
    TITLE_TOO_LONG = "title_too_long"
    ANONYMOUS_MARKER = "anonymous_marker"
    NO_TEXT = "no_text"
    FROM_BOT = "from_bot"
    SERVICE_MESSAGE = "service_message"
    UNKNOWN_AGREEMENT = "unknown_agreement"
    EDIT_PENDING = "edit_pending"  # joining waits until the parties accept an edit
    # The file would go over the day's budget for stored files (bot/agreements/file_budget.py).
    FILES_OVER_USER_BUDGET = "files_over_user_budget"
    FILES_OVER_CHAT_BUDGET = "files_over_chat_budget"


class JoinClosed(Exception):
    """A join refused while an edit awaits acceptance (bot/agreements/pending.py); nothing of
    the attempt is kept."""


class FilesOverBudget(Exception):
    """A new agreement's file would go over a daily budget; nothing of it is kept."""

    def __init__(self, spent: Spent) -> None:
        super().__init__(spent)
        self.refusal = (
            Refusal.FILES_OVER_USER_BUDGET
            if spent is Spent.USER
            else Refusal.FILES_OVER_CHAT_BUDGET
        )


class Outcome(enum.StrEnum):
    RECORDED = "recorded"
    JOINED = "joined"
    ALREADY_PARTY = "already_party"


@dataclass(frozen=True, slots=True)
class MarkResult:
    outcome: Outcome | Refusal
    agreement: AgreementView | None = None


class AgreementService(Service):
    def __init__(
        self,
        session: AsyncSession,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
        *,
        stamper: StampWaker | None = None,
        file_budget: FileBudget = DEFAULT_FILE_BUDGET,
    ) -> None:
        super().__init__(session, letters, mail_waker, clock, stamper=stamper)
        self._file_budget = file_budget

    async def mark(self, request: MarkRequest) -> MarkResult:
        refusal = _refusal_for(request)
        if refusal is not None:
            return MarkResult(refusal)
        # Marks take turns per chat, from reading the chat's last number to the commit: on
        # SQLite the process' writers take turns anyway (a handler holds the turn already),
        # on PostgreSQL the chat's row is locked (FOR UPDATE) by each attempt.
        async with session_gate(self._session).turn():
            try:
                return await self._mark(request)
            except JoinClosed:
                await self._session.rollback()
                return MarkResult(Refusal.EDIT_PENDING)
            except FilesOverBudget as over:
                await self._session.rollback()
                return MarkResult(over.refusal)

    async def files_fit(
        self, chat_id: int | None, marker_id: int, size: int | None
    ) -> Refusal | None:
        """Before a download: whether a file of this size (as Telegram states it) would
        go over the day's budget, were it stored (only files that go with the emails are).
        ``mark`` checks again, exactly, before it stores one."""
        if size is None or not self._letters.attachable(size):
            return None
        spent = await spent_by(
            self._session,
            self._file_budget,
            chat_id=chat_id,
            user_id=marker_id,
            size=size,
            now=self._clock(),
        )
        await self._session.commit()  # a read: hold nothing through the download
        return None if spent is None else FilesOverBudget(spent).refusal

    async def _mark(self, request: MarkRequest) -> MarkResult:
        postgres = locks_rows(self._session)
        for _attempt in range(MARK_ATTEMPTS):
            try:
                # On PostgreSQL a lost race undoes only this attempt (a savepoint), so the
                # update's id, added before the handler ran, stays in the transaction. On
                # SQLite one process writes at a time and no race happens; pysqlite's
                # savepoints would end the transaction early, so none is used there.
                async with self._session.begin_nested() if postgres else nullcontext():
                    marked = await self._mark_once(request, lock_chat=postgres)
            except IntegrityError:
                # Another marking inserted this new chat's row first: an existing chat's
                # marks take turns (see mark), a new one has no row to lock yet. The next
                # attempt sees it.
                if not postgres:
                    await self._session.rollback()
                continue
            if isinstance(marked, Agreement):
                return MarkResult(Outcome.RECORDED, await self._finish_new(marked, request))
            agreement_id, outcome = marked
            return MarkResult(outcome, await self._finish(agreement_id, self._clock()))
        raise RuntimeError(f"could not record an agreement in chat {request.chat.id}")

    async def _mark_once(
        self, request: MarkRequest, *, lock_chat: bool
    ) -> Agreement | tuple[int, Outcome]:
        """The new agreement, or the existing one's id and what marking it again did."""
        chat = await remember_chat(self._session, request.chat, self._clock(), lock=lock_chat)
        # Read holding the chat's lock, so that marked_at follows the chain's order.
        now = self._clock()
        people = [request.message.author, request.marker, request.counterpart]
        users = await remember_users(self._session, [p for p in people if p is not None], now)
        existing = await self._find(request.chat.id, request.message.message_id)
        if existing is None:
            await self._check_file_budget(request, now)
            return await self._record(request, now, chat, users)
        if lock_chat:  # the chat's row is held: the agreement's next (bot/agreements/lock.py)
            existing = await lock_agreement(
                self._session, request.chat.id, existing.id, chat_locked=True
            )
            assert existing is not None
        joined = await self._add_party(existing, request.marker.id, now)
        return existing.id, Outcome.JOINED if joined else Outcome.ALREADY_PARTY

    async def join(self, agreement_id: int, chat_id: int, person: Person) -> MarkResult:
        """A chat member presses "I agree" under the bot's answer."""
        if not await self.joinable(agreement_id, chat_id):
            return MarkResult(Refusal.UNKNOWN_AGREEMENT)
        # Takes turns with edits of the agreement (bot/agreements/lock.py).
        async with session_gate(self._session).turn():
            agreement = await lock_agreement(self._session, chat_id, agreement_id)
            assert agreement is not None  # append-only: it was there a moment ago
            now = self._clock()
            await remember_user(self._session, person, now)
            try:
                joined = await self._add_party(agreement, person.id, now)
            except JoinClosed:
                await self._session.rollback()
                return MarkResult(Refusal.EDIT_PENDING)
            outcome = Outcome.JOINED if joined else Outcome.ALREADY_PARTY
            return MarkResult(outcome, await self._finish(agreement.id, now))

    async def joinable(self, agreement_id: int, chat_id: int) -> bool:
        """Whether the agreement is one of the chat's (a button's id is the sender's to
        choose); a cheap look before anything else is done for a join."""
        found = await self._session.scalar(
            select(Agreement.chat_id).where(Agreement.id == agreement_id)
        )
        return found == chat_id

    async def is_recorded(self, chat_id: int, message_id: int) -> bool:
        """Whether the message is an agreement already: marking it again only joins, and
        needs no file (so none is downloaded again)."""
        return await self._find(chat_id, message_id) is not None

    async def remember_answer(self, agreement_id: int, answer_message_id: int) -> None:
        await remember_answer(self._session, agreement_id, answer_message_id)

    async def unanswered(self, since: datetime) -> list[AgreementView]:
        """Agreements recorded since then whose card never reached the chat: the process
        stopped between the commit and the answer (Telegram won't redeliver a handled
        update, so nothing else would post it)."""
        agreements = (
            await self._session.scalars(
                with_parties(select(Agreement), chat=False)
                .where(
                    Agreement.answer_message_id.is_(None),
                    Agreement.marked_at >= since,
                    # a business chat's answer goes through its connection; not posted here
                    Agreement.chat_id < BUSINESS_CHAT_BASE,
                )
                .order_by(Agreement.id)
            )
        ).all()
        return await load_views(self._session, list(agreements))

    async def _find(self, chat_id: int, message_id: int) -> Agreement | None:
        return await self._session.scalar(
            select(Agreement).where(
                Agreement.chat_id == chat_id, Agreement.message_id == message_id
            )
        )

    async def _record(
        self, request: MarkRequest, now: datetime, chat: Chat, users: dict[int, User]
    ) -> Agreement:
        """Insert the agreement with its first parties; its chat and parties' users stay
        in memory for the mails and the card, so nothing is read back."""
        number = await self._next_number(request.chat.id)
        head = await chain_head(self._session, request.chat.id)  # under the chat's lock
        topic = await topic_name(self._session, request.chat.id, request.message.thread_id)
        parties = _first_parties(request, users, now)
        # The record names the terms each party had accepted (bot/terms/in_records.py).
        terms = await accepted_terms(self._session, [p.user_id for p in parties], now)
        signers = [
            {
                "id": p.user_id,
                "name": full_name(p.user.first_name, p.user.last_name),
                "terms": terms_field(terms.get(p.user_id)),
            }
            for p in parties
        ]
        agreement = _new_agreement(request, number, head.digest, now, topic, signers)
        agreement.chat = chat
        agreement.parties = parties
        self._session.add(agreement)
        add_link(self._session, request.chat.id, head, agreement)
        await self._session.flush()  # the unique keys speak here if we lost a race
        if self._stamper is not None:
            request_stamp(self._session, agreement.digest, now, agreement_id=agreement.id)
        content = self._attachable(request)
        if content is not None:
            self._session.add(AgreementFile(agreement_id=agreement.id, content=content))
        AGREEMENTS.inc()
        logger.info(
            "agreement recorded chat=%s agreement=%s number=%s message=%s",
            agreement.chat_id,
            agreement.id,
            number,
            agreement.message_id,
        )
        return agreement

    async def _next_number(self, chat_id: int) -> int:
        current = await self._session.scalar(
            select(func.max(Agreement.number)).where(Agreement.chat_id == chat_id)
        )
        return (current or 0) + 1

    async def _add_party(self, agreement: Agreement, user_id: int, now: datetime) -> bool:
        """A party joining an agreement recorded before; False if already one. The caller
        holds the agreement (bot/agreements/lock.py)."""
        if await self._session.get(Party, (agreement.id, user_id)) is not None:
            return False
        if await edit_awaits_acceptance(self._session, agreement):
            raise JoinClosed
        await self._session.flush()  # the party's user row, if new, goes first
        # A second press that got here too adds nothing, and is no error.
        inserted = await self._session.execute(
            insert_ignoring_duplicates(self._session, Party).values(
                agreement_id=agreement.id, user_id=user_id, role=PartyRole.JOINED, joined_at=now
            )
        )
        return bool(inserted.rowcount)  # type: ignore[attr-defined]

    async def _check_file_budget(self, request: MarkRequest, now: datetime) -> None:
        """Under the chat's lock, so the chat's budget is exact however many mark at once."""
        content = self._attachable(request)
        if content is None:
            return
        spent = await spent_by(
            self._session,
            self._file_budget,
            chat_id=request.chat.id,
            user_id=request.marker.id,
            size=len(content),
            now=now,
        )
        if spent is not None:
            raise FilesOverBudget(spent)

    def _attachable(self, request: MarkRequest) -> bytes | None:
        """The marked message's file, if it goes with the email (and so is stored)."""
        content = request.download.content if request.download else None
        if content is not None and self._letters.attachable(len(content)):
            return content
        return None

    async def _finish_new(self, agreement: Agreement, request: MarkRequest) -> AgreementView:
        """_finish for an agreement recorded in this transaction, from what is in memory."""
        addresses = await addresses_of_parties(self._session, [agreement])
        queued = 0
        if self._stamper is None:  # else the stamper mails it once the timestamp is there
            queued = await queue_new_agreement_mails(
                self._session,
                self._letters,
                agreement,
                addresses,
                self._clock(),
                self._attachable(request),
            )
        await self._session.commit()
        self._wake(queued)
        return new_view(agreement, addresses)

    async def _finish(self, agreement_id: int, now: datetime) -> AgreementView:
        """Queue the mails the change calls for, commit, and wake the mail worker."""
        queued = await queue_agreement_mails(self._session, self._letters, [agreement_id], now)
        await self._session.commit()
        self._wake(queued)
        agreement = await self._session.scalar(
            with_parties(select(Agreement), chat=False).where(Agreement.id == agreement_id),
            execution_options={"populate_existing": True},
        )
        assert agreement is not None
        return (await load_views(self._session, [agreement]))[0]

    def _wake(self, queued_mails: int) -> None:
        if queued_mails:
            self._mail_waker.wake()
        if self._stamper is not None:
            self._stamper.wake()


def _first_parties(request: MarkRequest, users: dict[int, User], now: datetime) -> list[Party]:
    """The author, whoever marked it and, in a business chat, the other person: each once,
    in the order a loaded agreement lists its parties."""
    candidates = [
        (request.message.author, PartyRole.AUTHOR),
        (request.marker, PartyRole.MARKER),
        (request.counterpart, PartyRole.JOINED),
    ]
    parties: dict[int, Party] = {}
    for person, role in candidates:
        if person is not None and person.id not in parties:
            user = users[person.id]
            parties[person.id] = Party(user_id=user.id, user=user, role=role, joined_at=now)
    return list(parties.values())


async def remember_answer(
    session: AsyncSession, agreement_id: int, answer_message_id: int
) -> None:
    """Store the id of the bot's card for an agreement (the first one, if posted twice)."""
    await session.execute(
        update(Agreement)
        .where(Agreement.id == agreement_id, Agreement.answer_message_id.is_(None))
        .values(answer_message_id=answer_message_id)
    )
    await session.commit()


def _refusal_for(request: MarkRequest) -> Refusal | None:
    message = request.message
    if not request.chat.is_group and not request.chat.is_business:
        return Refusal.NOT_GROUP
    if request.marker.is_bot:  # an anonymous admin writes as the GroupAnonymousBot
        return Refusal.ANONYMOUS_MARKER
    if request.title is not None and len(request.title) > TITLE_MAX_LENGTH:
        return Refusal.TITLE_TOO_LONG
    if message.is_service or (message.author is None and message.author_chat is None):
        return Refusal.SERVICE_MESSAGE
    if message.author is not None and message.author.is_bot:
        return Refusal.FROM_BOT
    if (not message.text or not message.text.strip()) and message.media is None:
        return Refusal.NO_TEXT
    return None


def _new_agreement(
    request: MarkRequest,
    number: int,
    previous_digest: str | None,
    now: datetime,
    topic: str | None,
    signers: list[dict[str, Any]],
) -> Agreement:
    message, marker = request.message, request.marker
    author_id, author_name, author_username, author_kind = _author(message)
    document: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "previous_digest": previous_digest,
        "number": number,
        "title": request.title,
        "chat": {"id": request.chat.id, "type": request.chat.type, "title": request.chat.title},
        "message": {
            "id": message.message_id,
            "thread_id": message.thread_id,
            "date": iso_utc(message.date),
            "edit_date": iso_utc(message.edit_date) if message.edit_date else None,
            "text": message.text or "",
            "entities": message.entities,
        },
        "author": {"id": author_id, "name": author_name, "username": author_username},
        "marked_by": {"id": marker.id, "name": marker.full_name, "username": marker.username},
        "marked_at": iso_utc(now),
        "parties": signers,
    }
    # Keys that only some messages have are left out of the others' records.
    if author_kind != "user":
        document["author"]["kind"] = author_kind
    media = describe(message.media, request.download) if message.media else None
    if media is not None:
        document["message"]["media"] = media
    if message.forwarded_from is not None:
        document["message"]["forwarded_from"] = message.forwarded_from
    if topic is not None:
        document["message"]["topic"] = topic
    sealed = seal(document)
    return Agreement(
        chat_id=request.chat.id,
        number=number,
        message_id=message.message_id,
        thread_id=message.thread_id,
        title=request.title,
        text=message.text or "",
        entities=message.entities,
        author_id=author_id,
        author_name=author_name,
        author_username=author_username,
        author_kind=author_kind,
        message_date=message.date,
        message_edit_date=message.edit_date,
        marked_by_id=marker.id,
        marked_at=now,
        record=sealed.canonical,
        digest=sealed.digest,
        content_hash=content_hash(
            message.text or "",
            message.entities,
            message.media.file_unique_id if message.media else None,
        ),
        answer_language=language_for(marker.language_code),
        media=media,
        forwarded_from=message.forwarded_from,
        topic=topic,
    )


def _author(message: MarkedMessage) -> tuple[int, str, str | None, str]:
    """Id, name, username and kind of whoever the message is from."""
    if message.author_chat is not None:
        chat = message.author_chat
        kind = "channel" if chat.type == "channel" else "chat"
        return chat.id, chat.title or "", chat.username, kind
    assert message.author is not None  # _refusal_for saw to it
    author = message.author
    return author.id, author.full_name, author.username, "user"
