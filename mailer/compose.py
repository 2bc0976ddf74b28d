"""Building the MIME message for one MailSpec."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

from .filters import normalize_newlines
from .languages import normalize_language
from .message_id import is_message_id
from .render import SUBJECT_LIMIT, MailRenderer
from .spec import Attachment, MailSpec
from .text import one_line, scrub_surrogates

HEADER_VALUE_LIMIT = 200
FILENAME_LIMIT = 120
_HEADER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_MIME_TYPE = re.compile(r"([a-z0-9][a-z0-9!#$&^_.+-]*)/([a-z0-9][a-z0-9!#$&^_.+-]*)")
# Headers compose() owns or that route mail: extra_headers must not override them.
_RESERVED_HEADERS = frozenset(
    {
        "from", "sender", "reply-to", "to", "cc", "bcc", "subject", "date", "message-id",
        "in-reply-to", "references", "mime-version", "auto-submitted", "return-path",
        "x-auto-response-suppress",
    }
)  # fmt: skip


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, building each header's class once.

    The stock registry makes a new class with ``type()`` on every header it parses;
    caching them made composing a mail about a quarter faster.
    """

    def __init__(self) -> None:
        super().__init__()
        self._built: dict[str, type[Any]] = {}

    def __getitem__(self, name: str) -> type[Any]:
        key = name.lower()
        built = self._built.get(key)
        if built is None:
            built = self._built[key] = super().__getitem__(name)
        return built


_POLICY = SMTP.clone(header_factory=_HeaderClasses())


def compose(
    spec: MailSpec, mail_from: str, renderer: MailRenderer, now: datetime | None = None
) -> EmailMessage:
    """Render `spec` and wrap it in a ready-to-send message.

    Structure: multipart/alternative (text/plain, then text/html, both UTF-8), inside
    multipart/mixed with the attachments when there are any."""
    if now is None:
        now = datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not is_message_id(spec.message_id):
        raise ValueError(f"invalid Message-ID {spec.message_id!r}")
    if spec.in_reply_to is not None and not is_message_id(spec.in_reply_to):
        raise ValueError(f"invalid In-Reply-To {spec.in_reply_to!r}")

    rendered = renderer.render(spec.kind, spec.language, spec.context)
    message = EmailMessage(policy=_POLICY)
    _set_body(message, rendered.text, rendered.html)
    for attachment in spec.attachments:
        _attach(message, attachment)

    # Headers only through the email API: it refuses CR/LF in values and does the
    # RFC 2047 encoding; one_line() additionally keeps every value on a single line.
    message["From"] = mail_from
    message["To"] = Address(addr_spec=spec.to.strip())
    message["Subject"] = one_line(rendered.subject, SUBJECT_LIMIT)
    message["Date"] = now
    message["Message-ID"] = spec.message_id
    if spec.in_reply_to is not None:
        message["In-Reply-To"] = spec.in_reply_to
        message["References"] = spec.in_reply_to
    message["Auto-Submitted"] = "auto-generated"
    # Keeps Exchange/Outlook out-of-office replies away from the bot's mailbox.
    message["X-Auto-Response-Suppress"] = "All"
    _set_extra_headers(message, spec.extra_headers)
    # Set last: turning the body into multipart/mixed moves Content-* headers down a level.
    message["Content-Language"] = normalize_language(spec.language)
    return message


def _set_body(message: EmailMessage, text: str, html: str) -> None:
    text = normalize_newlines(scrub_surrogates(text))
    html = normalize_newlines(scrub_surrogates(html))
    message.set_content(text, subtype="plain", charset="utf-8", cte=_text_cte(text))
    message.add_alternative(html, subtype="html", charset="utf-8", cte=_text_cte(html))


def _text_cte(body: str) -> str:
    """Quoted-printable for mostly-ASCII text (readable source), base64 for mostly
    non-ASCII (Cyrillic is ~3x larger as QP). Never 7bit/8bit: those cannot carry NUL or
    lines over 998 bytes, and both encodings pass any relay unchanged."""
    encoded = body.encode("utf-8")
    non_ascii = len(encoded) - len(body.encode("ascii", "ignore"))  # bytes of non-ASCII
    return "base64" if non_ascii * 6 > len(encoded) else "quoted-printable"


def _attach(message: EmailMessage, attachment: Attachment) -> None:
    match = _MIME_TYPE.fullmatch(attachment.mime_type.strip().lower())
    if match is None:
        raise ValueError(f"invalid MIME type {attachment.mime_type!r}")
    filename = one_line(attachment.filename, FILENAME_LIMIT).replace("/", "_").replace("\\", "_")
    if not filename:
        raise ValueError("attachment filename is empty")
    # base64 for every attachment: the bytes (e.g. a hashed JSON record) must arrive
    # exactly as given, with no newline or charset conversion on the way.
    message.add_attachment(
        bytes(attachment.content),
        maintype=match[1],
        subtype=match[2],
        filename=filename,
        cte="base64",
    )


def _set_extra_headers(message: EmailMessage, headers: Mapping[str, str]) -> None:
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name) or name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"extra header {name!r} is not allowed")
        if name.lower().startswith("content-"):
            raise ValueError(f"extra header {name!r} is not allowed")
        message[name] = one_line(value, HEADER_VALUE_LIMIT)
