"""DKIM: signed mails verify against the public key; a changed mail does not."""

from __future__ import annotations

import email
from pathlib import Path

import dkim
import pytest

from bot.mail.signing import SIGNED_HEADERS, dkim_signer
from mailer import DkimSigner
from tests.support.dkim_keys import DkimKeys, make_keys

RAW = (
    b"From: Agreements <bot@agreements.test>\r\nTo: ann@example.com\r\n"
    b"Subject: Agreement #1\r\nMessage-ID: <x@agreements.test>\r\n"
    b"Date: Sun, 29 Nov 2026 09:00:00 +0000\r\nX-Agreement-Digest: abc\r\n\r\nPrice 150 000\r\n"
)


def signed_header_names(signed: bytes) -> list[str]:
    """The h= tag of the mail's DKIM-Signature."""
    message = email.message_from_bytes(signed)
    tags = dict(
        tag.strip().split("=", 1)
        for tag in str(message["DKIM-Signature"]).split(";")
        if tag.strip()
    )
    return [name.strip() for name in "".join(tags["h"].split()).split(":")]


MAILER = Path(__file__).resolve().parent.parent / "mailer"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> DkimKeys:
    return make_keys(tmp_path_factory.mktemp("dkim"))


def test_a_signed_mail_verifies_and_a_changed_one_does_not(keys: DkimKeys) -> None:
    signed = dkim_signer("agreements.test", "mail", keys.private).sign(RAW)
    dns = keys.dns("agreements.test", "mail")
    assert signed.startswith(b"DKIM-Signature:")
    assert dkim.verify(signed, dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"Price 150 000", b"Price 120 000"), dnsfunc=dns)
    assert not dkim.verify(
        signed.replace(b"X-Agreement-Digest: abc", b"X-Agreement-Digest: abd"), dnsfunc=dns
    )


def test_the_mailer_signs_the_headers_it_is_given_and_no_others(keys: DkimKeys) -> None:
    signer = DkimSigner("agreements.test", "mail", keys.private, (b"from", b"subject"))
    signed = signer.sign(RAW)
    dns = keys.dns("agreements.test", "mail")
    assert signed_header_names(signed) == ["from", "subject"]
    # A header left out may change; a header given may not.
    assert dkim.verify(signed.replace(b"Digest: abc", b"Digest: abd"), dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"Agreement #1", b"Agreement #2"), dnsfunc=dns)


def test_the_bot_signs_the_same_headers_as_before() -> None:
    # Every stored signature was made over this list; the e2e verify checks them.
    assert SIGNED_HEADERS == (
        b"from",
        b"to",
        b"subject",
        b"date",
        b"message-id",
        b"in-reply-to",
        b"references",
        b"auto-submitted",
        b"x-agreement-digest",
        b"content-type",
        b"mime-version",
        b"list-unsubscribe",
        b"list-unsubscribe-post",
    )


def test_the_mailer_names_no_header_of_this_product() -> None:
    for source in MAILER.glob("*.py"):
        assert "agreement-digest" not in source.read_text().lower(), source.name
