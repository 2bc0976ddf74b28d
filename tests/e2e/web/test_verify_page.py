"""The public verify page, /verify: a client drops the mail they got (or its record with the
timestamp) and reads each check, VALID, INVALID or NOT CHECKED, in their language."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from html import unescape
from io import BytesIO

import aiohttp
import pytest

from bot.web import verify_page
from bot.web.verify_page import MAX_UPLOAD_BYTES
from tests.botapi import BotAPIServer
from tests.support.forgery import tampered
from tests.support.mailbox import Mailbox
from tests.support.mails import header_digest, is_agreement, is_amendment, record_bytes
from tests.support.site import Site, agreed, serving
from tests.support.stories import agreed_between
from tests.support.tsa import LocalTsa

OFFER_PDF = b"%PDF-1.4\n% stage 1 offer: 150 000 EUR\n" + bytes(range(256)) * 8
STAMP = "application/timestamp-reply"


async def checked(
    site: Site, *files: tuple[str, bytes], language: str = "en", status: int = 200
) -> str:
    """The answer to the form posted with these files, as a browser posts it."""
    form = aiohttp.FormData()
    for index, (name, content) in enumerate(files):
        # A file object, as aiohttp wants for large bodies.
        form.add_field("evidence" if index == 0 else "stamp", BytesIO(content), filename=name)
    async with site.http.post(
        "/verify", data=form, headers={"Accept-Language": language}
    ) as answer:
        html = await answer.text()
        assert answer.status == status, html
        assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
        return html


def lines_of(html: str) -> list[str]:
    """Each check's line as the page shows it: its status word, name and detail."""
    items = re.findall(r'<li class="check check-\w+">(.*?)</li>', html, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]


def part_of(message: EmailMessage, content_type: str) -> EmailMessage:
    return next(p for p in message.walk() if p.get_content_type() == content_type)


async def test_a_genuine_mail_is_valid_and_one_whose_text_was_changed_is_not(
    site: Site,
) -> None:
    story = await agreed(site)
    [mail] = await site.harness.mailbox.wait_for(to="ann@example.com", where=is_agreement)

    html = await checked(site, ("agreement.eml", mail.raw))
    assert "<h2>VALID</h2>" in html
    lines = lines_of(html)
    stored = f"VALID store: the stored record with digest {story.digest} has exactly these bytes"
    assert stored in lines, lines
    assert any(line.startswith("VALID text part: shows exactly") for line in lines), lines
    assert f'href="/r/{story.digest}"' in html  # on to the record's page
    assert "What is kept: nothing" in html

    forged = tampered(mail.raw, "150 000", "950 000", parts=("plain", "html"))
    html = await checked(site, ("agreement.eml", forged))
    assert "<h2>INVALID</h2>" in html and "2 checks failed" in html
    lines = lines_of(html)
    assert any(line.startswith("INVALID text part:") and "950 000" in line for line in lines)
    assert any(line.startswith("INVALID HTML part:") and "950 000" in line for line in lines)
    assert stored in lines  # the record itself still holds


async def test_each_line_is_in_the_readers_language(site: Site) -> None:
    await agreed(site)
    [mail] = await site.harness.mailbox.wait_for(to="ben@example.com", where=is_agreement)
    forged = tampered(mail.raw, "150 000", "950 000", parts=("plain",))

    html = await checked(site, ("ben-agreement.eml", forged), language="ru")
    assert "<h2>НЕВЕРНО</h2>" in html and "1 проверка не пройдена" in html
    lines = lines_of(html)
    [text_part] = [line for line in lines if line.startswith("НЕВЕРНО текстовая часть:")]
    assert "показывает «" in text_part and "950 000" in text_part
    assert any(line.startswith("ВЕРНО хранилище бота: запись") for line in lines), lines
    assert "НЕ ПРОВЕРЕНО подпись DKIM: в письме её нет" in lines, lines
    assert "ben-agreement.eml" in html  # the reader sees which file this was
    for english in ("VALID", "the stored record", "text part", "NOT CHECKED"):
        assert english not in html, english


async def test_a_mail_whose_attached_file_was_changed_is_invalid(site: Site) -> None:
    harness = site.harness
    ann, ben = harness.world.user("Ann"), harness.world.user("Ben")
    group = harness.world.group("Team")
    await harness.register(ann, "ann@example.com")
    offer = ben.sends_document(group, OFFER_PDF, file_name="offer.pdf", caption="Price 150 000")
    ann.says(group, "/agree", reply_to=offer)
    [mail] = await harness.mailbox.wait_for(to="ann@example.com", where=is_agreement)
    assert "<h2>VALID</h2>" in await checked(site, ("mail.eml", mail.raw))

    message = message_from_bytes(mail.raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    pdf = part_of(message, "application/pdf")
    pdf.set_content(
        OFFER_PDF.replace(b"150 000", b"950 000"),
        maintype="application",
        subtype="pdf",
        disposition="attachment",
        filename=pdf.get_filename(),
    )
    html = await checked(site, ("mail.eml", message.as_bytes()))
    assert "<h2>INVALID</h2>" in html
    [line] = [line for line in lines_of(html) if line.startswith("INVALID attachments:")]
    assert "has SHA-256" in line and "not the record's" in line


@pytest.fixture
async def stamped_site(
    api: BotAPIServer, mailbox: Mailbox, database_url: str, tsa: LocalTsa
) -> AsyncIterator[Site]:
    async with serving(
        api, mailbox, database_url, tsa_url=tsa.url, tsa_ca_file=tsa.ca_certificate_path
    ) as running:
        yield running


async def test_a_record_with_its_timestamp_is_checked_against_both(stamped_site: Site) -> None:
    site = stamped_site
    alice, bob, group, offer, _card = await agreed_between(site.harness)
    bob.edits(offer, "We agreed on 120 000 for stage 1")
    alert = await site.harness.world.bot_reply(group)
    alice.presses(alert, "✅ Accept new version")
    bob.presses(alert, "✅ Accept new version")
    [amended] = await site.harness.mailbox.wait_for(to="alice@example.com", where=is_amendment)
    [mail] = [m for m in site.harness.mailbox.to("alice@example.com") if is_agreement(m.message)]
    record, token = record_bytes(mail.message), stamp_of(mail.message)

    html = await checked(site, ("agreement.tsr", token), ("agreement.json", record))
    assert "<h2>VALID</h2>" in html
    lines = lines_of(html)
    assert any(
        line.startswith("VALID timestamp: dated")
        and "whose certificate TSA_CA_FILE trusts" in line
        for line in lines
    ), lines
    digest = header_digest(mail.message)
    assert any(line.startswith("VALID store:") and digest in line for line in lines), lines
    assert "checked against its timestamp and the store" in html

    # The amendment's token beside the agreement's record dates another record.
    html = await checked(
        site, ("agreement.json", record), ("amended.tsr", stamp_of(amended.message))
    )
    assert "<h2>INVALID</h2>" in html
    assert "INVALID timestamp: the timestamp covers a different record" in lines_of(html)

    html = await checked(site, ("agreement.tsr", token), status=422)
    assert "A timestamp (.tsr) is checked together with its record (.json)" in html
    html = await checked(site, ("mail.eml", mail.raw), ("agreement.tsr", token), status=422)
    assert "An email carries its own record and timestamp" in html
    html = await checked(site, ("mail.eml", mail.raw), ("amended.eml", amended.raw), status=422)
    assert "Choose one email, or one record with its timestamp." in html


def stamp_of(message: EmailMessage) -> bytes:
    [token] = [
        part.get_payload(decode=True)
        for part in message.iter_attachments()
        if part.get_content_type() == STAMP
    ]
    return token


async def test_what_is_no_mail_or_record_gets_a_plain_answer(site: Site) -> None:
    for name, content in (
        ("offer.pdf", OFFER_PDF),
        ("notes.txt", "Цена 150 000\nСрок 15 декабря\n".encode()),
        ("data.json", b'{"price": 150000}'),
        ("empty-looking.eml", b"\x00\x01\x02" * 100),
    ):
        html = await checked(site, (name, content), status=422)
        assert "is neither an email saved from a mail program (.eml) nor a record" in html, name
        assert "<h2>VALID</h2>" not in html and '<li class="check' not in html
    html = await checked(site, ("notes.txt", b"hello"), language="ru", status=422)
    assert "Это не письмо, сохранённое из почтовой программы" in html

    async with site.http.post("/verify", data={"evidence": "not a file"}) as answer:
        assert answer.status == 400
        assert "Choose a file first." in await answer.text()


async def test_a_file_over_the_limit_is_refused_with_a_clear_answer(site: Site) -> None:
    too_big = b"From: someone\r\n\r\n" + b"x" * MAX_UPLOAD_BYTES
    html = await checked(site, ("huge.eml", too_big), status=413)
    assert "The file is too large: this page checks up to 32 MB." in html

    # Sent without a length (chunked): counted as it comes, and cut off at the limit.
    boundary = "verify-test-boundary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="evidence"; filename="huge.eml"\r\n'
        "Content-Type: message/rfc822\r\n\r\n"
    ).encode()

    async def chunks() -> AsyncIterator[bytes]:
        yield head
        for start in range(0, len(too_big), 1 << 20):
            yield too_big[start : start + (1 << 20)]
        yield f"\r\n--{boundary}--\r\n".encode()

    async with site.http.post(
        "/verify",
        data=chunks(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    ) as answer:
        assert "Content-Length" not in answer.request_info.headers
        assert answer.status == 413
        assert "The file is too large" in await answer.text()


async def test_checks_are_limited_per_client(site: Site) -> None:
    for _ in range(10):
        await checked(site, ("x.txt", b"hello"), status=422)
    async with site.http.get("/verify") as page:
        assert page.status == 200  # the page itself is not counted
    html = await checked(site, ("x.txt", b"hello"), status=429)
    assert "Too many checks from your address" in html


async def test_nothing_of_an_upload_is_logged(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    await agreed(site)
    [mail] = await site.harness.mailbox.wait_for(to="ann@example.com", where=is_agreement)
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    await checked(site, ("secret-name-4711.eml", mail.raw))
    await checked(site, ("secret-name-4712.txt", b"secret words 4713"), status=422)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("secret-name-47", "secret words", "150 000", "ann@example.com", "Kitchen"):
        assert secret not in logged, secret


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"--x\r\n\r\nno boundary given"),
        ("multipart/form-data; boundary=x", b"no boundary in the body at all"),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="evidence"; filename="a.eml"\r\n'
            b"\r\nFrom: a",
        ),
        ("multipart/form-data; boundary=" + "x" * 80, b"--" + b"x" * 80 + b"\r\n"),
        ("application/json", b'{"format": "agreement-record/1"}'),
    ],
    ids=["no-boundary", "boundary-missing", "cut-off", "boundary-too-long", "not-a-form"],
)
async def test_a_broken_form_gets_a_plain_answer(
    site: Site, content_type: str, body: bytes
) -> None:
    async with site.http.post(
        "/verify", data=body, headers={"Content-Type": content_type, "Accept-Language": "ru"}
    ) as answer:
        assert answer.status == 400
        assert "Сначала выберите файл." in await answer.text()


async def test_the_mail_links_its_record_page_and_a_forged_link_is_caught(site: Site) -> None:
    story = await agreed(site)
    [mail] = await site.harness.mailbox.wait_for(to="ann@example.com", where=is_agreement)
    page = f"{site.base_url}/r/{story.digest}"
    text = part_of(mail.message, "text/plain").get_content()
    html_part = part_of(mail.message, "text/html").get_content()
    assert page in text and f'href="{page}"' in html_part
    lines = lines_of(await checked(site, ("agreement.eml", mail.raw)))
    assert "VALID record page: the link to the record's page names this record" in lines

    other = "0" * 64  # a page that would vouch for something else
    forged = tampered(mail.raw, story.digest + '"', other + '"', parts=("html",))
    forged = tampered(forged, f"/r/{story.digest}", f"/r/{other}", parts=("plain",))
    html = await checked(site, ("agreement.eml", forged))
    assert "<h2>INVALID</h2>" in html
    assert f"INVALID record page: links the page of another record, {other}" in lines_of(html)


async def test_an_upload_that_stalls_is_cut_off_and_frees_its_share(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sender who says 10 MB and sends a little at a time would hold the upload memory."""
    monkeypatch.setattr(verify_page, "UPLOAD_SECONDS", 0.5)
    host, port = site.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    head = (
        "POST /verify HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {10 * 1024 * 1024}\r\n\r\n"
        '--b\r\nContent-Disposition: form-data; name="evidence"; filename="a.eml"\r\n\r\n'
    )
    writer.write(head.encode() + b"From: x\r\n")  # and then nothing more
    await writer.drain()
    head_back = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    length = int(re.search(rb"(?i)content-length: (\d+)", head_back)[1])  # type: ignore[index]
    body = await asyncio.wait_for(reader.readexactly(length), timeout=10)
    writer.close()
    assert head_back.startswith(b"HTTP/1.1 408 ")
    assert "The upload took too long and was cut off." in body.decode()
    # Its memory is free again: a genuine mail is checked at once.
    story = await agreed(site)
    [mail] = await site.harness.mailbox.wait_for(to="ann@example.com", where=is_agreement)
    assert "<h2>VALID</h2>" in await checked(site, ("agreement.eml", mail.raw))
    assert story.digest in mail.message["X-Agreement-Digest"]
