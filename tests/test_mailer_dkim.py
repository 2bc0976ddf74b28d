"""DKIM: signed mails verify against the public key; a changed mail does not."""

from __future__ import annotations

import dkim
import pytest

from mailer import DkimSigner
from tests.support.dkim_keys import DkimKeys, make_keys

RAW = (
    b"From: Agreements <bot@agreements.test>\r\nTo: ann@example.com\r\n"
    b"Subject: Agreement #1\r\nMessage-ID: <x@agreements.test>\r\n"
    b"Date: Sun, 29 Nov 2026 09:00:00 +0000\r\nX-Agreement-Digest: abc\r\n\r\nPrice 150 000\r\n"
)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> DkimKeys:
    return make_keys(tmp_path_factory.mktemp("dkim"))


def test_a_signed_mail_verifies_and_a_changed_one_does_not(keys: DkimKeys) -> None:
    signed = DkimSigner("agreements.test", "mail", keys.private).sign(RAW)
    dns = keys.dns("agreements.test", "mail")
    assert signed.startswith(b"DKIM-Signature:")
    assert dkim.verify(signed, dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"Price 150 000", b"Price 120 000"), dnsfunc=dns)
    assert not dkim.verify(
        signed.replace(b"X-Agreement-Digest: abc", b"X-Agreement-Digest: abd"), dnsfunc=dns
    )
