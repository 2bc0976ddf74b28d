"""A record's mail, read part by part, and only if its MIME tree is the one the bot writes
(mailer/compose.py): multipart/mixed holding multipart/alternative (text/plain, then
text/html), the record (.json), its timestamp token (.tsr) if any, and the agreed file if it
went with the mail. Anything else may show a reader what the checks never read: mail clients
show the last alternative, and inline parts of multipart/mixed, too."""

from __future__ import annotations

import email
import email.errors
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage, Message

from bot.core.phrases import N_, Phrase, PhraseError
from bot.evidence.tsa_client import REPLY_TYPE as STAMP_TYPE
from bot.mail.parts import RECORD_TYPE
from bot.mail.signing import DIGEST_HEADER
from mailer.filters import normalize_newlines


class MailShapeError(PhraseError):
    """Not a mail this bot writes; the message says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Attached:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class RecordMail:
    message: EmailMessage
    language: str | None  # Content-Language
    claimed_digest: str | None  # X-Agreement-Digest
    text: str  # the text/plain part, line breaks as \n
    html: str
    record: Attached
    stamp: Attached | None
    file: Attached | None


def parse_mail(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def read_record_mail(message: EmailMessage) -> RecordMail:
    """The mail's parts; MailShapeError if its tree or a part is not what the bot writes."""
    try:
        return _read(message)
    except MailShapeError:
        raise
    except (LookupError, UnicodeDecodeError) as exc:
        raise MailShapeError(N_("a part can't be decoded (%(error)s)"), error=str(exc)) from None
    except (ValueError, TypeError, IndexError, email.errors.MessageError) as exc:
        # The email package has known ways to fail on crafted headers and parameters.
        raise MailShapeError(N_("the mail can't be read (%(error)s)"), error=str(exc)) from None


def _read(message: EmailMessage) -> RecordMail:
    top = _children(message, "multipart/mixed", Phrase(N_("the mail")))
    if len(top) < 2:
        raise MailShapeError(N_("the mail holds no record: multipart/mixed has one part"))
    alternative = _children(top[0], "multipart/alternative", Phrase(N_("its first part")))
    if [part.get_content_type() for part in alternative] != ["text/plain", "text/html"]:
        shown = ", ".join(part.get_content_type() for part in alternative)
        raise MailShapeError(
            N_(
                "multipart/alternative holds %(shown)s: this bot writes text/plain, then text/html"
            ),
            shown=shown,
        )
    for part in alternative:
        if part.get_content_disposition() not in (None, "inline") or part.get_filename():
            raise MailShapeError(
                N_("its %(type)s part is an attachment"), type=part.get_content_type()
            )
    attached = [_attached(part) for part in top[1:]]
    record, rest = attached[0], attached[1:]
    if record.content_type != RECORD_TYPE:
        raise MailShapeError(
            N_("the part after the text is %(type)s, not the record"), type=record.content_type
        )
    stamp = rest.pop(0) if rest and rest[0].content_type == STAMP_TYPE else None
    file = rest.pop(0) if rest else None
    if rest or (file is not None and file.content_type in {RECORD_TYPE, STAMP_TYPE}):
        names = ", ".join(f"{a.filename} ({a.content_type})" for a in attached)
        raise MailShapeError(
            N_("attachments %(names)s: this bot attaches the record, its timestamp and the file"),
            names=names,
        )
    digest = message[DIGEST_HEADER]
    language = message["Content-Language"]
    return RecordMail(
        message=message,
        language=str(language).strip() if language is not None else None,
        claimed_digest=str(digest).strip() if digest is not None else None,
        text=normalize_newlines(_decoded(alternative[0])),
        html=_decoded(alternative[1]),
        record=record,
        stamp=stamp,
        file=file,
    )


def _children(part: Message, content_type: str, what: Phrase) -> list[Message]:
    if part.get_content_type() != content_type or not part.is_multipart():
        raise MailShapeError(
            N_("%(what)s is %(type)s, not %(expected)s"),
            what=what,
            type=part.get_content_type(),
            expected=content_type,
        )
    children = part.get_payload()
    assert isinstance(children, list)
    return [child for child in children if isinstance(child, Message)]


def _attached(part: Message) -> Attached:
    content = part.get_payload(decode=True)
    filename = part.get_filename()
    if part.is_multipart() or not isinstance(content, bytes):
        raise MailShapeError(
            N_("a %(type)s part among the attachments"), type=part.get_content_type()
        )
    if part.get_content_disposition() != "attachment" or not filename:
        raise MailShapeError(
            N_("a %(type)s part shown inline: this bot attaches every file"),
            type=part.get_content_type(),
        )
    return Attached(filename, part.get_content_type(), content)


def _decoded(part: Message) -> str:
    content = part.get_payload(decode=True)
    assert isinstance(content, bytes)
    charset = part.get_content_charset() or "us-ascii"
    try:
        return content.decode(charset)
    except LookupError:
        raise MailShapeError(
            N_("its %(type)s part is in charset %(charset)r, which no mail client knows"),
            type=part.get_content_type(),
            charset=charset,
        ) from None
