"""Setting and removing a group's archive address.

An administrator picks the chat with the link from the group, sends the address in the
private chat, and sends back the code mailed to it: then the archive is set (and any
earlier one of the chat ended). Whether the person administers the chat is asked of
Telegram by the caller at every step, never remembered here: this only keeps what they
chose, and the codes (hashed with the code key, tries counted, expiring, limited per hour
per person and per address, like /email's).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.archives.store import (
    ArchiveView,
    archives_near,
    chat_view,
    end_archive,
    lock_chat_archive,
)
from bot.core.addresses import InvalidAddress, normalize_address
from bot.core.directory import remember_chat, remember_user
from bot.core.people import ChatInfo, Person, language_for
from bot.db.address_locks import lock_address
from bot.db.gate import session_gate
from bot.db.models import ArchiveCode, ArchiveSetup, ChatArchive, User
from bot.logs import mask_address
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.mail.service import Service
from bot.registration.codes import code_matches, hash_code, new_code, well_formed
from bot.registration.service import (
    CODE_ATTEMPTS,
    CODE_LIFETIME,
    codes_to_address,
    next_code_at,
)

logger = logging.getLogger(__name__)

# A chat chosen longer ago than this must be chosen again with the link from the group.
SETUP_LIFETIME = timedelta(hours=1)


class CodeRequest(enum.StrEnum):
    SENT = "sent"
    NO_SETUP = "no_setup"
    INVALID_ADDRESS = "invalid_address"
    NON_ASCII_ADDRESS = "non_ascii_address"
    ALREADY_SET = "already_set"
    RATE_LIMITED = "rate_limited"


class Confirmation(enum.StrEnum):
    SET = "set"
    NO_PENDING = "no_pending"
    MALFORMED = "malformed"
    WRONG_CODE = "wrong_code"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"


@dataclass(frozen=True, slots=True)
class CodeRequestResult:
    outcome: CodeRequest
    chat_title: str = ""
    address: str | None = None
    retry_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ConfirmationResult:
    outcome: Confirmation
    archive: ArchiveView | None = None  # the chat, and the archive set
    attempts_left: int = 0
    language: str = "en"  # the archive's mails', for the group's notice


def _code_subject(chat_id: int, admin_id: int) -> str:
    # A code confirms one chat's archive for one administrator, and nothing else.
    return f"archive:{chat_id}:{admin_id}"


class ArchiveService(Service):
    def __init__(
        self,
        session: AsyncSession,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
        *,
        code_key: bytes,
    ) -> None:
        super().__init__(session, letters, mail_waker, clock)
        self._code_key = code_key

    async def in_group(self, chat: ChatInfo) -> ArchiveView:
        """``/archive`` in a group: the chat remembered (the link to the private chat names
        it), and whether it has an archive."""
        async with session_gate(self._session).turn():
            await remember_chat(self._session, chat, self._clock())
            await self._session.commit()
        view = await chat_view(self._session, chat.id)
        assert view is not None
        return view

    async def view(self, chat_id: int) -> ArchiveView | None:
        """A known group's archive; None for anything else."""
        return await chat_view(self._session, chat_id)

    async def choose(self, admin: Person, chat_id: int) -> ArchiveView | None:
        """The administrator's next address is for this chat (the caller checked that they
        administer it). None when it is no group the bot knows."""
        view = await chat_view(self._session, chat_id)
        if view is None:
            return None
        async with session_gate(self._session).turn():
            now = self._clock()
            await remember_user(self._session, admin, now)
            await self._session.flush()
            setup = await self._session.get(ArchiveSetup, admin.id)
            if setup is None:
                self._session.add(ArchiveSetup(user_id=admin.id, chat_id=chat_id, started_at=now))
            else:
                setup.chat_id, setup.started_at = chat_id, now
            await self._session.commit()
        return view

    async def chosen_chat(self, admin_id: int) -> int | None:
        """The chat the administrator chose within the hour, if any."""
        setup = await self._session.get(ArchiveSetup, admin_id)
        if setup is None or setup.started_at <= self._clock() - SETUP_LIFETIME:
            return None
        return setup.chat_id

    async def request_code(
        self, admin: Person, chat_id: int, raw_address: str
    ) -> CodeRequestResult:
        """Mail a code to the would-be archive of ``chat_id`` (the caller checked, just now,
        that ``admin`` administers it)."""
        view = await chat_view(self._session, chat_id)
        if view is None:
            return CodeRequestResult(CodeRequest.NO_SETUP)
        try:
            address = normalize_address(raw_address)
        except InvalidAddress as exc:
            outcome = (
                CodeRequest.NON_ASCII_ADDRESS if exc.non_ascii else CodeRequest.INVALID_ADDRESS
            )
            return CodeRequestResult(outcome, view.chat_title)
        if view.address == address:
            return CodeRequestResult(CodeRequest.ALREADY_SET, view.chat_title, address)
        # Requests take turns per person and per address from counting the hour's codes to
        # the commit, so parallel ones can't each send one (as /email's do).
        async with session_gate(self._session).turn():
            return await self._request_code(admin, view, address)

    async def _request_code(
        self, admin: Person, view: ArchiveView, address: str
    ) -> CodeRequestResult:
        await remember_user(self._session, admin, self._clock())
        await self._session.flush()
        await self._lock_user(admin.id)
        await self._lock_address(address)
        now = self._clock()
        retry_at = await self._rate_limited_until(admin.id, address, now)
        if retry_at is not None:
            await self._session.commit()
            return CodeRequestResult(CodeRequest.RATE_LIMITED, view.chat_title, address, retry_at)
        code = new_code()
        pending = ArchiveCode(
            chat_id=view.chat_id,
            admin_id=admin.id,
            address=address,
            code_hash=hash_code(self._code_key, _code_subject(view.chat_id, admin.id), code),
            attempts_left=CODE_ATTEMPTS,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        self._session.add(pending)
        await self._session.flush()
        minutes = int(CODE_LIFETIME.total_seconds() // 60)
        language = language_for(admin.language_code)
        self._session.add(
            self._letters.archive_code(pending.id, address, language, code, minutes, now)
        )
        await self._session.commit()
        self._mail_waker.wake()
        logger.info(
            "archive code queued chat=%s admin=%s address=%s",
            view.chat_id,
            admin.id,
            mask_address(address),
        )
        return CodeRequestResult(CodeRequest.SENT, view.chat_title, address)

    async def pending_chat(self, admin_id: int) -> int | None:
        """The chat of the administrator's newest code still waiting, if any."""
        pending = await self._latest_pending(admin_id)
        return pending.chat_id if pending is not None else None

    async def confirm(self, admin: Person, chat_id: int, raw_code: str) -> ConfirmationResult:
        """Set the archive the code was mailed for (the caller checked, just now, that
        ``admin`` administers ``chat_id``)."""
        code = raw_code.strip().replace(" ", "")
        async with session_gate(self._session).turn():
            return await self._confirm(admin, chat_id, code)

    async def _confirm(self, admin: Person, chat_id: int, code: str) -> ConfirmationResult:
        await self._lock_user(admin.id)
        now = self._clock()
        pending = await self._latest_pending(admin.id)
        if pending is None or pending.chat_id != chat_id:
            return ConfirmationResult(Confirmation.NO_PENDING)
        if not well_formed(code):
            return ConfirmationResult(Confirmation.MALFORMED, attempts_left=pending.attempts_left)
        if pending.expires_at <= now:
            return ConfirmationResult(Confirmation.EXPIRED)
        attempts_left = await self._spend_attempt(pending.id)
        subject = _code_subject(chat_id, admin.id)
        if attempts_left is None or not code_matches(
            self._code_key, subject, code, pending.code_hash
        ):
            await self._session.commit()
            outcome = Confirmation.WRONG_CODE if attempts_left else Confirmation.EXHAUSTED
            return ConfirmationResult(outcome, attempts_left=attempts_left or 0)
        pending.confirmed_at = now
        language = language_for(admin.language_code)
        await self._set(admin.id, chat_id, pending.address, language, now)
        await self._session.commit()
        view = await chat_view(self._session, chat_id)
        return ConfirmationResult(Confirmation.SET, view, language=language)

    async def _set(
        self, admin_id: int, chat_id: int, address: str, language: str, now: datetime
    ) -> None:
        current = await lock_chat_archive(self._session, chat_id)
        if current is not None:
            await end_archive(self._session, current, admin_id, now)
        self._session.add(
            ChatArchive(
                chat_id=chat_id, address=address, language=language, set_by_id=admin_id, set_at=now
            )
        )
        await self._session.flush()
        logger.info(
            "archive set chat=%s admin=%s address=%s", chat_id, admin_id, mask_address(address)
        )

    async def remove(self, admin: Person, chat_id: int) -> ArchiveView | None:
        """End the chat's archive at once (the caller checked, just now, that ``admin``
        administers it): the archive that was removed, or None if none was set."""
        async with session_gate(self._session).turn():
            current = await lock_chat_archive(self._session, chat_id)
            if current is None:
                await self._session.commit()
                return None
            removed = ArchiveView(chat_id, "", current.address, current.set_at)
            await end_archive(self._session, current, admin.id, self._clock())
            await self._session.commit()
        view = await chat_view(self._session, chat_id)
        title = view.chat_title if view is not None else ""
        return ArchiveView(chat_id, title, removed.address, removed.set_at)

    async def near(self, user_id: int) -> list[ArchiveView]:
        """The archives to ask Telegram about for this person's private ``/archive``."""
        return await archives_near(self._session, user_id, also=await self.chosen_chat(user_id))

    async def _latest_pending(self, admin_id: int) -> ArchiveCode | None:
        """The newest code not yet confirmed; a newer request replaces older ones."""
        latest = await self._session.scalar(
            select(ArchiveCode)
            .where(ArchiveCode.admin_id == admin_id)
            .order_by(ArchiveCode.created_at.desc(), ArchiveCode.id.desc())
            .limit(1)
        )
        return latest if latest is not None and latest.confirmed_at is None else None

    async def _spend_attempt(self, code_id: int) -> int | None:
        """One try taken before the code is compared, in one statement, so guesses sent at
        once each cost one; None when none was left."""
        spend = (
            update(ArchiveCode)
            .where(ArchiveCode.id == code_id, ArchiveCode.attempts_left > 0)
            .values(attempts_left=ArchiveCode.attempts_left - 1)
            .returning(ArchiveCode.attempts_left)
            .execution_options(synchronize_session=False)
        )
        return await self._session.scalar(spend)

    async def _lock_user(self, user_id: int) -> None:
        """A person's codes are asked for and tried one at a time (PostgreSQL)."""
        await self._session.execute(select(User.id).where(User.id == user_id).with_for_update())

    async def _lock_address(self, address: str) -> None:
        """Codes to one address take turns, /email's included (same lock class): the hourly
        limit per address counts both. After the person's lock, always in that order."""
        await lock_address(self._session, address)

    async def _rate_limited_until(
        self, admin_id: int, address: str, now: datetime
    ) -> datetime | None:
        """When the next code may go out, or None if one may now: CODES_PER_HOUR per person
        (archive codes), and per address (archive codes and /email's codes together)."""
        since = now - timedelta(hours=1)
        by_admin = select(ArchiveCode.created_at).where(
            ArchiveCode.admin_id == admin_id, ArchiveCode.created_at > since
        )
        waits = [
            await next_code_at(self._session, by_admin),
            await next_code_at(self._session, codes_to_address(address, since)),
        ]
        return max((wait for wait in waits if wait is not None), default=None)
