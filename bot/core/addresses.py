"""One spelling of an email address for every table that keys on one (invited parties,
refusals, unsubscribes, archives): the checked ASCII form, lower-cased, so that
"Client@Example.com" and "client@example.com" are one address everywhere."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


class InvalidAddress(ValueError):
    """Not an address the bot can send to; ``non_ascii`` when only its characters are."""

    def __init__(self, non_ascii: bool) -> None:
        super().__init__("non-ASCII address" if non_ascii else "invalid address")
        self.non_ascii = non_ascii


def normalize_address(raw: str) -> str:
    """The address as keys store it, or InvalidAddress. ASCII only: not every mail server
    on the way speaks SMTPUTF8 (as for /email)."""
    try:
        checked = validate_email(raw.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        local_part = raw.strip().rpartition("@")[0]
        raise InvalidAddress(non_ascii=bool(local_part) and not local_part.isascii()) from None
    return (checked.ascii_email or checked.normalized).lower()


def masked_address(address: str) -> str:
    """``client@example.com`` -> ``c…@example.com``: how chats and pages name an invited
    address, enough to tell two apart and no more."""
    local, at, domain = address.rpartition("@")
    return f"{local[:1]}…@{domain}" if at else address[:1] + "…"
