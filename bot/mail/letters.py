"""Turns domain events into composed emails, stored as rows for the mail worker."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.diff import Diff, word_diff
from bot.core.labels import label
from bot.core.media import file_replaced
from bot.core.people import ChatInfo, full_name, language_for, message_link
from bot.core.timefmt import format_local, format_utc
from bot.db.models import (
    Agreement,
    Amendment,
    EditAlert,
    EmailConfirmation,
    EmailParty,
    Mail,
    MailStatus,
    MessageVersion,
    User,
)
from bot.mail import kinds
from bot.mail.accept_links import AcceptLinks
from bot.mail.entity_html import EntitiesToHtml
from bot.mail.file_names import file_name
from bot.mail.invitation_links import InvitationLinks
from bot.mail.parts import (
    RECORD_TYPE,
    confirmation_filename,
    file_attachment,
    forward_view,
    media_view,
    record_filename,
    timestamp_context,
    with_stamp,
)
from bot.mail.queuing import Recipient
from bot.mail.signing import DIGEST_HEADER
from bot.mail.unsubscribe_links import UnsubscribeLinks
from bot.mail.unsubscribes import ALWAYS_SENT
from bot.terms.texts import Terms
from mailer import (
    Attachment,
    DkimSigner,
    MailBody,
    MailRenderer,
    address_body,
    compose_body,
    make_message_id,
)
from mailer.detached import detach

SUMMARY_WORDS = 8


@dataclass(frozen=True, slots=True)
class PersonView:
    name: str
    username: str | None
    user_id: int


@dataclass(frozen=True, slots=True)
class AgreedText:
    """What stands as agreed: the original, or the latest amendment ("3.1")."""

    text: str
    label: str | None
    digest: str


@dataclass(frozen=True, slots=True)
class EditView:
    index: int
    time_utc: str
    time_local: str | None
    editor: PersonView
    text: str
    diff: Diff


@dataclass(frozen=True, slots=True)
class EarlierVersion:
    time_utc: str
    text: str


@dataclass(frozen=True, slots=True)
class AcceptanceView:
    person: PersonView | None  # None: a confirmed address accepted by email
    time_utc: str
    address: str | None = None  # that address, masked


def summary_of(text: str, words: int = SUMMARY_WORDS, max_length: int = 80) -> str:
    """The first words of a text on one line, for subjects and lists."""
    parts = text.split()
    head = " ".join(parts[:words])
    if len(head) > max_length:
        return head[: max_length - 1] + "…"
    return head + "…" if len(parts) > words else head


def _without_file(mail: Mail, file: bytes) -> None:
    """The file is stored once (agreement_files), not in every party's mail: the mail
    keeps where its base64 goes back at sending, byte for byte as composed and signed."""
    detached = detach(mail.raw, file)
    if detached is not None:
        mail.raw, mail.file_at = detached.raw, detached.at


def _recorded_person(person: dict[str, Any]) -> PersonView:
    """An author or marker as the record names them."""
    return PersonView(person.get("name") or "", person.get("username"), person["id"])


def _person(user: User) -> PersonView:
    return PersonView(full_name(user.first_name, user.last_name), user.username, user.id)


class Letters:
    def __init__(
        self,
        renderer: MailRenderer,
        mail_from: str,
        zone: ZoneInfo,
        signer: DkimSigner | None = None,
        max_attachment_bytes: int = 7 * 1024 * 1024,
        *,
        entities_html: EntitiesToHtml,
        record_pages: str | None = None,
        invitation_links: InvitationLinks | None = None,
        unsubscribe: UnsubscribeLinks | None = None,
        accept_links: AcceptLinks | None = None,
    ) -> None:
        self._renderer = renderer
        # The link in an edit alert to a confirmed address, where it accepts the version
        # (WEB_BASE_URL set). None: such addresses are told of edits only.
        self._accept_links = accept_links
        # The confirm and refuse links of invitations (WEB_BASE_URL set). None: no invitations.
        self._invitation_links = invitation_links
        # Each recipient's way out, in the footer and List-Unsubscribe; None: only the bot's
        # /unsubscribe, which every footer names.
        self._unsubscribe = unsubscribe if unsubscribe is not None and unsubscribe.linked else None
        # WEB_BASE_URL: every record mail links the record's page. None: no links.
        self._record_pages = record_pages
        # The record's formatted text as HTML: aiogram's walk, handed in from the edge.
        self._entities_html = entities_html
        self._mail_from = mail_from
        self._zone = zone
        self._signer = signer
        self._max_attachment_bytes = max_attachment_bytes

    def attachable(self, size: int) -> bool:
        """Whether a file this big goes with the email (MAIL_MAX_ATTACHMENT_MB)."""
        return size <= self._max_attachment_bytes

    def verification_code(
        self,
        user: User,
        verification_id: int,
        address: str,
        code: str,
        valid_minutes: int,
        now: datetime,
        terms: Terms | None = None,
    ) -> Mail:
        # No name, nothing the requester typed but the address: this goes to an address
        # nobody has verified, and would carry their words to whoever owns it. ``terms``:
        # the signing terms that sending the code back accepts, said here too, since the
        # code is also the mailbox's owner's act.
        context = {
            "code": code,
            "address": address,
            "valid_minutes": valid_minutes,
            "terms": terms,
        }
        expires_at = now + timedelta(minutes=valid_minutes)
        [mail] = self._mails(
            kinds.VERIFICATION_CODE,
            [Recipient(user, address)],
            context,
            now,
            topic=kinds.verification_topic(verification_id),
            expires_at=expires_at,
        )
        return mail

    @property
    def invites(self) -> bool:
        """Whether invitations can be written: their links need the web pages."""
        return self._invitation_links is not None

    def invitation(
        self, agreement: Agreement, party: EmailParty, now: datetime, stamp: bytes | None = None
    ) -> Mail:
        """The invitation to an address a party named. It goes to an address nobody has
        verified, so it carries nothing a party typed for it: the agreed text (as plain text:
        no hidden links), the names the record holds and the chat's title, and no title.
        Needs ``agreement.chat`` loaded."""
        if self._invitation_links is None:
            raise RuntimeError("invitations need WEB_BASE_URL")
        urls = self._invitation_links.for_party(party.id, now)
        record = json.loads(agreement.record)
        filename = record_filename(agreement.chat_id, agreement.number)
        context = {
            "number": agreement.number,
            "chat_title": agreement.chat.title or "",
            "text": agreement.text,
            "author": _recorded_person(record["author"]),
            "marked_by": _recorded_person(record["marked_by"]),
            "message_time_utc": format_utc(agreement.message_date),
            "marked_at_utc": format_utc(agreement.marked_at),
            "digest": agreement.digest,
            "record_filename": filename,
            "record_url": self._record_url(agreement.digest),
            "confirm_url": urls.confirm,
            "refuse_url": urls.refuse,
            "links_expire_utc": format_utc(urls.expires_at),
        }
        record_file = Attachment(filename, agreement.record, RECORD_TYPE)
        [mail] = self._mails(
            kinds.INVITATION,
            [Recipient(None, party.address, language_code=party.language)],
            context | timestamp_context(stamp, agreement.record, filename),
            now,
            topic=kinds.invitation_topic(party.id),
            agreement_id=agreement.id,
            attachments=with_stamp(record_file, stamp),
            expires_at=urls.expires_at,  # its links are dead by then
        )
        return mail

    def archive_code(
        self,
        code_id: int,
        address: str,
        language: str,
        code: str,
        valid_minutes: int,
        now: datetime,
    ) -> Mail:
        """The code that makes ``address`` a chat's archive. Like a verification code's,
        it carries nothing the administrator chose (not even the chat's title): the address
        is nobody's verified one yet."""
        context = {"code": code, "address": address, "valid_minutes": valid_minutes}
        [mail] = self._mails(
            kinds.ARCHIVE_CODE,
            [Recipient(None, address, language_code=language)],
            context,
            now,
            topic=kinds.archive_code_topic(code_id),
            expires_at=now + timedelta(minutes=valid_minutes),
        )
        return mail

    def agreement(
        self,
        agreement: Agreement,
        recipients: Sequence[Recipient],
        now: datetime,
        earlier: Sequence[EarlierVersion] = (),
        stamp: bytes | None = None,
        file: bytes | None = None,
    ) -> list[Mail]:
        """Needs ``agreement.chat`` and ``agreement.parties`` with their users loaded.

        ``earlier``: how the message read before it was marked, as the journal saw it.
        """
        marked_by = next(p.user for p in agreement.parties if p.user_id == agreement.marked_by_id)
        media = agreement.media
        name = file_name(media, agreement.chat_id, agreement.number) if media else ""
        context = {
            **self._about(agreement),
            "text": agreement.text,
            "text_html": self._entities_html(agreement.text, agreement.entities),
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
            "earlier_versions": list(earlier),
            "digest": agreement.digest,
            "previous_digest": json.loads(agreement.record).get("previous_digest"),
            "record_filename": record_filename(agreement.chat_id, agreement.number),
            "author_kind": agreement.author_kind,
            "media": media_view(media, name, attached=file is not None),
            "forwarded": forward_view(agreement.forwarded_from),
        }
        record = Attachment(
            record_filename(agreement.chat_id, agreement.number), agreement.record, RECORD_TYPE
        )
        attachments = with_stamp(record, stamp)
        if file is not None and media is not None:
            attachments += (file_attachment(media, name, file),)
        mails = self._mails(
            kinds.AGREEMENT,
            recipients,
            context | timestamp_context(stamp, agreement.record, record.filename),
            now,
            topic=kinds.agreement_topic(agreement.id),
            agreement_id=agreement.id,
            headers={DIGEST_HEADER: agreement.digest},
            attachments=attachments,
        )
        if file is not None and media is not None:
            for mail in mails:
                _without_file(mail, file)
        return mails

    def edit_alert(
        self,
        agreement: Agreement,
        alert: EditAlert,
        versions: list[MessageVersion],
        agreed: AgreedText,
        editors: dict[int, User],
        recipients: Sequence[Recipient],
        now: datetime,
        *,
        agreement_mailed_at: datetime,
        asked: Set[int] = frozenset(),
    ) -> list[Mail]:
        """``versions``: every version of the message so far, oldest first. ``asked``: the
        confirmed addresses (EmailParty ids) whose acceptance the latest version needs:
        their mail links the page where they accept it."""
        author = PersonView(agreement.author_name, agreement.author_username, agreement.author_id)
        edits = []
        previous_text = agreement.text
        for version in versions:
            if version.alert_id == alert.id:
                editor = editors.get(version.editor_id or 0)
                edits.append(
                    EditView(
                        index=version.number,
                        time_utc=format_utc(version.edit_date),
                        time_local=format_local(version.edit_date, self._zone),
                        editor=_person(editor) if editor else author,
                        text=version.text,
                        diff=word_diff(previous_text, version.text),
                    )
                )
            previous_text = version.text
        context = {
            **self._about(agreement),
            "agreed_text": agreed.text,
            "agreed_label": agreed.label,
            "agreement_mailed_at_utc": format_utc(agreement_mailed_at),
            "edits": edits,
            "diff_from_agreed": word_diff(agreed.text, previous_text),
            "latest_text": previous_text,
            "total_edits": len(versions),
            "digest": agreed.digest,
            "file_replaced": bool(versions)
            and agreement.media is not None
            and file_replaced(agreement.media, versions[-1].media),
            "accept_url": None,  # a personal value in the mails that have one
            "accept_expires_utc": None,
        }
        links = self._accept_links
        urls: dict[int, str] = {}
        if links is not None and versions and asked:
            urls = {party: links.url(party, versions[-1].id, now) for party in asked}
            context["accept_expires_utc"] = format_utc(links.expiry(now))

        def accept_url(recipient: Recipient) -> dict[str, str]:
            url = urls.get(recipient.email_party_id or 0)
            return {"accept_url": url} if url else {}

        return self._mails(
            kinds.EDIT_ALERT,
            recipients,
            context,
            now,
            topic=kinds.edit_alert_topic(alert.id),
            agreement_id=agreement.id,
            personal_of=accept_url,
        )

    def deletion(
        self,
        agreement: Agreement,
        agreed: AgreedText,
        recipients: Sequence[Recipient],
        now: datetime,
    ) -> list[Mail]:
        """Telegram reported the agreed message deleted. Needs ``agreement.chat`` loaded."""
        context = {
            **self._about(agreement),
            "deleted_at_utc": format_utc(now),
            "agreed_text": agreed.text,
            "digest": agreed.digest,
        }
        return self._mails(
            kinds.DELETION,
            recipients,
            context,
            now,
            topic=kinds.deletion_topic(agreement.id),
            agreement_id=agreement.id,
        )

    def amendment(
        self,
        agreement: Agreement,
        amendment: Amendment,
        previous: AgreedText,
        acceptances: list[tuple[datetime, User]],
        recipients: Sequence[Recipient],
        now: datetime,
        *,
        stamp: bytes | None = None,
        by_email: Sequence[tuple[datetime, str]] = (),
    ) -> list[Mail]:
        """Needs ``agreement.chat`` and ``agreement.parties`` with their users loaded.
        ``by_email``: the confirmed addresses that accepted it, masked, with the time."""
        amendment_label = label(agreement.number, amendment.number)
        filename = record_filename(agreement.chat_id, amendment_label)
        context = {
            **self._about(agreement),
            "amendment_number": amendment_label,
            "previous_text": previous.text,
            "previous_label": previous.label,
            "text": amendment.text,
            "text_html": self._entities_html(
                amendment.text, json.loads(amendment.record)["message"]["entities"]
            ),
            "diff": word_diff(previous.text, amendment.text),
            "digest": amendment.digest,
            "record_url": self._record_url(amendment.digest),
            "previous_digest": amendment.previous_digest,
            "record_filename": filename,
            "accepted_by": [
                AcceptanceView(_person(user), format_utc(moment)) for moment, user in acceptances
            ]
            + [AcceptanceView(None, format_utc(moment), shown) for moment, shown in by_email],
            "amended_at_utc": format_utc(amendment.created_at),
            "amended_at_local": format_local(amendment.created_at, self._zone),
            "parties": [_person(party.user) for party in agreement.parties],
        }
        record = Attachment(filename, amendment.record, RECORD_TYPE)
        return self._mails(
            kinds.AMENDMENT,
            recipients,
            context | timestamp_context(stamp, amendment.record, filename),
            now,
            topic=kinds.amendment_topic(amendment.id),
            agreement_id=agreement.id,
            headers={DIGEST_HEADER: amendment.digest},
            attachments=with_stamp(record, stamp),
        )

    def email_confirmation(
        self,
        agreement: Agreement,
        confirmation: EmailConfirmation,
        confirmed: AgreedText,
        shown_address: str,
        inviter: str,
        recipients: Sequence[Recipient],
        now: datetime,
        *,
        stamp: bytes | None = None,
    ) -> list[Mail]:
        """An invited address confirmed the agreement (``confirmed``: the record that stood).
        Names the address as ``shown_address`` (masked); the attached record holds it
        whole. Needs ``agreement.chat`` and ``agreement.parties`` with their users loaded."""
        filename = confirmation_filename(agreement.chat_id, agreement.number, confirmation.id)
        context = {
            **self._about(agreement),
            "masked_address": shown_address,
            "inviter": inviter,
            "text": confirmed.text,
            "confirmed_label": confirmed.label or label(agreement.number),
            "confirmed_digest": confirmed.digest,
            "confirmed_at_utc": format_utc(confirmation.created_at),
            "confirmed_at_local": format_local(confirmation.created_at, self._zone),
            "digest": confirmation.digest,
            "record_url": self._record_url(confirmed.digest),
            "record_filename": filename,
            "parties": [_person(party.user) for party in agreement.parties],
        }
        record = Attachment(filename, confirmation.record, RECORD_TYPE)
        return self._mails(
            kinds.EMAIL_CONFIRMATION,
            recipients,
            context | timestamp_context(stamp, confirmation.record, filename),
            now,
            topic=kinds.confirmation_topic(confirmation.id),
            agreement_id=agreement.id,
            headers={DIGEST_HEADER: confirmation.digest},
            attachments=with_stamp(record, stamp),
        )

    def _about(self, agreement: Agreement) -> dict[str, Any]:
        """What every mail about an agreement names. Nothing in it depends on the
        recipient: every party gets the same body."""
        chat = agreement.chat
        return {
            "number": agreement.number,
            "chat_title": chat.title or "",
            "title": agreement.title,
            "summary": summary_of(agreement.text),
            "message_link": message_link(
                ChatInfo(chat.id, chat.type, chat.title, chat.username), agreement.message_id
            ),
            "topic": agreement.topic,
            "record_url": self._record_url(agreement.digest),
        }

    def _record_url(self, digest: str) -> str | None:
        """The record's web page (bot/web/record_pages.py), when the pages are served."""
        return f"{self._record_pages}/r/{digest}" if self._record_pages else None

    def _mails(
        self,
        kind: str,
        recipients: Sequence[Recipient],
        context: dict[str, Any],
        now: datetime,
        *,
        topic: str,
        agreement_id: int | None = None,
        headers: dict[str, str] | None = None,
        attachments: tuple[Attachment, ...] = (),
        expires_at: datetime | None = None,
        personal_of: Callable[[Recipient], dict[str, str]] | None = None,
    ) -> list[Mail]:
        """One mail per recipient, each body rendered once per language (and per set of
        ``personal_of``'s values: a link some recipients get): rendering and encoding were
        most of an /agree's CPU, and the parties get the same bytes but for their
        addresses and their own links."""
        links = None if kind in ALWAYS_SENT else self._unsubscribe
        if kind not in ALWAYS_SENT:  # the footer: a link filled in per recipient, or none
            context = context | {"unsubscribe_url": None}
        personal = ("unsubscribe_url",) if links else ()
        bodies: dict[tuple[str, tuple[str, ...]], MailBody] = {}
        mails = []
        for recipient in recipients:
            language = language_for(recipient.language)
            own = personal_of(recipient) if personal_of else {}
            names = (*personal, *sorted(own))
            body = bodies.get((language, names))
            if body is None:
                body = bodies[language, names] = compose_body(
                    self._renderer, kind, language, context, attachments, names
                )
            values = {"unsubscribe_url": links.footer(recipient.address)} if links else {}
            message_id = make_message_id(self._mail_from)
            raw = address_body(
                body,
                self._mail_from,
                to=recipient.address,
                message_id=message_id,
                now=now,
                in_reply_to=recipient.in_reply_to,
                extra_headers=headers,
                personal=values | own or None,
                unsubscribe=links.header(recipient.address) if links else (),
            )
            # Signed once, here: a resend after a crash sends these same bytes.
            raw = self._signer.sign(raw) if self._signer else raw
            mails.append(
                Mail(
                    kind=kind,
                    topic=kinds.archive_topic(topic) if recipient.archive else topic,
                    user_id=recipient.user_id,
                    agreement_id=agreement_id,
                    to_address=recipient.address,
                    message_id=message_id,
                    raw=raw,
                    status=MailStatus.PENDING,
                    attempts=0,
                    created_at=now,
                    next_attempt_at=now,
                    expires_at=expires_at,
                )
            )
        return mails
