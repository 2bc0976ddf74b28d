"""The DKIM check of ``verify``: a key from DNS, DNS out of reach, a key nobody published."""

from __future__ import annotations

import dns.exception
import pytest

from bot.mail.signing import dkim_signer
from bot.verify.dkim_check import check_dkim
from bot.verify.verdict import NOT_CHECKED, PASSED, Verdict
from tests.support.dkim_keys import DkimKeys, make_keys

MAIL = (
    b"From: Agreements <bot@agreements.test>\r\nTo: ann@example.com\r\n"
    b"Subject: Agreement #1\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\n"
    b"Message-ID: <1@agreements.test>\r\n\r\nPrice 150 000\r\n"
)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> DkimKeys:
    return make_keys(tmp_path_factory.mktemp("dkim"))


def signed(keys: DkimKeys, domain: str = "agreements.test", mail: bytes = MAIL) -> bytes:
    return dkim_signer(domain, "mail", keys.private).sign(mail)


def checked(raw: bytes, lookup, mail_from_domain: str | None = "agreements.test") -> str:  # type: ignore[no-untyped-def]
    verdict = Verdict()
    check_dkim(
        raw, verdict, None, use_dns=True, dns_lookup=lookup, mail_from_domain=mail_from_domain
    )
    [line] = verdict.lines
    return str(line)


def test_a_key_published_in_dns_checks_the_signature(keys: DkimKeys) -> None:
    line = checked(signed(keys), keys.dns("agreements.test", "mail"))
    assert line.startswith(PASSED) and "the key published in DNS" in line


def test_without_mail_from_or_dkim_settings_a_signature_that_holds_is_not_checked(
    keys: DkimKeys,
) -> None:
    # Anyone can publish a key for a domain of their own: it says nothing of who sent it.
    mail = MAIL.replace(b"bot@agreements.test", b"bot@forger.test")  # From the forger's domain
    line = checked(signed(keys, "forger.test", mail), keys.dns("forger.test", "mail"), None)
    assert line.startswith(NOT_CHECKED) and "signed by forger.test" in line
    assert "set MAIL_FROM or DKIM_*" in line


def test_dns_out_of_reach_leaves_the_signature_not_checked(keys: DkimKeys) -> None:
    def unreachable(name: bytes, timeout: int = 5) -> bytes:
        raise dns.exception.Timeout()

    line = checked(signed(keys), unreachable)
    assert line.startswith(NOT_CHECKED) and "DNS could not be reached" in line


def test_a_key_nobody_published_leaves_it_not_checked(keys: DkimKeys) -> None:
    line = checked(signed(keys), lambda name, timeout=5: None)
    assert line.startswith(NOT_CHECKED) and "no key is published" in line


def test_a_signature_by_another_domain_than_the_senders_is_invalid(keys: DkimKeys) -> None:
    line = checked(signed(keys, "forger.test"), keys.dns("forger.test", "mail"))
    assert line.startswith("INVALID") and "forger.test, not by MAIL_FROM's domain" in line


def test_a_changed_body_is_invalid(keys: DkimKeys) -> None:
    raw = signed(keys).replace(b"150 000", b"950 000")
    line = checked(raw, keys.dns("agreements.test", "mail"))
    assert line.startswith("INVALID ") and "does not hold" in line
