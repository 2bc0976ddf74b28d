"""The unsubscribe links' tokens: made only by the bot, naming the address unseen."""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from bot.mail.unsubscribe_links import UnsubscribeLinks, unsubscribe_key

KEY = unsubscribe_key("123:token")
LINKS = UnsubscribeLinks(KEY, "https://agreements.example", "unsubscribe@agreements.example")


def test_a_token_names_its_address_in_lower_case_and_hides_it() -> None:
    token = LINKS.token(" Ann.Lee@Example.COM ")
    assert LINKS.address_of(token) == "ann.lee@example.com"
    assert token == LINKS.token("ann.lee@example.com")  # one link per address
    assert b"ann" not in base64.urlsafe_b64decode(token + "==").lower()
    assert LINKS.address_of(LINKS.token("ben@example.com")) == "ben@example.com"


@given(st.binary(min_size=16, max_size=80))
def test_bytes_the_bot_did_not_seal_open_nothing(sealed: bytes) -> None:
    token = base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()
    assert LINKS.address_of(token) is None


def test_a_changed_cut_or_foreign_token_opens_nothing() -> None:
    token = LINKS.token("ann@example.com")
    sealed = bytearray(base64.urlsafe_b64decode(token + "=="))
    sealed[20] ^= 1
    changed = base64.urlsafe_b64encode(bytes(sealed)).rstrip(b"=").decode()
    other_bot = UnsubscribeLinks(unsubscribe_key("456:other"), None, None)
    for wrong in (changed, token[:-6], other_bot.token("ann@example.com"), "", "a" * 461, "a/b"):
        assert LINKS.address_of(wrong) is None, wrong


def test_the_ways_out_follow_the_settings() -> None:
    token = LINKS.token("ann@example.com")
    page = f"https://agreements.example/u/{token}"
    mail = f"mailto:unsubscribe@agreements.example?subject=unsubscribe%20{token}"
    assert LINKS.header("ann@example.com") == [page, mail]
    assert LINKS.footer("ann@example.com") == page
    by_mail = UnsubscribeLinks(KEY, None, "unsubscribe@agreements.example")
    assert (
        by_mail.header("ann@example.com") == [mail] and by_mail.footer("ann@example.com") == mail
    )
    neither = UnsubscribeLinks(KEY, None, None)
    assert not neither.linked and neither.header("ann@example.com") == []
