"""The ways out written into every mail but a code's: a link to ``WEB_BASE_URL/u/<token>``
(a page with a button; a POST there unsubscribes at once, RFC 8058), and, with
MAIL_UNSUBSCRIBE_MAILTO, a mail to an inbox the operator reads (the bot reads no mail).

The token is the address sealed with AES-SIV under a key derived from the bot token, as
the code key is. Only the bot can make one: a forged or altered token does not open. It
names the address without showing it, so a proxy's log or a browser's history that holds
the link does not hold the address. It does not expire: it can only stop the mail to that
address, or bring back what it stopped.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from bot.mail.unsubscribes import normalized

PATH = "/u/"
# base64url without padding; an address is at most 320 characters, 16 more for the seal.
TOKEN_PATTERN = r"[A-Za-z0-9_-]{22,460}"
_TOKEN = re.compile(TOKEN_PATTERN)
_PURPOSE = b"unsubscribe-link"  # also what the seal is bound to: no other sealed value opens


def unsubscribe_key(bot_token: str) -> bytes:
    """The sealing key: 32 bytes (AES-128-SIV) from the bot token, which every replica
    has and the database does not."""
    return hmac.new(bot_token.encode(), _PURPOSE, hashlib.sha256).digest()


class UnsubscribeLinks:
    def __init__(self, key: bytes, web_base: str | None, mailto: str | None) -> None:
        self._siv = AESSIV(key)
        self._web_base = web_base  # WEB_BASE_URL without its trailing slash, or None
        self._mailto = mailto  # MAIL_UNSUBSCRIBE_MAILTO, or None

    @property
    def linked(self) -> bool:
        """Whether mails carry a link (and List-Unsubscribe) at all."""
        return bool(self._web_base or self._mailto)

    def token(self, address: str) -> str:
        sealed = self._siv.encrypt(normalized(address).encode(), [_PURPOSE])
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def address_of(self, token: str) -> str | None:
        """The address a token names, or None for anything the bot did not make."""
        if not _TOKEN.fullmatch(token):
            return None
        try:
            sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            address = self._siv.decrypt(sealed, [_PURPOSE]).decode("ascii")
        except (binascii.Error, InvalidTag, ValueError):
            return None
        return address

    def page(self, address: str) -> str | None:
        """The unsubscribe page's URL (the one-click POST goes there too)."""
        return f"{self._web_base}{PATH}{self.token(address)}" if self._web_base else None

    def mail(self, address: str) -> str | None:
        """A mailto: URI whose subject carries the token, so the operator can tell a
        request from the address's owner from one that only claims to come from it."""
        if self._mailto is None:
            return None
        return (
            f"mailto:{quote(self._mailto, safe='@')}?subject=unsubscribe%20{self.token(address)}"
        )

    def header(self, address: str) -> list[str]:
        """The List-Unsubscribe URIs, https first (RFC 8058's one-click); none: no header."""
        return [uri for uri in (self.page(address), self.mail(address)) if uri]

    def footer(self, address: str) -> str:
        """The link a mail's footer shows: the page, else the mail (when ``linked``)."""
        return self.page(address) or self.mail(address) or ""
