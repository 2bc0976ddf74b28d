"""Does a record's mail show what its record says? The text a reader sees, in the text part
and in the HTML part, and the digest, number, title and author shown beside it.

The record's digest proves the attachment; these checks tie what people read to it, so a
mail whose visible text was edited ("150 000" to "950 000") is INVALID however intact its
attachment is.
"""

from __future__ import annotations

import gettext
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from bot.services.mail_view import MailView, collapse
from bot.services.records import RECORD_FORMAT, digest_of
from bot.services.verdict import Verdict
from mailer.filters import normalize_newlines
from mailer.languages import SUPPORTED_LANGUAGES, normalize_language
from mailer.text import scrub_surrogates

AMENDMENT_FORMAT = "amendment-record/1"
LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
_QUOTE_MARK = re.compile(r"^===== .+ =====$", re.MULTILINE)  # the quoted text's frame
_NUMBERS = r"\d+(?:\.\d+)?"
Translate = Callable[[str], str]


def check_shown(view: MailView, record: bytes, verdict: Verdict) -> None:
    try:
        document = json.loads(record)
        fmt = document["format"]
        text = scrub_surrogates(document["message"]["text"])
    except (ValueError, KeyError, TypeError):
        verdict.fail("record", "the attached record is not a record this bot makes")
        return
    if fmt not in {RECORD_FORMAT, AMENDMENT_FORMAT}:
        verdict.skip("shown text", f"a record of format {fmt!r}, which this version can't read")
        return
    _check_text_part(view.text, text, verdict)
    _check_html_part(view.html_box, text, verdict)
    _check_digest(view, digest_of(record), verdict)
    _ = _catalog(view)
    if fmt == RECORD_FORMAT:
        label = str(document["number"])
        intro = "Agreement #%(number)s was recorded in the chat “%(chat)s”."
        _check_number(view, _, "Agreement #%(number)s", intro, label, {"number": label}, verdict)
        _check_title(view, _, document.get("title"), verdict)
        _check_author(view, _, document["author"], verdict)
    else:
        label = str(document["number"])
        intro = (
            "Agreement #%(number)s in the chat “%(chat)s” was amended: every party accepted the "
            "new version, and it is recorded as amendment #%(amendment)s."
        )
        numbers = {"number": str(document["agreement"]["number"]), "amendment": label}
        _check_number(view, _, "Amendment #%(number)s", intro, label, numbers, verdict)


def _check_text_part(shown: str | None, text: str, verdict: Verdict) -> None:
    if shown is None:
        verdict.fail("text part", "the mail has no text part")
        return
    expected = normalize_newlines(text)
    mark = _QUOTE_MARK.search(shown)
    quoted = shown[mark.end() + 1 :] if mark else ""
    if quoted.startswith(expected + "\n===== "):
        verdict.ok("text part", "shows exactly the record's text")
        return
    end = _QUOTE_MARK.search(quoted)
    verdict.fail("text part", difference(quoted[: end.start() - 1] if end else quoted, expected))


def _check_html_part(shown: str | None, text: str, verdict: Verdict) -> None:
    if shown is None:
        verdict.fail("HTML part", "the mail's HTML part shows no agreed text")
        return
    if shown == collapse(text):
        verdict.ok("HTML part", "shows the record's text")
    else:
        verdict.fail("HTML part", difference(shown, collapse(text)))


def _check_digest(view: MailView, digest: str, verdict: Verdict) -> None:
    missing = [
        name
        for name, shown in (("text part", view.text), ("HTML part", view.html_text))
        if shown is None or digest not in shown
    ]
    verdict.check(
        not missing,
        "digest",
        f"both parts show the record's digest {digest}",
        f"the {' and the '.join(missing)} do not show the record's digest {digest}",
    )


def _check_number(
    view: MailView,
    _: Translate,
    heading: str,
    intro: str,
    label: str,
    numbers: dict[str, str],
    verdict: Verdict,
) -> None:
    expected_heading = _(heading) % {"number": label}
    pattern = _sentence(_(intro))
    problems = []
    if view.html_heading != expected_heading:
        problems.append(f"the HTML heading reads {view.html_heading!r}, not {expected_heading!r}")
    for name, shown in (("text part", view.text), ("HTML part", view.html_text)):
        found = [{key: m[key] for key in numbers} for m in pattern.finditer(collapse(shown or ""))]
        wrong = [named for named in found if named != numbers]
        if not found:
            problems.append(f"the {name} does not say which record it is")
        elif wrong:
            problems.append(f"the {name} names {_numbered(wrong[0])}, not {_numbered(numbers)}")
    verdict.check(
        not problems, "number", f"the mail names #{label}, as the record does", "; ".join(problems)
    )


def _numbered(numbers: dict[str, str]) -> str:
    return " and ".join(f"#{value}" for value in numbers.values())


def _check_title(view: MailView, _: Translate, title: str | None, verdict: Verdict) -> None:
    if not title:
        return
    line = collapse(_("Title: %(title)s") % {"title": title})
    shown = any(collapse(text) == line for text in (view.text or "").splitlines())
    verdict.check(
        shown and collapse(title) in (view.html_text or ""),
        "title",
        "both parts show the record's title",
        f"the mail does not show the record's title {title!r}",
    )


def _check_author(view: MailView, _: Translate, author: dict[str, Any], verdict: Verdict) -> None:
    user_id = _("ID %(id)s") % {"id": author["id"]}
    handle = f"@{author['username']}" if author.get("username") else None
    person = f"{author['name']} ({handle + ', ' if handle else ''}{user_id})"
    line = collapse(f"{_('Author')}: {person}")
    in_text = any(collapse(text).startswith(line) for text in (view.text or "").splitlines())
    row = collapse(" ".join(filter(None, (_("Author"), author["name"], handle, user_id))))
    verdict.check(
        in_text and row in (view.html_text or ""),
        "author",
        f"both parts name the record's author, {person}",
        f"the mail does not name the record's author, {person}",
    )


def _catalog(view: MailView) -> Translate:
    """The mail's language (Content-Language), else the one its HTML heading is in."""
    languages = [normalize_language(view.language or "")]
    languages += [language for language in SUPPORTED_LANGUAGES if language not in languages]
    for language in languages:
        translate = _translations(language).gettext
        headings = (translate("Agreement #%(number)s"), translate("Amendment #%(number)s"))
        heading = view.html_heading or ""
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


def difference(shown: str, expected: str, context: int = 24) -> str:
    """Where the shown text departs from the record's, with a little context."""
    start = 0
    while start < min(len(shown), len(expected)) and shown[start] == expected[start]:
        start += 1
    end = 0
    limit = min(len(shown), len(expected)) - start
    while end < limit and shown[-1 - end] == expected[-1 - end]:
        end += 1

    def excerpt(value: str) -> str:
        head = max(0, start - context)
        tail = min(len(value), len(value) - end + context)
        cut = value[head:tail].replace("\n", "⏎")
        return f"{'…' if head else ''}{cut}{'…' if tail < len(value) else ''}"

    return f'shows "{excerpt(shown)}" where the record has "{excerpt(expected)}"'
