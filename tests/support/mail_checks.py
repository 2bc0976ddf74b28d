"""What a mail of each kind must hold, checked as a whole, so that a story names the mail it
expects instead of walking its MIME parts: the agreement mail and its record, a reply in
the agreement's thread, the edit alert, the amendment, an attached file."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from typing import Any

from tests.support.mailbox import ReceivedMail
from tests.support.mails import (
    file_parts,
    header_digest,
    html_of,
    is_agreement,
    record_bytes,
    record_of,
    text_of,
)


def assert_record_carried(message: EmailMessage) -> Any:
    """The attached record hashes to the X-Agreement-Digest header, and the body names that
    digest. The record, parsed."""
    digest = header_digest(message)
    assert hashlib.sha256(record_bytes(message)).hexdigest() == digest
    assert digest in text_of(message)
    return record_of(message)


def assert_record_mail(
    mail: ReceivedMail,
    *,
    to: str,
    text: str,
    subject: str | None = None,
    author: int | None = None,
    marked_by: int | None = None,
    message_id: int | None = None,
) -> Any:
    """An agreement mail as the bot sends it: to ``to`` alone, automatic, with a Message-ID
    of the bot's domain; the agreed ``text`` in its body and in the record it carries
    (``assert_record_carried``). The ids given are the record's author, marker and message.
    The record, parsed, for what else a story checks in it."""
    message = mail.message
    assert mail.recipients == [to]
    assert is_agreement(message), message["Subject"]
    if subject is not None:
        assert message["Subject"] == subject
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@agreements.test>")
    assert text in text_of(message)
    record = assert_record_carried(message)
    assert record["message"]["text"] == text
    for field, expected in (("author", author), ("marked_by", marked_by)):
        if expected is not None:
            assert record[field]["id"] == expected, field
    if message_id is not None:
        assert record["message"]["id"] == message_id
    return record


def assert_threaded(reply: EmailMessage, original: EmailMessage) -> None:
    """``reply`` is in ``original``'s thread: it answers it and names it in References."""
    assert reply["In-Reply-To"] == original["Message-ID"]
    assert original["Message-ID"] in reply["References"]


def assert_edit_alert_mail(
    alert: EmailMessage, *, replying_to: EmailMessage, old: str, new: str, diff: str
) -> None:
    """An edit alert in the agreement's thread: both versions in its body, the change
    marked word by word (``diff``, as [-old-]{+new+}) in text and with del/ins in HTML."""
    assert_threaded(alert, replying_to)
    body = text_of(alert)
    assert old in body and new in body
    assert diff in body
    html = html_of(alert)
    assert "<del" in html and "<ins" in html


def assert_amendment_mail(amendment: EmailMessage, *, replacing: EmailMessage, text: str) -> Any:
    """An amendment in the agreement's thread: the new ``text`` in its body, its own record
    carried (``assert_record_carried``), and the digest of the record it replaces named
    beside its own. The amendment's record, parsed."""
    assert_threaded(amendment, replacing)
    body = text_of(amendment)
    assert text in body
    record = assert_record_carried(amendment)
    assert header_digest(replacing) in body
    assert header_digest(amendment) != header_digest(replacing)
    return record


def assert_file_mailed(
    message: EmailMessage, content: bytes, *, name: str, content_type: str
) -> None:
    """The file is the mail's one attachment of its type, under ``name``, which the body
    names too."""
    assert file_parts(message, content_type) == [(name, content)]
    assert name in text_of(message)


def assert_file_recorded(record: Any, content: bytes, **fields: Any) -> None:
    """The record describes the file by its SHA-256 (and by ``fields``: kind, file_name,
    size...)."""
    media = record["message"]["media"]
    assert media["sha256"] == hashlib.sha256(content).hexdigest()
    for field, expected in fields.items():
        assert media[field] == expected, field
