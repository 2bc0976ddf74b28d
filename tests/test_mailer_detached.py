"""A mail stored without its file's bytes comes back byte for byte, DKIM signature intact."""

from __future__ import annotations

import email
import email.policy
import os
from datetime import UTC, datetime
from pathlib import Path

import dkim
import pytest

from bot.mail.signing import dkim_signer
from mailer import Attachment, MailRenderer
from mailer.detached import detach, reattach
from tests.support.dkim_keys import make_keys
from tests.support.mail_spec import MailSpec, compose

PROJECT = Path(__file__).resolve().parent.parent
RENDERER = MailRenderer(PROJECT / "templates", PROJECT / "locales")


def composed(files: list[bytes]) -> bytes:
    spec = MailSpec(
        kind="verification_code",
        to="ann@example.com",
        language="en",
        context={
            "code": "123456",
            "address": "ann@example.com",
            "valid_minutes": 15,
            "recipient_name": "Ann",
        },
        message_id="<m1@agreements.test>",
        attachments=[
            Attachment(f"file{n}.bin", content, "application/octet-stream")
            for n, content in enumerate(files)
        ],
    )
    return compose(spec, "Agreements <bot@agreements.test>", RENDERER, datetime.now(UTC))


@pytest.mark.parametrize("size", [1, 57, 76, 1000, 3 * 1024 * 1024 + 1])
def test_a_detached_file_goes_back_exactly_where_it_was(size: int, tmp_path: Path) -> None:
    content = os.urandom(size)
    keys = make_keys(tmp_path)
    raw = dkim_signer("agreements.test", "mail", keys.private).sign(
        composed([b'{"record": 1}', content])
    )
    detached = detach(raw, content)
    if size < 57:  # a line or less: its base64 may be found elsewhere; kept whole then
        assert detached is None or reattach(detached.raw, detached.at, content) == raw
        return
    assert detached is not None
    assert len(detached.raw) < len(raw) - size
    whole = reattach(detached.raw, detached.at, content)
    assert whole == raw
    assert dkim.verify(whole, dnsfunc=keys.dns("agreements.test", "mail"))
    parsed = email.message_from_bytes(whole, policy=email.policy.default)
    [_record, part] = parsed.iter_attachments()  # type: ignore[attr-defined]
    assert part.get_payload(decode=True) == content


def test_a_payload_found_twice_is_not_detached() -> None:
    content = os.urandom(300)
    assert detach(composed([content, content]), content) is None
