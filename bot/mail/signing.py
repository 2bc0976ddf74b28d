"""The bot's DKIM signer: which headers of its mails the signature covers."""

from __future__ import annotations

from mailer import DkimSigner

DIGEST_HEADER = "X-Agreement-Digest"

# The headers that say what the mail is and what it is about; all are signed. Changing this
# list changes every signature from then on (stored mails keep theirs).
SIGNED_HEADERS: tuple[bytes, ...] = (
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"in-reply-to",
    b"references",
    b"auto-submitted",
    DIGEST_HEADER.lower().encode(),
    b"content-type",
    b"mime-version",
    # RFC 8058: a one-click unsubscribe must be covered by the signature.
    b"list-unsubscribe",
    b"list-unsubscribe-post",
)


def dkim_signer(domain: str, selector: str, private_key: bytes) -> DkimSigner:
    """A signer for the bot's mails (DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE)."""
    return DkimSigner(domain, selector, private_key, SIGNED_HEADERS)
