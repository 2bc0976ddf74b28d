"""Turns domain events into composed emails, stored as rows for the mail worker."""

from __future__ import annotations

import email.policy
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.db.models import Agreement, Mail, MailStatus, User
from bot.services.people import ChatInfo, language_for, message_link
from bot.services.timefmt import format_local, format_utc
from mailer import Attachment, MailRenderer, MailSpec, compose, make_message_id

SUMMARY_WORDS = 8


@dataclass(frozen=True, slots=True)
class PersonView:
    name: str
    username: str | None
    user_id: int


def summary_of(text: str, words: int = SUMMARY_WORDS) -> str:
    """The first words of a text on one line, for subjects and lists."""
    parts = text.split()
    head = " ".join(parts[:words])
    return head + "…" if len(parts) > words else head


def record_filename(agreement: Agreement) -> str:
    return f"agreement-{agreement.chat_id}-{agreement.number}.json"


def _person(user: User) -> PersonView:
    name = " ".join(part for part in (user.first_name, user.last_name) if part)
    return PersonView(name=name, username=user.username, user_id=user.id)


class Letters:
    def __init__(self, renderer: MailRenderer, mail_from: str, zone: ZoneInfo) -> None:
        self._renderer = renderer
        self._mail_from = mail_from
        self._zone = zone

    def verification_code(
        self,
        user: User,
        verification_id: int,
        address: str,
        code: str,
        valid_minutes: int,
        now: datetime,
    ) -> Mail:
        context = {
            "code": code,
            "address": address,
            "valid_minutes": valid_minutes,
            "recipient_name": _person(user).name,
        }
        topic = f"verification:{verification_id}"
        return self._mail("verification_code", user, address, context, now, topic=topic)

    def agreement(
        self, agreement: Agreement, recipient: User, address: str, now: datetime
    ) -> Mail:
        """Needs ``agreement.chat`` and ``agreement.parties`` with their users loaded."""
        chat = agreement.chat
        marked_by = next(p.user for p in agreement.parties if p.user_id == agreement.marked_by_id)
        context = {
            "number": agreement.number,
            "chat_title": chat.title or "",
            "title": agreement.title,
            "summary": summary_of(agreement.text),
            "text": agreement.text,
            "author": PersonView(
                agreement.author_name, agreement.author_username, agreement.author_id
            ),
            "marked_by": _person(marked_by),
            "parties": [_person(party.user) for party in agreement.parties],
            "message_time_utc": format_utc(agreement.message_date),
            "message_time_local": format_local(agreement.message_date, self._zone),
            "marked_at_utc": format_utc(agreement.marked_at),
            "marked_at_local": format_local(agreement.marked_at, self._zone),
            "edited_before_marking": agreement.message_edit_date is not None,
            "message_link": message_link(
                ChatInfo(chat.id, chat.type, chat.title, chat.username), agreement.message_id
            ),
            "digest": agreement.digest,
            "record_filename": record_filename(agreement),
            "recipient_name": _person(recipient).name,
        }
        attachment = Attachment(record_filename(agreement), agreement.record, "application/json")
        return self._mail(
            "agreement",
            recipient,
            address,
            context,
            now,
            topic=f"agreement:{agreement.id}",
            agreement_id=agreement.id,
            headers={"X-Agreement-Digest": agreement.digest},
            attachments=(attachment,),
        )

    def _mail(
        self,
        kind: str,
        user: User,
        address: str,
        context: dict[str, Any],
        now: datetime,
        *,
        topic: str,
        agreement_id: int | None = None,
        headers: dict[str, str] | None = None,
        attachments: tuple[Attachment, ...] = (),
        in_reply_to: str | None = None,
    ) -> Mail:
        spec = MailSpec(
            kind=kind,
            to=address,
            language=language_for(user.language_code),
            context=context,
            message_id=make_message_id(self._mail_from),
            extra_headers=headers or {},
            attachments=attachments,
            in_reply_to=in_reply_to,
        )
        message = compose(spec, self._mail_from, self._renderer, now=now)
        return Mail(
            kind=kind,
            topic=topic,
            user_id=user.id,
            agreement_id=agreement_id,
            to_address=address,
            message_id=spec.message_id,
            raw=message.as_bytes(policy=email.policy.SMTP),
            status=MailStatus.PENDING,
            attempts=0,
            created_at=now,
        )
