"""List-Unsubscribe (RFC 2369, RFC 8058) and the footer's personal link: set through the
email package, signed by DKIM, and the body still rendered once for every recipient."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import dkim
import pytest

from bot.mail.signing import dkim_signer
from mailer import Attachment, address_body, compose_body, make_message_id
from tests.support.agreement_context import RECORD, agreement_context
from tests.support.dkim_keys import DkimKeys, make_keys
from tests.support.mail_spec import renderer

MAIL_FROM = "Agreements <bot@agreements.test>"
NOW = datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
LINK = "https://agreements.test/u/SealedTokenFor_ann-0123456789"
MAILTO = "mailto:unsubscribe@agreements.test?subject=unsubscribe%20SealedTokenFor_ann"
RECORD_FILE = Attachment("agreement--1001234-7.json", RECORD, "application/json")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> DkimKeys:
    return make_keys(tmp_path_factory.mktemp("dkim"))


def parsed(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def addressed(body: object, **extra: object) -> bytes:
    return address_body(
        body,  # type: ignore[arg-type]
        MAIL_FROM,
        to="ann@example.com",
        message_id="<fixed.0123@agreements.test>",
        now=NOW,
        **extra,  # type: ignore[arg-type]
    )


def without_boundaries(raw: bytes) -> bytes:
    """Boundaries are random per body: numbered in order of appearance instead."""
    seen: dict[bytes, bytes] = {}
    return re.sub(
        rb"=_[0-9a-f]{32}", lambda m: seen.setdefault(m.group(), b"B%d" % len(seen)), raw
    )


@pytest.mark.parametrize("attachments", [(), (RECORD_FILE,)], ids=["alone", "with-record"])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_personal_link_gives_the_bytes_a_body_rendered_with_it_would(
    attachments: tuple[Attachment, ...], language: str
) -> None:
    context = agreement_context()
    shared = compose_body(
        renderer(), "agreement", language, context, attachments, personal=("unsubscribe_url",)
    )
    inline = compose_body(
        renderer(), "agreement", language, context | {"unsubscribe_url": LINK}, attachments
    )
    with_link = addressed(shared, personal={"unsubscribe_url": LINK})
    assert without_boundaries(with_link) == without_boundaries(addressed(inline))
    message = parsed(with_link)
    assert LINK in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f'<a href="{LINK}"' in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    # Another recipient's mail from the same body holds their link, not this one's.
    other = addressed(shared, personal={"unsubscribe_url": LINK + "-bob"})
    assert (LINK + "-bob").encode() in other or b"bob" in parsed(other).as_bytes()


def test_the_html_gets_the_value_escaped() -> None:
    shared = compose_body(
        renderer(), "agreement", "en", agreement_context(), personal=("unsubscribe_url",)
    )
    html = parsed(addressed(shared, personal={"unsubscribe_url": 'https://x.test/u/a"b<c'}))
    assert 'href="https://x.test/u/a&#34;b&lt;c"' in html.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_a_body_wants_exactly_its_personal_values() -> None:
    shared = compose_body(
        renderer(), "agreement", "en", agreement_context(), personal=("unsubscribe_url",)
    )
    with pytest.raises(ValueError, match="missing"):
        addressed(shared, personal={})
    with pytest.raises(ValueError, match="unknown"):
        addressed(shared, personal={"unsubscribe_url": LINK, "other": "x"})
    plain = compose_body(renderer(), "agreement", "en", agreement_context())
    with pytest.raises(ValueError):
        addressed(plain, personal={"unsubscribe_url": LINK})


def test_without_a_link_the_footer_names_the_bot_command() -> None:
    body = compose_body(renderer(), "agreement", "ru", agreement_context(unsubscribe_url=None))
    message = parsed(addressed(body))
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "отправьте /unsubscribe боту в личном чате" in text
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None


def test_the_headers_name_both_ways_out_and_the_one_click_post() -> None:
    body = compose_body(renderer(), "agreement", "en", agreement_context())
    message = parsed(addressed(body, unsubscribe=[LINK, MAILTO]))
    assert " ".join(str(message["List-Unsubscribe"]).split()) == f"<{LINK}>, <{MAILTO}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Mail only: no one-click, which RFC 8058 defines for an https URI.
    mail_only = parsed(addressed(body, unsubscribe=[MAILTO]))
    assert mail_only["List-Unsubscribe"] == f"<{MAILTO}>"
    assert mail_only["List-Unsubscribe-Post"] is None


@pytest.mark.parametrize(
    "uri",
    ["javascript:alert(1)", "https://x.test/u/a b", "https://x.test/u/a>, <https://evil", ""],
)
def test_a_uri_that_could_break_the_header_is_refused(uri: str) -> None:
    body = compose_body(renderer(), "agreement", "en", agreement_context())
    with pytest.raises(ValueError, match="List-Unsubscribe"):
        addressed(body, unsubscribe=[uri])


def test_extra_headers_cannot_set_them() -> None:
    body = compose_body(renderer(), "agreement", "en", agreement_context())
    with pytest.raises(ValueError, match="not allowed"):
        addressed(body, extra_headers={"List-Unsubscribe": f"<{LINK}>"})


def test_the_signature_covers_both_headers(keys: DkimKeys) -> None:
    body = compose_body(renderer(), "agreement", "en", agreement_context())
    raw = address_body(
        body,
        MAIL_FROM,
        to="ann@example.com",
        message_id=make_message_id(MAIL_FROM),
        unsubscribe=[LINK, MAILTO],
    )
    signed = dkim_signer("agreements.test", "mail", keys.private).sign(raw)
    dns = keys.dns("agreements.test", "mail")
    assert dkim.verify(signed, dnsfunc=dns)
    assert not dkim.verify(
        signed.replace(b"SealedTokenFor_ann", b"SealedTokenFor_bob"), dnsfunc=dns
    )
    assert not dkim.verify(signed.replace(b"=One-Click", b"=Two-Click"), dnsfunc=dns)
