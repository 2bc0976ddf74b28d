"""compose() and the templates: MIME structure, headers, escaping, languages."""

import hashlib
import re
from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import UndefinedError

from mailer import Attachment, make_message_id
from tests.support.agreement_context import DIGEST, RECORD, agreement_context, person
from tests.support.mail_spec import MailSpec, compose, renderer

MAIL_FROM = "Agreements <bot@example.com>"
NOW = datetime(2026, 11, 29, 9, 41, 2, tzinfo=UTC)


def verification_context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "code": "042917",
        "address": "ivan@example.com",
        "valid_minutes": 15,
    }
    context.update(overrides)
    return context


def agreement_spec(language: str = "en", **overrides: Any) -> MailSpec:
    return MailSpec(
        kind="agreement",
        to="ivan@example.com",
        language=language,
        context=agreement_context(**overrides),
        message_id=make_message_id(MAIL_FROM),
        extra_headers={"X-Agreement-Digest": DIGEST},
        attachments=[Attachment("agreement--1001234-7.json", RECORD, "application/json")],
    )


def round_trip(raw: bytes) -> EmailMessage:
    """What a recipient sees: the serialized bytes parsed back."""
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    parsed = message_from_bytes(raw, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def body_parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    # base64 text parts decode with CRLF line ends; compare in LF.
    return plain.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")


def visible_text(html: str) -> str:
    """The HTML body as a reader sees it: no tags, no comments, no attribute values."""
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    html = re.sub(r"<(title)>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- structure ------------------------------------------------------------------------


def test_structure_with_attachment() -> None:
    message = round_trip(compose(agreement_spec(), MAIL_FROM, renderer(), now=NOW))
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html = alternative.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert plain.get_content_charset() == html.get_content_charset() == "utf-8"
    assert attachment.get_content_type() == "application/json"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "agreement--1001234-7.json"
    assert attachment["Content-Transfer-Encoding"] == "base64"


def test_structure_without_attachment() -> None:
    spec = MailSpec(
        kind="verification_code",
        to="ivan@example.com",
        language="en",
        context=verification_context(),
        message_id=make_message_id(MAIL_FROM, prefix="vrf"),
    )
    message = round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]


def test_attachment_bytes_survive_serialization() -> None:
    message = round_trip(compose(agreement_spec(), MAIL_FROM, renderer(), now=NOW))
    (attachment,) = list(message.iter_attachments())
    content = attachment.get_content()
    assert isinstance(content, bytes)
    assert hashlib.sha256(content).hexdigest() == DIGEST


# --- headers --------------------------------------------------------------------------


def test_headers() -> None:
    spec = agreement_spec()
    message = round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))
    assert message["From"] == MAIL_FROM
    assert message["From"].addresses[0].addr_spec == "bot@example.com"
    assert message["To"] == "ivan@example.com"
    assert message["Subject"] == "Agreement #7 · Procurement Q4 · Laptop delivery"
    assert message["Date"].datetime == NOW
    assert message["Message-ID"] == spec.message_id
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["MIME-Version"] == "1.0"
    assert message["Content-Language"] == "en"
    # The value is folded onto its own line (name + 64 hex > 78 chars), and Python's
    # parser keeps the fold's leading space: strip it as other readers do.
    assert message["X-Agreement-Digest"].strip() == DIGEST
    assert "In-Reply-To" not in message and "References" not in message


def test_date_defaults_to_now_and_keeps_offset() -> None:
    message = round_trip(compose(agreement_spec(), MAIL_FROM, renderer()))
    assert abs(message["Date"].datetime - datetime.now(UTC)) < timedelta(minutes=1)
    msk = datetime(2026, 11, 29, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    assert round_trip(compose(agreement_spec(), MAIL_FROM, renderer(), now=msk))["Date"].endswith(
        "+0300"
    )
    with pytest.raises(ValueError):
        compose(agreement_spec(), MAIL_FROM, renderer(), now=datetime(2026, 1, 1))


def test_threading_headers() -> None:
    first = make_message_id(MAIL_FROM)
    spec = agreement_spec()
    spec = MailSpec(**{**{f: getattr(spec, f) for f in spec.__slots__}, "in_reply_to": first})
    message = round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))
    assert message["In-Reply-To"] == first
    assert message["References"] == first


def test_non_ascii_subject_is_encoded_words() -> None:
    spec = agreement_spec("ru", chat_title="Закупки", title="Поставка")
    raw = compose(spec, MAIL_FROM, renderer(), now=NOW)
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    header_block.decode("ascii")  # every header is 7-bit on the wire
    assert b"=?utf-8?" in header_block
    assert round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))["Subject"] == (
        "Договорённость №7 · Закупки · Поставка"
    )


def test_header_injection_through_chat_title() -> None:
    spec = agreement_spec(chat_title="Evil\r\nBcc: victim@example.com", title="x\nCc: a@b.c")
    raw = compose(spec, MAIL_FROM, renderer(), now=NOW)
    message = message_from_bytes(raw, policy=default)
    assert "Bcc" not in message and "Cc" not in message
    assert message["Subject"] == "Agreement #7 · Evil Bcc: victim@example.com · x Cc: a@b.c"
    assert not message.defects


def test_extra_headers_are_one_line_and_cannot_override() -> None:
    spec = agreement_spec()
    injected = MailSpec(
        kind=spec.kind,
        to=spec.to,
        language="en",
        context=spec.context,
        message_id=spec.message_id,
        extra_headers={"X-Note": "a\r\nBcc: victim@example.com"},
    )
    message = round_trip(compose(injected, MAIL_FROM, renderer(), now=NOW))
    assert message["X-Note"] == "a Bcc: victim@example.com" and "Bcc" not in message
    for name in ("Bcc", "from", "Content-Type", "Message-ID", "X Bad", "X:Bad"):
        bad = MailSpec(
            kind=spec.kind,
            to=spec.to,
            language="en",
            context=spec.context,
            message_id=spec.message_id,
            extra_headers={name: "v"},
        )
        with pytest.raises(ValueError):
            compose(bad, MAIL_FROM, renderer(), now=NOW)


@pytest.mark.parametrize(
    "field, value",
    [
        ("to", "a@example.com\r\nBcc: victim@example.com"),
        ("to", "two@example.com, three@example.com"),
        ("message_id", "<abc@example.com>\r\nBcc: victim@example.com"),
        ("message_id", "no-brackets@example.com"),
        ("in_reply_to", "<a b@example.com>"),
    ],
)
def test_invalid_addresses_and_ids_are_refused(field: str, value: str) -> None:
    spec = agreement_spec()
    bad = MailSpec(**{**{f: getattr(spec, f) for f in spec.__slots__}, field: value})
    with pytest.raises(ValueError):
        compose(bad, MAIL_FROM, renderer(), now=NOW)


def test_long_titles_are_shortened() -> None:
    spec = agreement_spec(chat_title="Ч" * 300, title="T" * 500)
    subject = round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))["Subject"]
    number, chat, title = subject.split(" · ")
    assert number == "Agreement #7"
    assert len(chat) == 60 and chat.endswith("…")
    assert title.endswith("…")
    assert len(subject) <= 150


def test_long_subject_is_capped_as_a_whole() -> None:
    words = " ".join(["word"] * 100)
    spec = agreement_spec(chat_title=words, title=None, summary=words, number=10**40)
    subject = round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))["Subject"]
    assert len(subject) <= 150 and subject.endswith("…")
    assert "  " not in subject


def test_summary_is_used_when_there_is_no_title() -> None:
    spec = agreement_spec(title=None, summary="We ship 40 laptops")
    subject = round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))["Subject"]
    assert subject == "Agreement #7 · Procurement Q4 · We ship 40 laptops"


# --- escaping and verbatim text -------------------------------------------------------

HOSTILE = 'Pay <script>alert(1)</script> & <b>bold</b> "quoted"\n  indented line\n\nend'


def test_user_text_is_escaped_in_html_and_verbatim_in_plain_text() -> None:
    spec = agreement_spec(
        text=HOSTILE,
        chat_title="<i>chat</i>",
        title="<img src=x onerror=alert(2)>",
        author=person("<b>Eve</b>", "eve", 1),
    )
    plain, html = body_parts(round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW)))
    assert HOSTILE in plain
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&#34;quoted&#34;" in html
    for raw in ("<script>", "<b>bold", "<i>chat", "<img", "<b>Eve"):
        assert raw not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    # Line breaks kept in the HTML block (as <br>, which Outlook honours too).
    assert "&#34;quoted&#34;<br>  indented line<br><br>end" in html
    assert 'dir="auto"' in html


def test_html_has_no_external_resources() -> None:
    for spec in (agreement_spec(), agreement_spec("ru")):
        _, html = body_parts(round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW)))
        assert "<img" not in html and "<link" not in html and "<style" not in html
        assert "url(" not in html and "@import" not in html
        assert re.findall(r'href="([^"]+)"', html) == ["https://t.me/c/1001234/45"]


def test_non_https_link_is_not_made_clickable() -> None:
    spec = agreement_spec(message_link="javascript:alert(1)")
    _, html = body_parts(round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW)))
    assert "href" not in html and "javascript:alert(1)" in html


def test_text_part_carries_all_the_information() -> None:
    spec = agreement_spec(edited_before_marking=True, marked_at_local="2026-11-29 12:41 MSK")
    plain, _ = body_parts(round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW)))
    for expected in (
        "Hello!",
        "Agreement #7 was recorded in the chat “Procurement Q4”.",
        "Laptop delivery",
        "had been edited before it was marked",
        "Иван Петров (@ivan_petrov, ID 123456789)",
        "Anna Smirnova (ID 987654321)",
        "2026-11-29 09:33:28 UTC / 2026-11-29 12:33:28 MSK (Europe/Moscow)",
        "2026-11-29 09:41:02 UTC / 2026-11-29 12:41 MSK",
        "https://t.me/c/1001234/45",
        "2 participants",
        "are the same in every copy",
        DIGEST,
        "sha256sum agreement--1001234-7.json",
        "automatic message",
    ):
        assert expected in plain, expected


def test_optional_fields_can_be_absent() -> None:
    spec = agreement_spec(message_link=None, message_time_local=None, title=None)
    plain, html = body_parts(round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW)))
    assert "Message link" not in plain and "t.me" not in html
    assert "None" not in plain and "None" not in visible_text(html)
    assert "edited" not in plain


# --- languages ------------------------------------------------------------------------

RU_PHRASES = (
    "Здравствуйте!",
    "Договорённость №7 зафиксирована в чате",
    "Исходный текст сообщения",
    "Кем отмечено",
    "текст, время и контрольная сумма во всех копиях одинаковы.",
    "Контрольная сумма SHA-256 записи",
    "2 участника",
    "Это автоматическое сообщение",
)
# Fixed English phrases of the templates that must not leak into a Russian mail.
EN_PHRASES = (
    "Hello",
    "Agreement",
    "recorded",
    "Original message",
    "Details",
    "Author",
    "Marked",
    "Parties",
    "participant",
    "same in every copy",
    "digest",
    "attached",
    "automatic",
    "Please note",
)


def test_russian_render() -> None:
    spec = agreement_spec("ru", edited_before_marking=True)
    message = round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))
    plain, html = body_parts(message)
    assert message["Content-Language"] == "ru"
    assert message["Subject"].startswith("Договорённость №7 · ")
    assert '<html lang="ru"' in html
    for phrase in RU_PHRASES:
        assert phrase in plain, phrase
        assert phrase in visible_text(html), phrase
    # User data (title, names, link, chat) is English here; only fixed phrases count.
    fixed_text = visible_text(html)
    for user_value in ("Laptop delivery", "Procurement Q4", "Anna Smirnova", "agreement--"):
        fixed_text = fixed_text.replace(user_value, "")
    for phrase in EN_PHRASES:
        assert phrase.lower() not in fixed_text.lower(), phrase


def test_english_render() -> None:
    plain, html = body_parts(
        round_trip(compose(agreement_spec("en"), MAIL_FROM, renderer(), now=NOW))
    )
    assert plain.startswith("Hello!\n")  # the same for every party: no name
    assert "the text, the times and the digest are the same in every copy." in html
    assert re.search("[а-яё]", visible_text(html).replace("Иван Петров", "")) is None


@pytest.mark.parametrize(
    "language, expected", [("ru-RU", "ru"), ("RU", "ru"), ("de", "en"), ("", "en")]
)
def test_language_fallback(language: str, expected: str) -> None:
    message = round_trip(compose(agreement_spec(language), MAIL_FROM, renderer(), now=NOW))
    assert message["Content-Language"] == expected


def test_shared_environment_switches_language_every_render() -> None:
    # Macros are imported "with context"; a cached import would keep the first language.
    for language, greeting in [("en", "Hello"), ("ru", "Здравствуйте"), ("en", "Hello")]:
        rendered = renderer().render("agreement", language, agreement_context())
        assert rendered.text.startswith(greeting)
        assert ("ID 123456789" in rendered.html) and (greeting in rendered.html)
        marker = "Кем отмечено" if language == "ru" else "Marked by"
        assert marker in rendered.text


@pytest.mark.parametrize(
    "minutes, phrase",
    [
        (1, "Код действителен 1 минуту."),
        (3, "Код действителен 3 минуты."),
        (15, "Код действителен 15 минут."),
        (21, "Код действителен 21 минуту."),
        (112, "Код действителен 112 минут."),
    ],
)
def test_russian_plurals(minutes: int, phrase: str) -> None:
    rendered = renderer().render(
        "verification_code", "ru", verification_context(valid_minutes=minutes)
    )
    assert phrase in rendered.text and phrase in rendered.html


def test_verification_code_mail() -> None:
    spec = MailSpec(
        kind="verification_code",
        to="ivan@example.com",
        language="en",
        context=verification_context(),
        message_id=make_message_id(MAIL_FROM, prefix="vrf"),
    )
    message = round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))
    plain, html = body_parts(message)
    assert message["Subject"] == "Verification code: 042917"
    for body in (plain, visible_text(html)):
        assert "/verify 042917" in body
        assert "ivan@example.com" in body
        assert "valid for 15 minutes" in body
        assert "ignore this email" in body
        assert "Telegram account" in body
    ru = renderer().render("verification_code", "ru", verification_context())
    assert ru.subject == "Код подтверждения: 042917"
    assert "отправьте боту команду" in ru.text and "/verify 042917" in ru.text


# --- errors ---------------------------------------------------------------------------


def test_missing_variable_raises() -> None:
    context = agreement_context()
    del context["digest"]
    with pytest.raises(UndefinedError):
        renderer().render("agreement", "en", context)
    context = agreement_context(author={"name": "No id"})
    with pytest.raises(UndefinedError):
        renderer().render("agreement", "en", context)


def test_unknown_or_unsafe_kind_is_refused() -> None:
    for kind in ("../secrets", "_layout", "Agreement"):
        with pytest.raises(ValueError):
            renderer().render(kind, "en", {})


def test_make_message_id() -> None:
    ids = {make_message_id("Agreements <bot@Example.COM>") for _ in range(100)}
    assert len(ids) == 100
    assert all(re.fullmatch(r"<agr\.[0-9a-f]{32}@example\.com>", i) for i in ids)
    assert make_message_id("bot@почта.рф").endswith("@xn--80a1acny.xn--p1ai>")
    for bad in ("no-domain", "Name <>", "bot@"):
        with pytest.raises(ValueError):
            make_message_id(bad)


# --- property -------------------------------------------------------------------------
# Decision: the text/plain part carries the message text exactly, every Unicode scalar
# value included (NUL and other controls, RTL marks, emoji), because text parts are
# always quoted-printable or base64. Two things change, as MIME requires: line breaks
# (CRLF, lone CR, LF) all become one line break, and lone surrogates, which are not
# encodable in UTF-8, become U+FFFD. Header values additionally lose control and bidi
# override characters and are collapsed to one line.

unicode_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\r\n\t\x00\x0b\x0c\x1b\x7f\x85\u2028\u2029\u200f\u202e\u2066\ufeff"),
        st.sampled_from("שלום مرحبا 👍🏽👨‍👩‍👧 é"),
    ),
    max_size=600,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=unicode_text, chat_title=unicode_text, title=st.none() | unicode_text)
def test_any_text_composes_and_survives(text: str, chat_title: str, title: str | None) -> None:
    spec = agreement_spec(text=text, chat_title=chat_title, title=title, summary=text[:40])
    message = round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))
    plain, _ = body_parts(message)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert expected in plain
    subject = message["Subject"]
    assert "\n" not in subject and "\r" not in subject and len(subject) <= 150
    assert set(message.keys()) >= {"From", "To", "Subject", "Date", "Message-ID"}
    assert "Bcc" not in message and "Cc" not in message
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == RECORD


@settings(max_examples=50, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_lone_surrogates_do_not_break_compose(text: str) -> None:
    broken = text + "\ud83d" + "tail"
    plain, _ = body_parts(round_trip(compose(agreement_spec(text=broken), MAIL_FROM, renderer())))
    assert text.replace("\r\n", "\n").replace("\r", "\n") + "\ufffdtail" in plain


def test_earlier_versions_seen_by_the_bot_are_shown() -> None:
    earlier = [{"time_utc": "2026-11-29 09:30:00 UTC", "text": "Price <i>170 000</i>"}]
    spec = agreement_spec(edited_before_marking=True, earlier_versions=earlier)
    message = round_trip(compose(spec, MAIL_FROM, renderer(), now=NOW))
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Earlier versions seen by the bot" in plain
    assert "--- 2026-11-29 09:30:00 UTC ---\nPrice <i>170 000</i>" in plain.replace("\r\n", "\n")
    assert "Price &lt;i&gt;170 000&lt;/i&gt;" in html


def test_idn_sender_domain_goes_out_in_ascii() -> None:
    raw = compose(agreement_spec(), "Договоры <bot@почта.рф>", renderer(), now=NOW)
    assert round_trip(raw)["From"].addresses[0].addr_spec == "bot@xn--80a1acny.xn--p1ai"
    raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # every header is 7-bit on the wire
