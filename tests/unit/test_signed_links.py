"""Links in mails that act without a sign-in: one purpose, one subject, an expiry, and
nothing a sender can change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.signed_links import BadLink, LinkSigner, link_key

NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
SIGNER = LinkSigner(link_key("123:TEST"))


def test_a_genuine_link_names_its_subject() -> None:
    token = SIGNER.sign("confirm", "42", NOW + timedelta(days=1))
    assert SIGNER.read(token, "confirm", NOW) == "42"


def test_a_link_for_one_purpose_does_nothing_else() -> None:
    token = SIGNER.sign("refuse", "42", NOW + timedelta(days=1))
    with pytest.raises(BadLink):
        SIGNER.read(token, "confirm", NOW)


def test_an_expired_link_says_so() -> None:
    token = SIGNER.sign("confirm", "42", NOW)
    with pytest.raises(BadLink) as refused:
        SIGNER.read(token, "confirm", NOW)
    assert refused.value.expired


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # another tag
        lambda t: t.replace(".", ""),  # no tag
        lambda t: "confirm|43|9999999999." + t.partition(".")[2],  # a subject of one's own
        lambda t: "ü" + t,  # not base64
        lambda t: "",
    ],
)
def test_a_changed_link_is_refused(damage) -> None:
    token = SIGNER.sign("confirm", "42", NOW + timedelta(days=1))
    with pytest.raises(BadLink) as refused:
        SIGNER.read(damage(token), "confirm", NOW)
    assert not refused.value.expired


def test_another_bot_token_signs_other_links() -> None:
    token = LinkSigner(link_key("999:OTHER")).sign("confirm", "42", NOW + timedelta(days=1))
    with pytest.raises(BadLink):
        SIGNER.read(token, "confirm", NOW)
