"""The one spelling of an address that tables key on."""

from __future__ import annotations

import pytest

from bot.core.addresses import InvalidAddress, normalize_address


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
