"""Edits of agreed messages: every real change is stored and raises an alert.

The original record is never touched. Edits that arrive while an alert is still open
(EDIT_ALERT_COALESCE_SECONDS after the first) join that alert: one chat alert, updated
as they come, and one email per party once the window has passed.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.lock import lock_agreement
from bot.core.diff import Diff, word_diff
from bot.core.directory import remember_user
from bot.core.labels import label
from bot.core.media import Media, file_replaced, version_media
from bot.core.people import Person
from bot.db.gate import session_gate
from bot.db.models import Agreement, Amendment, EditAlert, MessageVersion
from bot.evidence.records import content_hash
from bot.mail.alerts import agreed_text, agreement_mailed_at, queue_alert_mails
from bot.mail.letters import Letters
from bot.mail.outbox import MailWaker
from bot.mail.service import Service
from bot.metrics import EDITS

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EditedMessage:
    chat_id: int
    message_id: int
    text: str | None
    edit_date: datetime
    editor: Person | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    media: Media | None = None


class EditOutcome(enum.StrEnum):
    NOT_AGREED = "not_agreed"
    UNCHANGED = "unchanged"
    NEW_ALERT = "new_alert"
    SAME_ALERT = "same_alert"


@dataclass(frozen=True, slots=True)
class AlertView:
    id: int
    agreement_id: int
    agreement_number: int
    chat_id: int
    chat_message_id: int | None
    language: str
    last_edit_at: datetime
    edits_in_alert: int
    total_edits: int
    latest_version_id: int
    agreed_at: datetime
    mailed_at: datetime | None  # when the agreement email first went out, if it has
    amendment_label: str | None  # "3.1" once an amendment stands instead of the original
    file_replaced: bool = False  # the latest version carries another file than before


@dataclass(frozen=True, slots=True)
class EditResult:
    outcome: EditOutcome
    alert: AlertView | None = None


class EditService(Service):
    def __init__(
        self,
        session: AsyncSession,
        letters: Letters,
        mail_waker: MailWaker,
        clock: Callable[[], datetime],
        coalesce: timedelta,
    ) -> None:
        super().__init__(session, letters, mail_waker, clock)
        self._coalesce = coalesce

    async def record(self, edit: EditedMessage) -> EditResult:
        agreement = await self._session.scalar(
            select(Agreement).where(
                Agreement.chat_id == edit.chat_id, Agreement.message_id == edit.message_id
            )
        )
        if agreement is None:
            return EditResult(EditOutcome.NOT_AGREED)
        # Takes turns with joins of the agreement (bot/agreements/lock.py), so that
        # nobody joins after this version and before it is accepted.
        async with session_gate(self._session).turn():
            locked = await lock_agreement(self._session, agreement.chat_id, agreement.id)
            assert locked is not None  # append-only
            result = await self._record(locked, edit)
            if self._session.in_transaction():  # nothing stored: let go of the rows now
                await self._session.commit()
            return result

    async def _record(self, agreement: Agreement, edit: EditedMessage) -> EditResult:
        text = edit.text or ""
        # Agreements recorded before files were (agreement.media is None) hashed no file.
        file = _file_of(edit.media) if agreement.media is not None else None
        new_hash = content_hash(text, edit.entities, file)
        latest = await self._latest_version(agreement.id)
        if new_hash == (latest.content_hash if latest else agreement.content_hash):
            return EditResult(EditOutcome.UNCHANGED)

        now = self._clock()
        if edit.editor is not None:
            await remember_user(self._session, edit.editor, now)
        alert, is_new = await self._alert_for(agreement, now)
        version = MessageVersion(
            agreement_id=agreement.id,
            number=(latest.number if latest else 0) + 1,
            text=text,
            entities=edit.entities,
            content_hash=new_hash,
            editor_id=edit.editor.id if edit.editor else None,
            edit_date=edit.edit_date,
            received_at=now,
            alert_id=alert.id,
            media=version_media(edit.media),
        )
        self._session.add(version)
        await self._session.flush()
        queued = 0
        if alert.due_at <= now:
            queued = await queue_alert_mails(self._session, self._letters, alert, now)
        await self._session.commit()
        if queued:
            self._mail_waker.wake()
        EDITS.inc()
        logger.info(
            "edit recorded chat=%s agreement=%s version=%s alert=%s",
            agreement.chat_id,
            agreement.id,
            version.number,
            alert.id,
        )
        outcome = EditOutcome.NEW_ALERT if is_new else EditOutcome.SAME_ALERT
        return EditResult(outcome, await alert_view(self._session, alert.id))

    async def changes(self, agreement_id: int, chat_id: int) -> tuple[int, Diff] | None:
        """The agreed text against the message as it is now: (agreement number, diff)."""
        agreement = await self._session.get(Agreement, agreement_id)
        if agreement is None or agreement.chat_id != chat_id:
            return None
        latest = await self._latest_version(agreement.id)
        current = latest.text if latest else agreement.text
        agreed = await agreed_text(self._session, agreement)
        return agreement.number, word_diff(agreed.text, current)

    async def remember_alert_message(self, alert_id: int, chat_message_id: int) -> None:
        alert = await self._session.get(EditAlert, alert_id)
        if alert is not None and alert.chat_message_id is None:
            alert.chat_message_id = chat_message_id
            await self._session.commit()

    async def _latest_version(self, agreement_id: int) -> MessageVersion | None:
        return await self._session.scalar(
            select(MessageVersion)
            .where(MessageVersion.agreement_id == agreement_id)
            .order_by(MessageVersion.number.desc())
            .limit(1)
        )

    async def _alert_for(self, agreement: Agreement, now: datetime) -> tuple[EditAlert, bool]:
        if self._coalesce:
            open_alert = await self._session.scalar(
                select(EditAlert)
                .where(
                    EditAlert.agreement_id == agreement.id,
                    EditAlert.mailed_at.is_(None),
                    EditAlert.due_at > now,
                )
                .order_by(EditAlert.id.desc())
                .limit(1)
            )
            # Claim it: the scheduler mails an alert only if it can set mailed_at on a row
            # nobody else is writing, so this edit can't slip in after its mail was written.
            if open_alert is not None and await _claim(self._session, open_alert.id):
                return open_alert, False
        alert = EditAlert(
            agreement_id=agreement.id,
            opened_at=now,
            due_at=now + self._coalesce,
            language=agreement.answer_language,
        )
        self._session.add(alert)
        await self._session.flush()
        return alert, True


async def _claim(session: AsyncSession, alert_id: int) -> bool:
    claimed = await session.execute(
        update(EditAlert)
        .where(EditAlert.id == alert_id, EditAlert.mailed_at.is_(None))
        .values(due_at=EditAlert.due_at)
    )
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


async def alert_view(session: AsyncSession, alert_id: int) -> AlertView:
    alert = await session.get(EditAlert, alert_id)
    assert alert is not None
    agreement = await session.get(Agreement, alert.agreement_id)
    assert agreement is not None
    versions = (
        await session.scalars(
            select(MessageVersion)
            .where(MessageVersion.agreement_id == agreement.id)
            .order_by(MessageVersion.number)
        )
    ).all()
    in_alert = [v for v in versions if v.alert_id == alert.id]
    amendments = await session.scalar(
        select(func.max(Amendment.number)).where(Amendment.agreement_id == agreement.id)
    )
    return AlertView(
        id=alert.id,
        agreement_id=agreement.id,
        agreement_number=agreement.number,
        chat_id=agreement.chat_id,
        chat_message_id=alert.chat_message_id,
        language=alert.language,
        last_edit_at=in_alert[-1].edit_date,
        edits_in_alert=len(in_alert),
        total_edits=len(versions),
        latest_version_id=versions[-1].id,
        agreed_at=agreement.marked_at,
        mailed_at=await agreement_mailed_at(session, agreement.id),
        amendment_label=label(agreement.number, amendments) if amendments else None,
        file_replaced=_file_replaced(agreement, versions),
    )


def _file_of(media: Media | None) -> str | None:
    return media.file_unique_id if media else None


def _file_replaced(agreement: Agreement, versions: Sequence[MessageVersion]) -> bool:
    if agreement.media is None or not versions:  # no file was agreed: none to replace
        return False
    return file_replaced(agreement.media, versions[-1].media)
