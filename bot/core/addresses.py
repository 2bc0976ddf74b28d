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


def masked(address: str) -> str:
    """How chats, pages and answers show an address they must not spell out:
    ``client@example.com`` -> ``c…@example.com`` (enough for the person who typed it)."""
    local, at, domain = address.rpartition("@")
    if not at:
        return address[:1] + "…"
    return f"{local[:1]}…@{domain}"


def address_and_rest(args: str | None) -> tuple[str | None, str | None]:
    """A command's arguments split into an address the sender meant to give (its first word,
    when it has an @ after at least one character, so that ``@username`` stays text) and
    the rest. The address is not checked here: a typo is still something to keep private."""
    first, _, rest = (args or "").strip().partition(" ")
    if "@" not in first[1:]:
        return None, args
    return first, rest.strip() or None


# Providers known to deliver "first.last" and "firstlast" to one mailbox.
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(address: str) -> str:
    """The mailbox an address reaches, as far as refusals go: without a ``+tag`` and, at
    Gmail, without dots. "Don't write to me again" must hold for ``client+1@`` too, or
    it is one new variant away from nothing."""
    local, _, domain = address.lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), _DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"
