"""DKIM signatures (dkimpy), so a receiving server can tell the mail came from the domain."""

from __future__ import annotations

from dataclasses import dataclass

import dkim


@dataclass(frozen=True, slots=True)
class DkimSigner:
    domain: str
    selector: str
    private_key: bytes  # PEM
    # The header names to sign, lower case, as the caller decides (those that say what the
    # mail is and what it is about); the mailer adds none of its own.
    headers: tuple[bytes, ...]

    def sign(self, raw: bytes) -> bytes:
        """The message with a DKIM-Signature header in front (relaxed/relaxed, rsa-sha256)."""
        signature = dkim.sign(
            raw,
            self.selector.encode(),
            self.domain.encode(),
            self.private_key,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=list(self.headers),
        )
        return signature + raw
