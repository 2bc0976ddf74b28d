"""The edit_alert and amendment mails: subjects, word diffs, plurals, digests, escaping."""

import difflib
import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from html import unescape
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import UndefinedError

from mailer import Attachment, make_message_id
from tests.support.edit_contexts import (
    AGREED,
    DEADLINE_DIFF,
    DIGEST,
    FULL_DIFF,
    IVAN,
    LATEST,
    PREVIOUS_DIGEST,
    Edit,
    Ops,
    amendment_context,
    edit_alert_context,
    new_text,
)
from tests.support.mail_spec import MailSpec, compose, renderer

MAIL_FROM = "Agreements <bot@example.com>"
RECORD = b'{"amendment": "7.1"}\n'


def old_text(ops: Ops) -> str:
    return "".join(text for op, text in ops if op != "insert")


def word_diff(old: str, new: str) -> Ops:
    """A word-level diff in the shape the caller passes (whitespace tokens included)."""
    before, after = re.findall(r"\s+|\S+", old), re.findall(r"\s+|\S+", new)
    ops: Ops = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(("equal", "".join(before[a1:a2])))
        if tag in ("delete", "replace"):
            ops.append(("delete", "".join(before[a1:a2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", "".join(after[b1:b2])))
    return ops


CONTEXTS = {"edit_alert": edit_alert_context, "amendment": amendment_context}


def spec(kind: str, language: str = "en", **overrides: Any) -> MailSpec:
    attachments = (
        [Attachment("amendment--1001234-7.1.json", RECORD, "application/json")]
        if kind == "amendment"
        else []
    )
    return MailSpec(
        kind=kind,
        to="ivan@example.com",
        language=language,
        context=CONTEXTS[kind](**overrides),
        message_id=make_message_id(MAIL_FROM),
        attachments=attachments,
        in_reply_to=make_message_id(MAIL_FROM),
    )


def mail(kind: str, language: str = "en", **overrides: Any) -> EmailMessage:
    """Composed, serialized and parsed back, as a recipient gets it."""
    raw = compose(spec(kind, language, **overrides), MAIL_FROM, renderer())
    parsed = message_from_bytes(raw, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def bodies(kind: str, language: str = "en", **overrides: Any) -> tuple[str, str]:
    message = mail(kind, language, **overrides)
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    return plain.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")


def visible_text(html: str) -> str:
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    html = re.sub(r"<(title)>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- subjects and headers -------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, language, subject",
    [
        ("edit_alert", "en", "Edited: Agreement #7 · Procurement Q4 · Laptop delivery"),
        ("edit_alert", "ru", "Изменено: договорённость №7 · Procurement Q4 · Laptop delivery"),
        ("amendment", "en", "Amendment #7.1 · Procurement Q4 · Laptop delivery"),
        ("amendment", "ru", "Изменение договорённости №7.1 · Procurement Q4 · Laptop delivery"),
    ],
)
def test_subject(kind: str, language: str, subject: str) -> None:
    message = mail(kind, language)
    assert message["Subject"] == subject
    assert message["Content-Language"] == language


@pytest.mark.parametrize("kind", CONTEXTS)
def test_subject_falls_back_to_summary_and_is_shortened(kind: str) -> None:
    subject = mail(kind, chat_title="Ч" * 300, title=None, summary="Поставка до 15")["Subject"]
    _, chat, topic = subject.split(" · ")
    assert len(chat) == 60 and chat.endswith("…")
    assert topic == "Поставка до 15"


def test_structure_threading_and_attachment() -> None:
    alert = mail("edit_alert")
    assert alert.get_content_type() == "multipart/alternative"  # nothing attached
    assert alert["In-Reply-To"] and alert["References"] == alert["In-Reply-To"]
    amendment = mail("amendment")
    assert amendment.get_content_type() == "multipart/mixed"
    (attachment,) = list(amendment.iter_attachments())
    assert attachment.get_filename() == "amendment--1001234-7.1.json"
    assert attachment.get_content() == RECORD


# --- diffs ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CONTEXTS)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_text_part_marks_the_changes(kind: str, language: str) -> None:
    plain, _ = bodies(kind, language)
    assert "Цена [-150 000-]{+120 000+} ₽ 🤝" in plain
    assert "[-…-]" in plain and "{+…+}" in plain  # the legend


@pytest.mark.parametrize("kind", CONTEXTS)
def test_html_marks_the_changes(kind: str) -> None:
    _, html = bodies(kind)
    assert re.search(r"<del [^>]*line-through[^>]*>150 000</del><ins [^>]*>120 000</ins>", html)
    assert 'style="color:#b3261e;' in html and 'style="color:#1e6b2f;' in html


@pytest.mark.parametrize("kind", CONTEXTS)
def test_user_text_in_a_diff_is_escaped(kind: str) -> None:
    hostile: Ops = [
        ("equal", "a <i>x</i> "),
        ("delete", "<script>alert(1)</script>"),
        ("insert", '<b>bold</b> & "q"'),
    ]
    key = "diff_from_agreed" if kind == "edit_alert" else "diff"
    plain, html = bodies(kind, **{key: hostile})
    assert 'a <i>x</i> [-<script>alert(1)</script>-]{+<b>bold</b> & "q"+}' in plain
    assert "a &lt;i&gt;x&lt;/i&gt; " in html
    assert re.search(r"<del [^>]*>&lt;script&gt;alert\(1\)&lt;/script&gt;</del>", html)
    assert re.search(r"<ins [^>]*>&lt;b&gt;bold&lt;/b&gt; &amp; &#34;q&#34;</ins>", html)
    for raw in ("<script>", "<b>bold", "<i>x"):
        assert raw not in html


def test_line_breaks_are_kept_and_changed_ones_shown() -> None:
    ops: Ops = [
        ("equal", "line one\nline two"),
        ("delete", "\n\n"),
        ("insert", " "),
        ("equal", "joined"),
        ("insert", "\nnew line"),
    ]
    plain, html = bodies("amendment", diff=ops, text=new_text(ops))
    assert "line one\nline two[-\n\n-]{+ +}joined{+\nnew line+}" in plain
    # Unchanged breaks stay breaks; a removed one shows as ↵ without breaking the line,
    # an added one as ↵ and a break, so the layout is the new text's.
    assert "line one<br>line two<del " in html
    assert re.search(
        r"<del [^>]*>↵↵</del><ins [^>]*> </ins>joined<ins [^>]*>↵<br>new line</ins>", html
    )
    assert "marks a line break that was added or removed" in html
    # No line break change: no ↵ legend.
    assert "marks a line break" not in bodies("amendment")[1]


def test_text_blocks_keep_line_breaks_and_direction() -> None:
    plain, html = bodies("edit_alert")
    assert AGREED in plain and LATEST in plain
    assert "Поставка до 15 декабря.<br>Цена 150 000 ₽ 🤝" in html
    assert "Поставка до 25 декабря.<br>Цена 120 000 ₽ 🤝" in html
    assert html.count('dir="auto" style="font-size:15px;') == 5  # 3 blocks + 2 edit diffs


@pytest.mark.parametrize("kind", CONTEXTS)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_unknown_diff_op_fails_the_render(kind: str, language: str) -> None:
    bad: Ops = [("equal", "a"), ("replace", "b")]
    key = "diff_from_agreed" if kind == "edit_alert" else "diff"
    with pytest.raises(UndefinedError):
        renderer().render(kind, language, CONTEXTS[kind](**{key: bad}))


# --- edit_alert -----------------------------------------------------------------------


def test_edit_alert_says_the_agreed_text_stands() -> None:
    plain, html = bodies("edit_alert")
    for body in (plain, visible_text(html)):
        assert "The message of agreement #7 was edited" in body
        assert "The agreed text has not changed." in body
        assert "recorded and emailed to the parties on 2026-11-29 09:35:02 UTC." in body
        assert "An edit is not an agreement" in body
        assert "“Accept new version” button" in body
        assert "Agreed text (the original message)" in body
        assert "amendment #" not in body
        assert DIGEST in body


def test_edit_alert_after_an_amendment_names_it() -> None:
    plain, html = bodies("edit_alert", agreed_label="7.1")
    for body in (plain, visible_text(html)):
        assert "It is still the text of amendment #7.1." in body
        assert "Agreed text (amendment #7.1)" in body
        assert "SHA-256 digest of the record of amendment #7.1:" in body
        assert "emailed to the parties on" not in body


def test_edit_alert_lists_each_edit_with_its_own_diff() -> None:
    plain, html = bodies("edit_alert")
    assert "2 edits in this notice" in plain
    first, second = plain.index("Edit #1"), plain.index("Edit #2")
    assert first < second
    assert "2026-11-29 10:02:11 UTC / 2026-11-29 13:02:11 MSK" in plain[first:second]
    assert "Иван Петров (@ivan_petrov, ID 123456789)" in plain[first:second]
    assert "Анна Смирнова (ID 987654321)" in plain[second:]
    assert "до [-15-]{+25+} декабря" in plain[second:]
    # The deadline diff appears twice (against the agreed text, and edit #2's own).
    assert html.count(">15</del>") == 2 and html.count(">150 000</del>") == 2


def test_edit_whose_diff_is_the_one_above_is_not_repeated() -> None:
    only = [Edit(1, "2026-11-29 10:02:11 UTC", None, IVAN, LATEST, FULL_DIFF)]
    plain, html = bodies("edit_alert", edits=only, total_edits=1)
    assert "1 edit in this notice" in plain
    assert "Its changes are the ones shown above" in plain
    assert plain.count("[-150 000-]") == 1 and html.count(">150 000</del>") == 1


@pytest.mark.parametrize(
    "language, count, phrase",
    [
        ("ru", 1, "сообщение отредактировано 1 раз."),
        ("ru", 2, "сообщение отредактировано 2 раза."),
        ("ru", 5, "сообщение отредактировано 5 раз."),
        ("ru", 22, "сообщение отредактировано 22 раза."),
        ("en", 1, "This message has been edited 1 time so far."),
        ("en", 5, "This message has been edited 5 times so far."),
    ],
)
def test_total_edits_plural(language: str, count: int, phrase: str) -> None:
    rendered = renderer().render("edit_alert", language, edit_alert_context(total_edits=count))
    assert phrase in rendered.text and phrase in rendered.html


@pytest.mark.parametrize(
    "count, phrase",
    [(1, "1 правка в этом уведомлении"), (3, "3 правки в этом"), (5, "5 правок в этом")],
)
def test_edits_in_notice_plural_ru(count: int, phrase: str) -> None:
    edits = [
        Edit(i, "2026-11-29 10:02:11 UTC", None, IVAN, LATEST, DEADLINE_DIFF)
        for i in range(1, count + 1)
    ]
    rendered = renderer().render("edit_alert", "ru", edit_alert_context(edits=edits))
    assert phrase in rendered.text and phrase in rendered.html


# --- amendment ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
def test_amendment_shows_both_digests_and_how_to_check(language: str) -> None:
    plain, html = bodies("amendment", language)
    for body in (plain, visible_text(html)):
        assert body.index(DIGEST) < body.index(PREVIOUS_DIGEST)
        assert "sha256sum amendment--1001234-7.1.json" in body
    if language == "en":
        assert "SHA-256 digest of this amendment record:\n" + DIGEST in plain
        assert (
            "SHA-256 digest of the previous record it replaces, agreement #7:\n" + PREVIOUS_DIGEST
        ) in plain
        assert "so the chain from the agreement to this amendment can be checked" in plain
    else:
        assert "Контрольная сумма SHA-256 записи об изменении:\n" + DIGEST in plain
        assert "цепочку записей" in plain


def test_amendment_of_an_amendment_names_the_previous_one() -> None:
    plain, html = bodies("amendment", amendment_number="7.2", previous_label="7.1")
    for body in (plain, visible_text(html)):
        assert "recorded as amendment #7.2" in body
        assert "It replaces the text of amendment #7.1." in body
        assert "previous record it replaces, amendment #7.1:" in body
        assert "original text" not in body


def test_amendment_says_who_accepted_and_when() -> None:
    plain, html = bodies("amendment")
    assert "every party accepted the new version" in plain
    assert "  - Иван Петров (@ivan_petrov, ID 123456789), 2026-11-29 10:05:13 UTC" in plain
    assert "  - Анна Смирнова (ID 987654321), 2026-11-29 10:07:40 UTC" in plain
    assert "2026-11-29 10:07:40 UTC / 2026-11-29 13:07:40 MSK (Europe/Moscow)" in plain
    text = visible_text(html)
    assert "Иван Петров @ivan_petrov ID 123456789 2026-11-29 10:05:13 UTC" in text
    assert "===== New agreed text =====\nПоставка до 15 декабря.\nЦена 120 000 ₽ 🤝\n" in plain
    assert "Поставка до 15 декабря.<br>Цена 120 000 ₽ 🤝" in html


# --- both kinds -----------------------------------------------------------------------

# Fixed English phrases of the new templates that must not leak into a Russian mail.
EN_PHRASES = (
    "Hello", "Agreement", "Amendment", "edit", "agreed", "Changes", "Removed", "added",
    "version", "Details", "Accepted", "Chat", "Parties", "digest", "record", "automatic",
    "times", "notice",
)  # fmt: skip


@pytest.mark.parametrize("kind", CONTEXTS)
def test_russian_has_no_english_left(kind: str) -> None:
    _, html = bodies(kind, "ru", chat_title="Закупки", title="Поставка")
    text = visible_text(html).replace("amendment--1001234-7.1.json", "")
    assert "Здравствуйте!" in text
    for phrase in EN_PHRASES:
        assert phrase.lower() not in text.lower(), phrase


@pytest.mark.parametrize("kind", CONTEXTS)
def test_links_and_optional_fields(kind: str) -> None:
    _, html = bodies(kind)
    assert re.findall(r'href="([^"]+)"', html) == ["https://t.me/c/1001234/45"]
    assert "<img" not in html and "<style" not in html and "url(" not in html
    _, html = bodies(kind, message_link="javascript:alert(1)")
    assert "href" not in html and "javascript:alert(1)" in html
    plain, html = bodies(kind, message_link=None, title=None)
    assert "Message link" not in plain and "t.me" not in html
    assert "None" not in plain and "None" not in visible_text(html)


# The one_line filter and gettext's plural check reject an Undefined before Jinja does.
RAISES_TYPE_ERROR = {"chat_title", "summary", "total_edits"}
# The diff carries the whole previous text (its equal and deleted pieces).
UNUSED = {("amendment", "previous_text")}


@pytest.mark.parametrize(
    "kind, key",
    [
        (kind, key)
        for kind, build in CONTEXTS.items()
        for key in build()
        if (kind, key) not in UNUSED
    ],
)
def test_every_variable_is_required(kind: str, key: str) -> None:
    context = CONTEXTS[kind](title=None)  # else `title or summary` never reads summary
    del context[key]
    error = TypeError if key in RAISES_TYPE_ERROR else UndefinedError
    with pytest.raises(error):
        renderer().render(kind, "en", context)


def test_missing_attribute_raises() -> None:
    class Anonymous:
        name = "No id"
        username = None

    editor: Any = Anonymous()
    edits = [Edit(1, "2026-11-29 10:02:11 UTC", None, editor, LATEST, FULL_DIFF)]
    with pytest.raises(UndefinedError):
        renderer().render("edit_alert", "en", edit_alert_context(edits=edits))
    with pytest.raises(UndefinedError):
        renderer().render("amendment", "ru", amendment_context(accepted_by=[object()]))


# --- property -------------------------------------------------------------------------

free_text = st.text(
    alphabet=st.one_of(
        # ↵ is what the HTML shows for a changed line break; keep it out of the input.
        st.characters(codec="utf-8", exclude_characters="\r↵"),
        st.sampled_from(" \n\n  <>&\"'[]{}-+ 150 000 👍🏽"),
    ),
    max_size=200,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=free_text, new=free_text)
def test_any_diff_renders_faithfully(old: str, new: str) -> None:
    ops = word_diff(old, new)
    rendered = renderer().render("amendment", "en", amendment_context(diff=ops, text=new))
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    assert "".join(marks[op].format(text) for op, text in ops) in rendered.text
    # In the HTML diff block, dropping the marks gives back old and new text.
    block = rendered.html.split('<div dir="auto"', 3)[2]
    block = block[block.index(">") + 1 : block.index("</div>")]
    assert "<script" not in block.replace("&lt;script", "")
    without_ins = re.sub(r"<ins [^>]*>.*?</ins>", "", block, flags=re.S)
    without_del = re.sub(r"<del [^>]*>.*?</del>", "", block, flags=re.S)
    # A removed line break shows as ↵ alone, an added one as ↵ and a break.
    assert as_text(without_ins).replace("↵", "\n") == old
    assert as_text(without_del).replace("↵\n", "\n") == new


def as_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html.replace("<br>", "\n")))
