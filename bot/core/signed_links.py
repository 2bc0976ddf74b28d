"""Tokens for links in mails that act without a sign-in (confirm an invitation, refuse
it): signed with a key only the bot has, bound to one purpose and one subject, and
expiring. Nothing is stored: the link is its own proof, and a changed byte voids it.

    token = base64url("purpose|subject|expires") "." base64url(HMAC-SHA256, 128 bits)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime

_TAG_BYTES = 16


def link_key(bot_token: str) -> bytes:
    """The links' key, derived from the bot token (every replica has it; nobody else)."""
    return hmac.new(bot_token.encode(), b"signed-mail-links", hashlib.sha256).digest()


class BadLink(ValueError):
    """Forged, for another purpose, or damaged (``expired`` False), or out of date."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired link" if expired else "bad link")
        self.expired = expired


class LinkSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, purpose: str, subject: str, expires_at: datetime) -> str:
        if "|" in purpose or "|" in subject:
            raise ValueError("'|' separates the token's fields")
        payload = f"{purpose}|{subject}|{int(expires_at.timestamp())}".encode()
        return f"{_encode(payload)}.{_encode(self._tag(payload))}"

    def read(self, token: str, purpose: str, now: datetime) -> str:
        """The subject of a genuine, unexpired token for ``purpose``; else BadLink."""
        encoded, _, tag = token.partition(".")
        try:
            payload, given = _decode(encoded), _decode(tag)
        except (binascii.Error, ValueError):
            raise BadLink from None
        if not hmac.compare_digest(given, self._tag(payload)):
            raise BadLink
        signed_purpose, subject, expires = payload.decode().split("|")
        if signed_purpose != purpose:
            raise BadLink
        if now >= datetime.fromtimestamp(int(expires), UTC):
            raise BadLink(expired=True)
        return subject

    def _tag(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_TAG_BYTES]


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
