"""One-time codes that bind an address: made at random, stored only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_DIGITS = 6


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def well_formed(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def code_key(bot_token: str) -> bytes:
    """The key codes are hashed with. A million codes are hashed in a blink, so a hash
    without a key would give a leaked table's live codes away; this one comes from the
    bot token, which every replica has and the database does not."""
    return hmac.new(bot_token.encode(), b"email-verification-code", hashlib.sha256).digest()


def hash_code(key: bytes, subject: int | str, code: str) -> str:
    """``subject`` is what the code is for: the user binding an address, or another
    purpose spelled so no two purposes share a subject (a chat's archive)."""
    return hmac.new(key, f"{subject}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(key: bytes, subject: int | str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(stored_hash, hash_code(key, subject, code))
