"""Message-IDs under the sender's own domain."""

import re
import secrets
from email.utils import parseaddr

# RFC 5322 msg-id in its common dot-atom form; strict on purpose: it goes into headers.
_MSG_ID = re.compile(r"<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+>")


def make_message_id(mail_from: str, *, prefix: str = "agr") -> str:
    """A unique Message-ID such as "<agr.3f1c...@example.com>" for MAIL_FROM's domain.

    `mail_from` may carry a display name ("Agreements <bot@example.com>")."""
    _, address = parseaddr(mail_from)
    domain = address.rpartition("@")[2].strip().rstrip(".")
    if "@" not in address or not domain:
        raise ValueError(f"no domain in the sender address {mail_from!r}")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValueError(f"invalid sender domain {domain!r}") from exc
    message_id = f"<{prefix}.{secrets.token_hex(16)}@{domain}>"
    if not is_message_id(message_id):
        raise ValueError(f"cannot build a Message-ID from {mail_from!r} and {prefix!r}")
    return message_id


def is_message_id(value: str) -> bool:
    return _MSG_ID.fullmatch(value) is not None
