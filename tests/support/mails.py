"""What a test reads in a mail the bot sent: which kind it is (by its subject, in either
language), its text and HTML as a mail client shows them, the record it carries, a code."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from typing import Any

RECORD_TYPE = "application/json"


def is_agreement(message: EmailMessage) -> bool:
    """The agreement email itself (amendments carry a digest header too)."""
    return str(message["Subject"]).startswith(("Agreement #", "Договорённость №"))


def is_invitation(message: EmailMessage) -> bool:
    """An invitation to an address a party named."""
    return str(message["Subject"]).startswith(("Please confirm agreement", "Подтвердите"))


def is_edit_alert(message: EmailMessage) -> bool:
    return str(message["Subject"]).startswith(("Edited:", "Изменено:"))


def is_amendment(message: EmailMessage) -> bool:
    return str(message["Subject"]).startswith(("Amendment", "Изменение договорённости"))


def is_deletion(message: EmailMessage) -> bool:
    return str(message["Subject"]).startswith(("Deleted:", "Удалено:"))


def is_confirmation(message: EmailMessage) -> bool:
    """A confirmation by email of an agreement (bot/confirmations/)."""
    return str(message["Subject"]).startswith(("Confirmed by email:", "Подтверждено по почте:"))


def text_of(message: Any) -> str:
    """The plain-text body as a mail client shows it (line breaks as \\n)."""
    return str(message.get_body(("plain",)).get_content()).replace("\r\n", "\n")


def html_of(message: Any) -> str:
    """The HTML body, line breaks as \\n."""
    return str(message.get_body(("html",)).get_content()).replace("\r\n", "\n")


def header_digest(message: EmailMessage) -> str:
    return str(message["X-Agreement-Digest"]).strip()


def record_bytes(message: EmailMessage) -> bytes:
    """The record attached to an agreement or amendment mail, byte for byte."""
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == RECORD_TYPE]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


def record_of(message: EmailMessage) -> Any:
    """The attached record, parsed."""
    return json.loads(record_bytes(message))


def file_parts(message: EmailMessage, content_type: str) -> list[tuple[str | None, bytes]]:
    """The attachments of that type: (file name, content)."""
    return [
        (part.get_filename(), part.get_payload(decode=True))
        for part in message.iter_attachments()
        if part.get_content_type() == content_type
    ]


def attached(message: EmailMessage, file_name: str) -> bytes:
    """The content of the one attachment of that name."""
    [part] = [p for p in message.iter_attachments() if p.get_filename() == file_name]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


def code_in(message: Any) -> str:
    """The six digits a verification code mail asks to send with /verify."""
    found = re.search(r"/verify (\d{6})\b", text_of(message))
    assert found, "no code in the mail"
    return found.group(1)
