"""How an agreement and its amendments are numbered where people read them: agreement #3,
its amendments #3.1, #3.2. The texts around a label (in chats, mails and templates) put the
"#" themselves, since translations place it."""

from __future__ import annotations


def label(number: int, amendment: int | None = None) -> str:
    """ "3" for agreement #3, "3.1" for its first amendment. The label an amendment's
    record carries as its ``number``, and the one its file name ends with."""
    return str(number) if amendment is None else f"{number}.{amendment}"


def record_name(number: int, amendment: int | None = None) -> str:
    """ "agreement #3" or "amendment #3.1": how the chain and verify name a record."""
    kind = "agreement" if amendment is None else "amendment"
    return f"{kind} #{label(number, amendment)}"


def confirmation_name(number: int, confirmation_id: int) -> str:
    """ "email confirmation 12 of agreement #3": how the chain and verify name a
    confirmation by email (its id tells two of one agreement apart; no address)."""
    return f"email confirmation {confirmation_id} of agreement #{label(number)}"
