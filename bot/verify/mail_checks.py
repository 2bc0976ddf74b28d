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

from bot.core.phrases import N_, Phrase, joined
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

_NUMBERS = r"\d{1,19}(?:\.\d{1,19})?"
# A value other than a number (a chat's title: Telegram allows 128 characters, a business
# chat's is a client's first and last name) matches at most this many characters. Unbounded,
# a crafted mail that repeats the sentence's start without its end costs time growing with
# the square of its size, holding the interpreter lock: the public verify page froze.
_MOST_IN_A_VALUE = 256
Translate = Callable[[str], str]


def check_shown(
    mail: RecordMail, record: RecordView, verdict: Verdict, entities_html: EntitiesToHtml
) -> None:
    html = read_html(mail.html)
    tr = _catalog(mail.language, html)
    check_frames(mail.text, record, tr, verdict)
    _check_html_part(html, record, verdict, entities_html)
    _check_digest(mail.text, html.visible, digest_of(mail.record.content), verdict)
    _check_record_page(mail.text + mail.html, digest_of(mail.record.content), verdict)
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
        verdict.fail(
            "HTML part", N_("holds markup this bot never writes: %(markup)s"), markup=shown
        )
        return
    # Mails sent before the box was marked: their first box of that style is the agreed text.
    boxes = html.boxes or html.unmarked[:1]
    if len(boxes) != 1:
        verdict.fail(
            "HTML part", N_("shows %(count)s agreed-text boxes, not one"), count=len(boxes)
        )
        return
    expected = tokens(str(entities_html(record.text, record.entities)))
    [box] = boxes
    if box == expected:
        verdict.ok("HTML part", N_("shows exactly the record's text, its line breaks and links"))
    elif box_text(box) != box_text(expected):
        verdict.fail("HTML part", difference(box_text(box), box_text(expected)))
    else:
        verdict.fail("HTML part", N_("shows the record's text with other formatting or links"))


_DIGEST_MISSING = {
    (True, False): N_("the text part does not show the record's digest %(digest)s"),
    (False, True): N_("the HTML part does not show the record's digest %(digest)s"),
    (True, True): N_("the text and the HTML part does not show the record's digest %(digest)s"),
}


def _check_digest(text: str, html_text: str, digest: str, verdict: Verdict) -> None:
    missing = (digest not in text, digest not in html_text)
    verdict.check(
        not any(missing),
        "digest",
        N_("both parts show the record's digest %(digest)s"),
        _DIGEST_MISSING.get(missing, ""),
        digest=digest,
    )


# A link to a record's web page (WEB_BASE_URL/r/<digest>), in either part.
_RECORD_PAGE = re.compile(r"/r/([0-9a-f]{64})\b")


def _check_record_page(parts: str, digest: str, verdict: Verdict) -> None:
    """A mail that links a record page must link this record's: a forger who keeps the
    record but points the link at another would send the reader to a page that vouches for
    something else. Mails sent without web pages link none, and get no line."""
    linked = set(_RECORD_PAGE.findall(parts))
    if not linked:
        return
    verdict.check(
        linked == {digest},
        "record page",
        N_("the link to the record's page names this record"),
        N_("links the page of another record, %(other)s"),
        other=", ".join(sorted(linked - {digest})),
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
    problems: list[Phrase] = []
    heading = collapse("".join(html.heading or ()))
    if heading != expected_heading:
        problems.append(
            Phrase(
                N_("the HTML heading reads %(heading)r, not %(expected)r"),
                {"heading": heading, "expected": expected_heading},
            )
        )
    for part, shown in ((_TEXT_PART, text), (_HTML_PART, html.visible)):
        found = [{key: m[key] for key in numbers} for m in pattern.finditer(collapse(shown))]
        wrong = [named for named in found if named != numbers]
        if not found:
            problems.append(Phrase(N_("%(part)s does not say which record it is"), {"part": part}))
        elif wrong:
            problems.append(
                Phrase(
                    N_("%(part)s names %(found)s, not %(expected)s"),
                    {"part": part, "found": _numbered(wrong[0]), "expected": _numbered(numbers)},
                )
            )
    label = numbers.get("amendment", numbers["number"])
    if problems:
        verdict.fail("number", joined(problems))
    else:
        verdict.ok("number", N_("the mail names #%(label)s, as the record does"), label=label)


def _numbered(numbers: dict[str, str]) -> Phrase:
    labels = [f"#{value}" for value in numbers.values()]
    if len(labels) == 1:
        return Phrase(labels[0])
    return Phrase(N_("%(first)s and %(second)s"), {"first": labels[0], "second": labels[1]})


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
        N_("both parts show the record's title"),
        N_("the mail does not show the record's title %(title)r"),
        title=title,
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
        N_("both parts name the record's author, %(person)s"),
        N_("the mail does not name the record's author, %(person)s"),
        person=person,
    )


def _check_attachments(mail: RecordMail, record: RecordView, verdict: Verdict) -> None:
    """Named as the bot names them; the file is the one whose SHA-256 the record holds."""
    chat, number = record.chat_id, record.number
    record_name = record_filename(chat, number)
    names = {N_("the record"): (mail.record.filename, record_name)}
    if mail.stamp is not None:
        names[N_("the timestamp")] = (mail.stamp.filename, stamp_filename(record_name))
    problems = [
        Phrase(
            N_("%(what)s is named %(got)r, not %(want)r"),
            {"what": Phrase(what), "got": got, "want": want},
        )
        for what, (got, want) in names.items()
        if got != want
    ]
    file_name_shown = None
    if mail.file is not None:
        agreed = record.file
        if agreed is None or agreed.sha256 is None:
            problems.append(
                Phrase(
                    N_("%(file)s is attached, but the record has no file"),
                    {"file": mail.file.filename},
                )
            )
        else:
            want = file_attachment(agreed.media, file_name(agreed.media, chat, int(number)), b"")
            got = mail.file
            if (got.filename, got.content_type) != (want.filename, want.mime_type):
                problems.append(
                    Phrase(
                        N_("the file is %(got)s (%(got_type)s), not %(want)s (%(want_type)s)"),
                        {
                            "got": got.filename,
                            "got_type": got.content_type,
                            "want": want.filename,
                            "want_type": want.mime_type,
                        },
                    )
                )
            actual = hashlib.sha256(got.content).hexdigest()
            if actual != agreed.sha256 or (agreed.size not in (None, len(got.content))):
                problems.append(
                    Phrase(
                        N_(
                            "the attached %(file)s has SHA-256 %(actual)s, "
                            "not the record's %(sha256)s"
                        ),
                        {"file": got.filename, "actual": actual, "sha256": agreed.sha256},
                    )
                )
            file_name_shown = got.filename
    if problems:
        verdict.fail("attachments", joined(problems))
    else:
        passed = _ATTACHED[(mail.stamp is not None, file_name_shown is not None)]
        verdict.ok("attachments", passed, file=file_name_shown)


_ATTACHED = {
    (False, False): N_("the record, named as this bot names them"),
    (True, False): N_("the record and its timestamp, named as this bot names them"),
    (False, True): N_(
        "the record, and %(file)s, whose SHA-256 is the record's, named as this bot names them"
    ),
    (True, True): N_(
        "the record and its timestamp, and %(file)s, whose SHA-256 is the record's, named as "
        "this bot names them"
    ),
}
_TEXT_PART = Phrase(N_("the text part"))
_HTML_PART = Phrase(N_("the HTML part"))


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
        else f".{{0,{_MOST_IN_A_VALUE}}}?"
        for index, piece in enumerate(pieces)
    )
    return re.compile(regex)
