"""A DKIM key pair from openssl, and a DNS lookup that answers with its public key; the
settings that have the bot sign with it, and the check that a mail was signed with it."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dkim

DOMAIN = "agreements.test"  # MAIL_FROM's
SELECTOR = "mail"


@dataclass(frozen=True, slots=True)
class DkimKeys:
    private_file: Path
    public: bytes  # the DNS record's p= value

    @property
    def private(self) -> bytes:
        return self.private_file.read_bytes()

    def dns(self, domain: str, selector: str) -> Callable[..., bytes]:
        def lookup(name: bytes, timeout: int = 5) -> bytes:
            assert name == f"{selector}._domainkey.{domain}.".encode()
            return b"v=DKIM1; k=rsa; p=" + self.public

        return lookup

    def settings(self) -> dict[str, Any]:
        """The bot's settings to sign as ``DOMAIN``'s ``SELECTOR`` with this key."""
        return {
            "dkim_domain": DOMAIN,
            "dkim_selector": SELECTOR,
            "dkim_private_key_file": self.private_file,
        }

    def environment(self) -> dict[str, str]:
        """The same settings as the environment variables ``python -m bot`` reads."""
        return {name.upper(): str(value) for name, value in self.settings().items()}

    def signed(self, raw: bytes) -> bool:
        """Whether ``raw`` holds a signature by this key for ``DOMAIN``'s ``SELECTOR``."""
        return bool(dkim.verify(raw, dnsfunc=self.dns(DOMAIN, SELECTOR)))


def make_keys(folder: Path) -> DkimKeys:
    private = folder / "dkim-private.pem"
    subprocess.run(
        ["openssl", "genrsa", "-out", str(private), "2048"], check=True, capture_output=True
    )
    public_der = subprocess.run(
        ["openssl", "rsa", "-in", str(private), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return DkimKeys(private, base64.b64encode(public_der))
