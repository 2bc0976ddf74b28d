"""Does a record's mail show what its record says? The text a reader sees, in the text part
and in the HTML part, the digest, number, title and author shown beside it, and the file.

The record's digest proves the attachment; these checks tie what people read to it, so a
mail whose visible text was edited ("150 000" to "950 000") is INVALID however intact its
attachment is.
"""

from __future__ import annotations

import gettext
import hashlib
import re
from collections.abc import Callable
from functools import cache

from bot.evidence.records import digest_of
from bot.mail.entity_html import EntitiesToHtml
from bot.mail.file_names import file_name
from bot.mail.parts import file_attachment, record_filename, stamp_filename
from bot.paths import LOCALES_DIR
from bot.verify.mail_structure import RecordMail
from bot.verify.mail_view import HtmlView, box_text, collapse, read_html, tokens
from bot.verify.record_view import Author, RecordView
from bot.verify.text_frames import check_frames, difference
from bot.verify.verdict import Verdict
from mailer.languages import SUPPORTED_LANGUAGES, normalize_language

_NUMBERS = r"\d+(?:\.\d+)?"
Translate = Callable[[str], str]


def check_shown(
    mail: RecordMail, record: RecordView, verdict: Verdict, entities_html: EntitiesToHtml
) -> None:
    html = read_html(mail.html)
    tr = _catalog(mail.language, html)
    check_frames(mail.text, record, tr, verdict)
    _check_html_part(html, record, verdict, entities_html)
    _check_digest(mail.text, html.visible, digest_of(mail.record.content), verdict)
    if record.is_amendment:
        intro = (
            "Agreement #%(number)s in the chat “%(chat)s” was amended: every party accepted the "
            "new version, and it is recorded as amendment #%(amendment)s."
        )
        numbers = {"number": str(record.agreement_number), "amendment": record.number}
        heading = "Amendment #%(number)s"
    else:
        intro = "Agreement #%(number)s was recorded in the chat “%(chat)s”."
        numbers, heading = {"number": record.number}, "Agreement #%(number)s"
    _check_number(
        mail.text, html, tr(heading) % {"number": record.number}, tr(intro), numbers, verdict
    )
    _check_title(mail.text, html.visible, tr, record.title, verdict)
    if record.author is not None:
        _check_author(mail.text, html.visible, tr, record.author, verdict)
    _check_attachments(mail, record, verdict)


def _check_html_part(
    html: HtmlView, record: RecordView, verdict: Verdict, entities_html: EntitiesToHtml
) -> None:
    if html.problems:
        shown = ", ".join(dict.fromkeys(html.problems[:3]))
        verdict.fail("HTML part", f"holds markup this bot never writes: {shown}")
        return
    # Mails sent before the box was marked: their first box of that style is the agreed text.
    boxes = html.boxes or html.unmarked[:1]
    if len(boxes) != 1:
        verdict.fail("HTML part", f"shows {len(boxes)} agreed-text boxes, not one")
        return
    expected = tokens(str(entities_html(record.text, record.entities)))
    [box] = boxes
    if box == expected:
        verdict.ok("HTML part", "shows exactly the record's text, its line breaks and links")
    elif box_text(box) != box_text(expected):
        verdict.fail("HTML part", difference(box_text(box), box_text(expected)))
    else:
        verdict.fail("HTML part", "shows the record's text with other formatting or links")


def _check_digest(text: str, html_text: str, digest: str, verdict: Verdict) -> None:
    missing = [
        name for name, shown in (("text", text), ("HTML", html_text)) if digest not in shown
    ]
    verdict.check(
        not missing,
        "digest",
        f"both parts show the record's digest {digest}",
        f"the {' and the '.join(missing)} part does not show the record's digest {digest}",
    )


def _check_number(
    text: str,
    html: HtmlView,
    expected_heading: str,
    intro: str,
    numbers: dict[str, str],
    verdict: Verdict,
) -> None:
    pattern = _sentence(intro)
    problems = []
    heading = collapse("".join(html.heading or ()))
    if heading != expected_heading:
        problems.append(f"the HTML heading reads {heading!r}, not {expected_heading!r}")
    for name, shown in (("text part", text), ("HTML part", html.visible)):
        found = [{key: m[key] for key in numbers} for m in pattern.finditer(collapse(shown))]
        wrong = [named for named in found if named != numbers]
        if not found:
            problems.append(f"the {name} does not say which record it is")
        elif wrong:
            problems.append(f"the {name} names {_numbered(wrong[0])}, not {_numbered(numbers)}")
    label = numbers.get("amendment", numbers["number"])
    verdict.check(
        not problems, "number", f"the mail names #{label}, as the record does", "; ".join(problems)
    )


def _numbered(numbers: dict[str, str]) -> str:
    return " and ".join(f"#{value}" for value in numbers.values())


def _check_title(
    text: str, html_text: str, tr: Translate, title: str | None, verdict: Verdict
) -> None:
    if not title:
        return
    line = collapse(tr("Title: %(title)s") % {"title": title})
    shown = any(collapse(row) == line for row in text.splitlines())
    verdict.check(
        shown and collapse(title) in html_text,
        "title",
        "both parts show the record's title",
        f"the mail does not show the record's title {title!r}",
    )


def _check_author(
    text: str, html_text: str, tr: Translate, author: Author, verdict: Verdict
) -> None:
    user_id = tr("ID %(id)s") % {"id": author.id}
    handle = f"@{author.username}" if author.username else None
    person = f"{author.name} ({handle + ', ' if handle else ''}{user_id})"
    line = collapse(f"{tr('Author')}: {person}")
    in_text = any(collapse(row).startswith(line) for row in text.splitlines())
    row = collapse(" ".join(filter(None, (tr("Author"), author.name, handle, user_id))))
    verdict.check(
        in_text and row in html_text,
        "author",
        f"both parts name the record's author, {person}",
        f"the mail does not name the record's author, {person}",
    )


def _check_attachments(mail: RecordMail, record: RecordView, verdict: Verdict) -> None:
    """Named as the bot names them; the file is the one whose SHA-256 the record holds."""
    chat, number = record.chat_id, record.number
    names = {"record": (mail.record.filename, record_filename(chat, number))}
    if mail.stamp is not None:
        names["timestamp"] = (mail.stamp.filename, stamp_filename(names["record"][1]))
    problems = [f"the {what} is named {got!r}, not {want!r}" for what, (got, want) in
                names.items() if got != want]  # fmt: skip
    described = "the record" + (" and its timestamp" if mail.stamp else "")
    if mail.file is not None:
        agreed = record.file
        if agreed is None or agreed.sha256 is None:
            problems.append(f"{mail.file.filename} is attached, but the record has no file")
        else:
            want = file_attachment(agreed.media, file_name(agreed.media, chat, int(number)), b"")
            got = mail.file
            if (got.filename, got.content_type) != (want.filename, want.mime_type):
                problems.append(
                    f"the file is {got.filename} ({got.content_type}), "
                    f"not {want.filename} ({want.mime_type})"
                )
            actual = hashlib.sha256(got.content).hexdigest()
            if actual != agreed.sha256 or (agreed.size not in (None, len(got.content))):
                problems.append(
                    f"the attached {got.filename} has SHA-256 {actual}, "
                    f"not the record's {agreed.sha256}"
                )
            described += f", and {got.filename}, whose SHA-256 is the record's"
    verdict.check(not problems, "attachments", f"{described}, named as this bot names them",
                  "; ".join(problems))  # fmt: skip


def _catalog(language: str | None, html: HtmlView) -> Translate:
    """The mail's language (Content-Language), else the one its HTML heading is in."""
    languages = [normalize_language(language or "")]
    languages += [lang for lang in SUPPORTED_LANGUAGES if lang not in languages]
    heading = collapse("".join(html.heading or ()))
    for candidate in languages:
        translate = _translations(candidate).gettext
        headings = (translate("Agreement #%(number)s"), translate("Amendment #%(number)s"))
        if any(re.fullmatch(_sentence(h), heading) for h in headings):
            return translate
    return _translations(languages[0]).gettext


@cache
def _translations(language: str) -> gettext.NullTranslations:
    return gettext.translation("mail", LOCALES_DIR, languages=[language], fallback=True)


@cache
def _sentence(template: str) -> re.Pattern[str]:
    """A translated sentence as a pattern: its numbers captured, other values anything."""
    pieces = re.split(r"%\((\w+)\)s", template)
    regex = "".join(
        re.escape(re.sub(r"\s+", " ", piece))
        if index % 2 == 0
        else f"(?P<{piece}>{_NUMBERS})"
        if piece in {"number", "amendment"}
        else ".*?"
        for index, piece in enumerate(pieces)
    )
    return re.compile(regex)
