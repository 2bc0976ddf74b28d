"""DKIM signatures (dkimpy), so a receiving server can tell the mail came from the domain."""

from __future__ import annotations

from dataclasses import dataclass

import dkim

# The headers that say what the mail is and what it is about; all are signed.
SIGNED_HEADERS = (
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"in-reply-to",
    b"references",
    b"auto-submitted",
    b"x-agreement-digest",
    b"content-type",
    b"mime-version",
)


@dataclass(frozen=True, slots=True)
class DkimSigner:
    domain: str
    selector: str
    private_key: bytes  # PEM

    def sign(self, raw: bytes) -> bytes:
        """The message with a DKIM-Signature header in front (relaxed/relaxed, rsa-sha256)."""
        signature = dkim.sign(
            raw,
            self.selector.encode(),
            self.domain.encode(),
            self.private_key,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=list(SIGNED_HEADERS),
        )
        return signature + raw
