"""A saved mail changed the way a forger (or a mail client) would change it."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage


def _text_parts(message: EmailMessage) -> dict[str, EmailMessage]:
    return {
        part.get_content_subtype(): part
        for part in message.walk()
        if part.get_content_maintype() == "text" and not part.is_attachment()
    }


def tampered(raw: bytes, old: str, new: str, *, parts: tuple[str, ...]) -> bytes:
    """The mail with `old` changed to `new` in the given text parts, as a forger with a
    mail client or a script would change it (the part re-encoded as the email package
    likes)."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    for subtype, part in _text_parts(message).items():
        if subtype in parts:
            content = part.get_content()
            assert old in content
            part.set_content(content.replace(old, new), subtype=subtype)
    return message.as_bytes()


def reencoded(raw: bytes, cte: str) -> bytes:
    """The same mail as a mail client may save it: each text part in another transfer
    encoding, LF line endings, headers folded again."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    for subtype, part in _text_parts(message).items():
        part.set_content(part.get_content(), subtype=subtype, cte=cte)
    saved = message.as_bytes(policy=policy.default.clone(linesep="\n"))
    return saved.replace(b"X-Agreement-Digest: ", b"X-Agreement-Digest:\n\t", 1)  # refolded
