"""A composed mail without one attachment's bytes, and the same mail made whole again.

A file several recipients get is then stored once, beside their mails, rather than once
per mail in base64. Putting it back gives the exact bytes that were composed (and signed).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Detached:
    raw: bytes  # the mail with the attachment's encoded payload cut out
    at: int  # where in ``raw`` the payload goes back


def encoded_payload(content: bytes) -> bytes:
    """An attachment's body as compose_body() writes it: base64 in lines of 76, each ended CRLF."""
    return base64.encodebytes(content).replace(b"\n", b"\r\n")


def detach(raw: bytes, content: bytes) -> Detached | None:
    """``raw`` without ``content``'s payload; None unless it occurs exactly once (a tiny
    file's few base64 characters may occur elsewhere too: such a mail is kept whole)."""
    payload = encoded_payload(content)
    at = raw.find(payload)
    if not payload or at < 0 or raw.find(payload, at + 1) >= 0:
        return None
    return Detached(raw[:at] + raw[at + len(payload) :], at)


def reattach(detached: bytes, at: int, content: bytes) -> bytes:
    """The whole mail again, byte for byte as composed."""
    return b"".join((detached[:at], encoded_payload(content), detached[at:]))
