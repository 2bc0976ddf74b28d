"""What the rest of the application hands to the mailer with a body: its attachments."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str  # "maintype/subtype", e.g. "application/json"
