"""What the rest of the application hands to the mailer: one mail for one recipient."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str  # "maintype/subtype", e.g. "application/json"


@dataclass(frozen=True, slots=True)
class MailSpec:
    kind: str  # template name: "verification_code" | "agreement"
    to: str  # a single addr-spec: every party gets a mail of its own
    language: str  # "ru" | "en"; anything else falls back to "en"
    context: Mapping[str, Any]  # template variables
    message_id: str  # "<...@domain>" from make_message_id(), stored by the caller
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    attachments: Sequence[Attachment] = ()
    in_reply_to: str | None = None  # Message-ID of an earlier mail, for threading
