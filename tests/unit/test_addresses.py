"""The one spelling of an address that tables key on."""

from __future__ import annotations

import pytest

from bot.core.addresses import (
    InvalidAddress,
    address_and_rest,
    mailbox_key,
    masked,
    normalize_address,
)


def test_case_and_spaces_make_one_address() -> None:
    assert normalize_address("  Client@Example.COM ") == "client@example.com"


def test_a_non_address_is_refused() -> None:
    with pytest.raises(InvalidAddress) as refused:
        normalize_address("not an address")
    assert not refused.value.non_ascii


def test_a_non_ascii_local_part_is_named() -> None:
    with pytest.raises(InvalidAddress) as refused:
        normalize_address("клиент@example.com")
    assert refused.value.non_ascii


def test_an_address_is_masked_to_its_first_character_and_domain() -> None:
    assert masked("client@example.com") == "c…@example.com"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("client@example.com", ("client@example.com", None)),
        ("client@example.com  Stage 1: price", ("client@example.com", "Stage 1: price")),
        ("client@example", ("client@example", None)),  # a typo: still an address to hide
        ("@ann Stage 1", (None, "@ann Stage 1")),
        ("Stage 1 for ann@example.com", (None, "Stage 1 for ann@example.com")),
        (None, (None, None)),
    ],
)
def test_the_first_word_with_an_at_is_an_address(args, expected) -> None:
    assert address_and_rest(args) == expected


def test_a_mailbox_key_drops_tags_and_gmail_dots() -> None:
    assert mailbox_key("Client+crm@Example.com") == "client@example.com"
    assert mailbox_key("c.lient+x@googlemail.com") == "client@gmail.com"
    assert mailbox_key("c.lient@example.com") == "c.lient@example.com"  # dots matter elsewhere
