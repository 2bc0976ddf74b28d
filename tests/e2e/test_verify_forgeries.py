"""``python -m bot verify`` against forgeries made from the bot's real mails: a signature
missing or by another domain, HTML that shows another text than the one verify reads,
a MIME tree the bot never writes, a second frame in the text part, malformed input.
Each of these came out VALID, or raised, in a security review."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import dkim
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.evidence.records import digest_of
from tests.botapi import BotAPIServer
from tests.support.dkim_keys import make_keys
from tests.support.harness import Harness
from tests.support.mailbox import Mailbox
from tests.support.stories import received_agreement, signed_agreement
from tests.support.verify_command import dkim_line, says, verify_bytes, verify_saved

OFFER_PDF = b"%PDF-1.4\n% stage 1 offer: 150 000 EUR\n" + bytes(range(256)) * 8
# The agreed-text box: marked by an id now, the first pre-wrap div before.
BOX = re.compile(r'<div dir="auto" (?:id="agreed-text" )?style="[^"]*pre-wrap[^"]*">')


async def verified(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """``verify`` of the mail, with no DNS lookups (the forger's domains have no records)."""
    return await verify_bytes(content, tmp_path, capsys, "--no-dns")


def parsed(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def part_of(message: EmailMessage, content_type: str) -> EmailMessage:
    return next(p for p in message.walk() if p.get_content_type() == content_type)


def with_html(raw: bytes, change: Callable[[str], str]) -> bytes:
    message = parsed(raw)
    part = part_of(message, "text/html")
    html = part.get_content()
    changed = change(html)
    assert changed != html
    part.set_content(changed, subtype="html")
    return message.as_bytes()


def box_span(html: str) -> tuple[int, int]:
    """Where the agreed-text box (its div, text and end tag) is in the HTML."""
    start = BOX.search(html)
    assert start is not None
    return start.start(), html.index("</div>", start.end()) + len("</div>")


def hidden_genuine_box(html: str) -> str:
    start, end = box_span(html)
    box = html[start:end]
    hidden = box.replace('style="', 'style="visibility:hidden;height:0;overflow:hidden;', 1)
    forged = '<div style="font-size:15px;white-space:pre-wrap">Price 950 000</div>'
    return html[:start] + hidden + forged + html[end:]


def box_hidden_by_class(html: str) -> str:
    start, end = box_span(html)
    box = html[start:end].replace("<div ", '<div class="x" ', 1)
    html = html[:start] + box + "<div>Price 950 000</div>" + html[end:]
    return html.replace("<body", "<style>.x{display:none}</style><body", 1)


def tab_in_display_none(html: str) -> str:
    start, end = box_span(html)
    decoy = '<div style="display:\tnone;white-space:pre-wrap">Price 150 000</div>'
    box = html[start:end].replace("150 000", "950 000")
    return html[:start] + decoy + box + html[end:]


def end_tag_of_another_element(html: str) -> str:
    # Hidden by a div that a stray </p> does not close, then a forged box that is shown.
    start, end = box_span(html)
    box = html[start:end]
    shown = box.replace("150 000", "950 000").replace(' id="agreed-text"', "")
    return html[:start] + '<div style="display:none"></p>' + box + "</div>" + shown + html[end:]


def unknown_void_tag(html: str) -> str:
    _, end = box_span(html)
    return html[:end] + "<embed><p>Correction: the price is 950 000</p>" + html[end:]


def second_box(html: str) -> str:
    start, end = box_span(html)
    box = html[start:end]
    return html[:end] + box.replace("150 000", "950 000") + html[end:]


def line_break_in_box(html: str) -> str:
    start, end = box_span(html)
    box = html[start:end].replace("Price 150 000", "Price<br>150 000")
    return html[:start] + box + html[end:]


def link_in_box(html: str) -> str:
    start, end = box_span(html)
    box = html[start:end].replace("150 000", '<a href="https://evil.test/">150 000</a>')
    return html[:start] + box + html[end:]


HTML_FORGERIES = {
    "visibility hidden": hidden_genuine_box,
    "style element": box_hidden_by_class,
    "display: tab none": tab_in_display_none,
    "stray end tag": end_tag_of_another_element,
    "embed": unknown_void_tag,
    "second box": second_box,
    "line break": line_break_in_box,
    "link": link_in_box,
}


async def test_html_that_shows_another_text_than_verify_reads_is_invalid(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)
    code, out = await verified(raw, tmp_path, capsys)
    assert code == 0 and out.startswith("VALID"), out
    passed = []
    for name, forge in HTML_FORGERIES.items():
        code, out = await verified(with_html(raw, forge), tmp_path, capsys)
        html_lines = [line for line in out.splitlines() if "HTML part" in line]
        if code != 1 or not any(line.startswith("INVALID") for line in html_lines):
            passed.append(f"{name}:\n{out}")
    assert not passed, "\n".join(passed)


async def test_the_html_part_names_markup_the_bot_never_writes(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)
    code, out = await verified(with_html(raw, box_hidden_by_class), tmp_path, capsys)
    assert code == 1 and "markup this bot never writes: <style>" in out, out


def third_alternative(message: EmailMessage) -> None:
    html = part_of(message, "text/html").get_content().replace("150 000", "950 000")
    forged = EmailMessage(policy=policy.default)
    forged.set_content(html, subtype="html")
    del forged["MIME-Version"]
    part_of(message, "multipart/alternative").get_payload().append(forged)


def inline_html(message: EmailMessage) -> None:
    inline = EmailMessage(policy=policy.default)
    inline.set_content("<p>Correction: the price is 950 000.</p>", subtype="html")
    inline["Content-Disposition"] = "inline"
    del inline["MIME-Version"]
    message.get_payload().insert(1, inline)


def swapped_file(message: EmailMessage) -> None:
    part_of(message, "application/pdf").set_content(
        b"%PDF-1.4 forged: 950 000",
        maintype="application",
        subtype="pdf",
        disposition="attachment",
        filename="offer.pdf",
    )


def extra_attachment(message: EmailMessage) -> None:
    message.add_attachment(
        b"%PDF-1.4 annex: 950 000", maintype="application", subtype="pdf", filename="annex.pdf"
    )


def alternatives_swapped(message: EmailMessage) -> None:
    alternative = part_of(message, "multipart/alternative").get_payload()
    alternative.reverse()


MIME_FORGERIES = {
    "a third alternative": third_alternative,
    "an inline HTML part": inline_html,
    "a swapped file": swapped_file,
    "an extra attachment": extra_attachment,
    "HTML before text": alternatives_swapped,
}


async def test_a_mime_tree_the_bot_never_writes_is_invalid(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness, file=OFFER_PDF)
    code, out = await verified(raw, tmp_path, capsys)
    assert code == 0 and out.startswith("VALID"), out
    assert says(out, "VALID", "offer.pdf"), out
    passed = []
    for name, forge in MIME_FORGERIES.items():
        message = parsed(raw)
        forge(message)
        code, out = await verified(message.as_bytes(), tmp_path, capsys)
        if code != 1 or not out.startswith("INVALID"):
            passed.append(f"{name}:\n{out}")
    assert not passed, "\n".join(passed)


async def test_a_second_frame_in_the_text_part_is_invalid(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    message = parsed(await received_agreement(harness))
    part = part_of(message, "text/plain")
    end = "===== End of the original message text =====\n"
    text = part.get_content().replace("\r\n", "\n")
    assert end in text
    part.set_content(
        text.replace(
            end,
            f"{end}\n===== Corrected message text =====\nPrice 950 000\n"
            "===== End of the corrected message text =====\n",
        )
    )
    code, out = await verified(message.as_bytes(), tmp_path, capsys)
    assert code == 1 and out.startswith("INVALID"), out
    assert says(out, "INVALID", "text part", "Corrected message text"), out


def with_record(raw: bytes, record: bytes) -> bytes:
    message = parsed(raw)
    part = part_of(message, "application/json")
    name = part.get_filename()
    part.set_content(
        record, maintype="application", subtype="json", disposition="attachment", filename=name
    )
    message.replace_header("X-Agreement-Digest", digest_of(record))
    return message.as_bytes()


async def test_malformed_mails_are_invalid_with_a_reason_not_a_traceback(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)
    record = json.loads(part_of(parsed(raw), "application/json").get_content())
    text = {"format": "agreement-record/1", "message": {"text": "x"}, "number": 1}
    records = {
        "no author": text,
        "author a string": text | {"author": "x"},
        "title a number": text | {"title": 5, "author": {"id": 1, "name": "a"}},
        "amendment without agreement": {**text, "format": "amendment-record/1", "number": "1.1"},
        "the real record, author without id": record | {"author": {"name": "Ben"}},
    }
    cases = {name: with_record(raw, json.dumps(doc).encode()) for name, doc in records.items()}
    cases["unknown charset"] = (
        parsed(raw)
        .as_bytes()
        .replace(b'text/plain; charset="utf-8"', b'text/plain; charset="x-nonexist"', 1)
    )
    cases["neither mail nor JSON"] = b"\xff\xfe garbage\r\n\r\n\x00"
    for name, content in cases.items():
        assert content != raw, name
        code, out = await verified(content, tmp_path, capsys)
        assert code == 1 and out.startswith("INVALID"), f"{name}:\n{out}"


async def test_verify_never_raises_on_arbitrary_or_mutated_mails(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)

    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.one_of(
            st.binary(max_size=400),
            st.tuples(
                st.integers(0, len(raw) - 1), st.integers(0, 64), st.binary(max_size=24)
            ).map(lambda cut: raw[: cut[0]] + cut[2] + raw[cut[0] + cut[1] :]),
        )
    )
    def never_raises(content: bytes) -> None:
        code, out = verify_saved(content, tmp_path, capsys, "--no-dns")
        assert code in (0, 1) and out.startswith(("VALID", "INVALID", "NOT VERIFIED")), out

    await asyncio.to_thread(never_raises)


# --- DKIM: who signed, not only whether the signature holds --------------------------


async def test_with_dkim_settings_a_mail_without_the_bots_signature_is_invalid(
    api: BotAPIServer,
    mailbox: Mailbox,
    database_url: str,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw, keys = await signed_agreement(api, mailbox, database_url, tmp_path)
    for name, value in keys.environment().items():
        verify_env.setenv(name, value)
    code, out = await verified(raw, tmp_path, capsys)
    assert code == 0 and out.startswith("VALID"), out

    unsigned = parsed(raw)
    del unsigned["DKIM-Signature"]
    code, out = await verified(unsigned.as_bytes(), tmp_path, capsys)
    assert code == 1 and out.startswith("INVALID"), out
    assert dkim_line(out).startswith("INVALID") and "agreements.test" in dkim_line(out), out

    # Signed, and the signature holds, but with the forger's key for the forger's domain.
    forged = forger_signed(unsigned, tmp_path)
    code, out = await verified(forged, tmp_path, capsys)
    assert code == 1 and out.startswith("INVALID"), out
    assert dkim_line(out).startswith("INVALID") and "evil.test" in dkim_line(out), out


def forger_signed(message: EmailMessage, tmp_path: Path) -> bytes:
    """Signed for evil.test, From an address there: a signature that holds, by a stranger."""
    folder = tmp_path / "forger"
    folder.mkdir(exist_ok=True)
    keys = make_keys(folder)
    message.replace_header("From", "Agreements <bot@evil.test>")
    body = message.as_bytes(policy=policy.SMTP)
    signature = dkim.sign(
        body, b"s", b"evil.test", keys.private, include_headers=[b"from", b"subject"]
    )
    assert dkim.verify(signature + body, dnsfunc=keys.dns("evil.test", "s"))
    return signature + body


async def test_with_mail_from_a_signature_by_another_domain_is_invalid(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    forged = forger_signed(parsed(await received_agreement(harness)), tmp_path)
    verify_env.setenv("MAIL_FROM", "Agreements <bot@agreements.test>")
    code, out = await verified(forged, tmp_path, capsys)
    assert code == 1 and out.startswith("INVALID"), out
    line = dkim_line(out)
    assert line.startswith("INVALID") and "evil.test" in line and "agreements.test" in line


async def test_without_signature_or_store_the_headline_says_authenticity_was_not_checked(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = await received_agreement(harness)
    verify_env.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    code, out = await verified(raw, tmp_path, capsys)
    headline = out.splitlines()[0]
    assert code == 1 and not headline.startswith("VALID"), out
    assert "NOT VERIFIED" in headline and "this bot" in headline, out


async def test_a_mail_sent_before_the_box_was_marked_is_read_by_its_first_box(
    harness: Harness,
    verify_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    unmarked = with_html(
        await received_agreement(harness), lambda html: html.replace(' id="agreed-text"', "")
    )
    code, out = await verified(unmarked, tmp_path, capsys)
    assert code == 0 and out.startswith("VALID"), out

    changed = with_html(unmarked, lambda html: html.replace("150 000", "950 000"))
    code, out = await verified(changed, tmp_path, capsys)
    assert code == 1 and says(out, "INVALID", "HTML part", "950 000"), out
