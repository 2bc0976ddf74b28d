"""Building the MIME message of a mail, as the bytes that go on the wire: a body
(compose_body), then addressed to each recipient (address_body)."""

import base64
import binascii
import re
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import encoders
from email.generator import BytesGenerator
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import format_datetime, formataddr
from functools import lru_cache
from io import BytesIO
from typing import Any, cast

from .filters import normalize_newlines
from .languages import normalize_language
from .message_id import is_message_id
from .personal import Blanks, filled, placeholders
from .render import SUBJECT_LIMIT, MailRenderer
from .spec import Attachment
from .text import one_line, scrub_surrogates

HEADER_VALUE_LIMIT = 200
QP, BASE64 = "quoted-printable", "base64"
_ASCII = bytes(range(128))
FILENAME_LIMIT = 120
_HEADER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_MIME_TYPE = re.compile(r"([a-z0-9][a-z0-9!#$&^_.+-]*)/([a-z0-9][a-z0-9!#$&^_.+-]*)")
# Headers address_body() owns or that route mail: extra_headers must not override them.
_RESERVED_HEADERS = frozenset(
    {
        "from", "sender", "reply-to", "to", "cc", "bcc", "subject", "date", "message-id",
        "in-reply-to", "references", "mime-version", "auto-submitted", "return-path",
        "x-auto-response-suppress", "list-unsubscribe", "list-unsubscribe-post",
    }
)  # fmt: skip
# A List-Unsubscribe URI (RFC 2369): http(s) or mailto, printable ASCII, nothing that would
# end the <...> it goes in or start the next one.
_UNSUBSCRIBE_URI = re.compile(r"(?:https?://|mailto:)[!-~]{1,900}")
_NOT_IN_URI = frozenset("<>,")

# The classic email API (email.mime, compat32) rather than EmailMessage: the latter parses
# and refolds every header through its full RFC 5322 parser, which made up most of an
# /agree's CPU. Every value set here is one line (one_line(), validated ids and
# addresses), and the legacy Header refuses a value that would start a header of its own;
# non-ASCII values become RFC 2047 encoded words.
_WIRE = compat32.clone(linesep="\r\n")


@dataclass(frozen=True, slots=True)
class MailBody:
    """A mail without its recipient: rendered and encoded once, then addressed to each
    party (every party of an agreement gets these same bytes)."""

    language: str
    subject: str  # one line, already shortened
    mime: bytes  # the top part's Content-Type and MIME-Version, a blank line, the parts
    # With personal values: the text and HTML still to fill in, and ``mime`` holds their
    # slot (address_body() fills both per recipient).
    blanks: Blanks | None = None


def compose_body(
    renderer: MailRenderer,
    kind: str,
    language: str,
    context: Mapping[str, Any],
    attachments: Sequence[Attachment] = (),
    personal: Collection[str] = (),
) -> MailBody:
    """Structure: multipart/alternative (text/plain, then text/html, both UTF-8), inside
    multipart/mixed with the attachments when there are any.

    ``personal``: names of template values that differ per recipient (never in the
    subject); each recipient's go to address_body()."""
    blanks = placeholders(personal)
    rendered = renderer.render(kind, language, {**context, **blanks})
    subject = one_line(rendered.subject, SUBJECT_LIMIT)
    if any(placeholder in subject for placeholder in blanks.values()):
        raise ValueError("a personal value can't go in the subject")
    language = normalize_language(language)
    boundary, slot = _boundary(), _boundary()
    message: Message
    if blanks:
        # A stand-in with the alternative part's headers; its body is each recipient's.
        message = MIMEMultipart("alternative", boundary)
        message.set_payload(slot)
    else:
        message = _alternative(rendered.text, rendered.html, boundary)
    if attachments:
        message = MIMEMultipart(
            "mixed",
            _boundary(),
            _subparts=[_subpart(message), *(_attachment(item) for item in attachments)],
        )
    if not blanks:
        return MailBody(language, subject, _wire(message))
    mime = _wire(message) if attachments else slot.encode()
    fill = Blanks(
        rendered.text, rendered.html, blanks, boundary, slot.encode(), top=not attachments
    )
    return MailBody(language, subject, mime, fill)


def _alternative(text: str, html: str, boundary: str) -> Message:
    return MIMEMultipart(
        "alternative", boundary, _subparts=[_text(text, "plain"), _text(html, "html")]
    )


def _personal_mime(body: MailBody, values: Mapping[str, str]) -> bytes:
    """The body's bytes with one recipient's values in its text and HTML."""
    if body.blanks is None:
        if values:
            raise ValueError("personal values for a body that has none")
        return body.mime
    blanks = body.blanks
    part = _alternative(*filled(blanks, values), blanks.boundary)
    if blanks.top:
        return _wire(part)
    wire = _wire(_subpart(part))
    return body.mime.replace(blanks.slot, wire[wire.index(b"\r\n\r\n") + 4 :], 1)


def address_body(
    body: MailBody,
    mail_from: str,
    *,
    to: str,
    message_id: str,
    now: datetime | None = None,
    in_reply_to: str | None = None,
    extra_headers: Mapping[str, str] | None = None,
    personal: Mapping[str, str] | None = None,
    unsubscribe: Sequence[str] = (),
) -> bytes:
    """`body` as one recipient's message: the routing headers, then the body's bytes.

    ``personal``: this recipient's values for the body's personal names. ``unsubscribe``:
    the URIs of List-Unsubscribe (RFC 2369); with an http(s) one, List-Unsubscribe-Post
    says a POST to it unsubscribes at once (RFC 8058)."""
    if now is None:
        now = datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not is_message_id(message_id):
        raise ValueError(f"invalid Message-ID {message_id!r}")
    if in_reply_to is not None and not is_message_id(in_reply_to):
        raise ValueError(f"invalid In-Reply-To {in_reply_to!r}")
    headers = Message()
    headers["From"] = _from_header(mail_from)
    headers["To"] = Address(addr_spec=to.strip()).addr_spec  # refuses all but one address
    headers["Subject"] = body.subject
    headers["Date"] = format_datetime(now)
    headers["Message-ID"] = message_id
    if in_reply_to is not None:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    headers["Auto-Submitted"] = "auto-generated"
    # Keeps Exchange/Outlook out-of-office replies away from the bot's mailbox.
    headers["X-Auto-Response-Suppress"] = "All"
    _set_unsubscribe(headers, unsubscribe)
    _set_extra_headers(headers, extra_headers or {})
    headers["Content-Language"] = body.language
    # A message with headers only serializes as those headers and the blank line that
    # ends them; the body's own headers (Content-Type, MIME-Version) go before that line.
    return _wire(headers).removesuffix(b"\r\n") + _personal_mime(body, personal or {})


def _set_unsubscribe(message: Message, uris: Sequence[str]) -> None:
    if not uris:
        return
    for uri in uris:
        if not _UNSUBSCRIBE_URI.fullmatch(uri) or _NOT_IN_URI.intersection(uri):
            raise ValueError(f"invalid List-Unsubscribe URI {uri!r}")
    message["List-Unsubscribe"] = _FoldedBetween([f"<{uri}>" for uri in uris])  # type: ignore[assignment]
    if any(uri.startswith("http") for uri in uris):
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def _wire(message: Message) -> bytes:
    wire = BytesIO()
    BytesGenerator(wire, mangle_from_=False, policy=_WIRE).flatten(message)
    return wire.getvalue()


def _boundary() -> str:
    """A boundary no part can contain, so the generator need not search the parts for
    one: every part is base64 or quoted-printable, and neither can produce "=_"."""
    return f"=_{secrets.token_hex(16)}"


@lru_cache(maxsize=8)
def _from_header(mail_from: str) -> str:
    """MAIL_FROM as a header: the display name encoded if it has to be, the address as is
    (its domain in IDNA form). Parsed as the settings check parses it."""
    header = cast(AddressHeader, HeaderRegistry()("From", mail_from))
    [address] = header.addresses
    domain = address.domain.encode("idna").decode("ascii")
    return formataddr((address.display_name, f"{address.username}@{domain}"), "utf-8")


def _text(body: str, subtype: str) -> Message:
    data = normalize_newlines(scrub_surrogates(body)).encode("utf-8")
    cte = _text_cte(data)
    # Encoded here by binascii's C encoders (the email package's quoted-printable encoder
    # is pure Python and cost a tenth of an /agree's CPU); the generator writes ASCII as is.
    encoded = binascii.b2a_qp(data, istext=True) if cte == QP else base64.encodebytes(data)
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part["Content-Transfer-Encoding"] = cte
    part.set_payload(encoded.decode("ascii"))
    return _subpart(part)


def _subpart(part: Message) -> Message:
    del part["MIME-Version"]  # the classic API adds it to every part; it belongs on top
    return part


def _text_cte(data: bytes) -> str:
    """Quoted-printable for mostly-ASCII text (readable source), base64 for mostly
    non-ASCII (Cyrillic is ~3x larger as QP). Never 7bit/8bit: those cannot carry NUL or
    lines over 998 bytes, and both encodings pass any relay unchanged."""
    non_ascii = len(data.translate(None, _ASCII))  # the bytes left: those of non-ASCII
    return BASE64 if non_ascii * 6 > len(data) else QP


def _attachment(attachment: Attachment) -> Message:
    match = _MIME_TYPE.fullmatch(attachment.mime_type.strip().lower())
    if match is None:
        raise ValueError(f"invalid MIME type {attachment.mime_type!r}")
    filename = one_line(attachment.filename, FILENAME_LIMIT).replace("/", "_").replace("\\", "_")
    if not filename:
        raise ValueError("attachment filename is empty")
    part = _subpart(MIMEBase(match[1], match[2]))  # no charset: nothing adds it back
    # base64 for every attachment: the bytes (e.g. a hashed JSON record) must arrive
    # exactly as given, with no newline or charset conversion on the way.
    part.set_payload(bytes(attachment.content))
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


class _FoldedBetween:
    """A header value of comma-separated items, folded between them and nowhere else: the
    legacy Header would fold a long URI's line before it, leaving the first line empty.
    compat32 writes any value that is not a str through its ``encode()``, as a Header's."""

    def __init__(self, items: Sequence[str]) -> None:
        self._items = items

    def encode(self, linesep: str = "\n", maxlinelen: int | None = None, **_: Any) -> str:
        return f",{linesep} ".join(self._items)


def _set_extra_headers(message: Message, headers: Mapping[str, str]) -> None:
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name) or name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"extra header {name!r} is not allowed")
        if name.lower().startswith("content-"):
            raise ValueError(f"extra header {name!r} is not allowed")
        message[name] = one_line(value, HEADER_VALUE_LIMIT)


def recompose_body(message: Message) -> bytes:
    """The body of a received `message` encoded as compose_body() encodes one: what the bot
    sent, if a client changed only transfer encodings and line endings on the way. The
    parts' decoded contents and the boundaries are kept; anything else becomes bytes
    compose_body() would not have written (so a signature over them fails, as it should)."""
    wire = _wire(_rebuilt(message))
    return wire[wire.index(b"\r\n\r\n") + 4 :]


def _rebuilt(part: Message) -> Message:
    if part.is_multipart():
        children = cast(list[Message], part.get_payload())
        return _subpart(
            MIMEMultipart(
                part.get_content_subtype(),
                part.get_boundary(),
                _subparts=[_rebuilt(child) for child in children],
            )
        )
    content = part.get_payload(decode=True)
    assert isinstance(content, bytes)
    filename = part.get_filename()
    if filename is None and part.get_content_maintype() == "text":
        charset = part.get_content_charset() or "utf-8"
        return _text(content.decode(charset, "replace"), part.get_content_subtype())
    return _attachment(Attachment(filename or "", content, part.get_content_type()))
