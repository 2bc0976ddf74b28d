"""Rendering a mail kind (subject, plain text, HTML) in one language from its templates."""

import gettext
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .filters import FILTERS
from .languages import SUPPORTED_LANGUAGES, normalize_language
from .text import one_line

SUBJECT_LIMIT = 150
GETTEXT_DOMAIN = "mail"
_KIND = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class RenderedMail:
    subject: str  # one line, already shortened; still needs header encoding
    text: str
    html: str


class MailRenderer:
    """Owns the process' single jinja2 Environment and the compiled catalogs."""

    def __init__(self, templates_dir: Path, locales_dir: Path) -> None:
        self._env = Environment(
            loader=FileSystemLoader(templates_dir),
            # Only HTML is markup; .txt and .subject.txt are plain text and must stay verbatim.
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # templates change with a release, not while running
        )
        self._env.policies["ext.i18n.trimmed"] = True
        self._env.filters.update(FILTERS)
        # Load every catalog up front: a missing .mo should fail at startup, not per mail.
        self._translations = {
            language: gettext.translation(
                GETTEXT_DOMAIN, localedir=locales_dir, languages=[language]
            )
            for language in SUPPORTED_LANGUAGES
        }

    def render(self, kind: str, language: str, context: Mapping[str, Any]) -> RenderedMail:
        if not _KIND.fullmatch(kind):
            raise ValueError(f"invalid mail kind {kind!r}")
        language = normalize_language(language)
        # The Environment is shared, so install right before rendering; rendering is
        # synchronous, so no other task can switch the language in between.
        # Added to the Environment by jinja2.ext.i18n at run time, hence unknown to mypy.
        self._env.install_gettext_translations(  # type: ignore[attr-defined]
            self._translations[language], newstyle=True
        )
        variables = {**context, "mail_language": language}
        subject = one_line(self._render(f"{kind}.subject.txt", variables), SUBJECT_LIMIT)
        return RenderedMail(
            subject=subject,
            text=self._render(f"{kind}.txt", variables),
            html=self._render(f"{kind}.html", {**variables, "mail_subject": subject}),
        )

    def _render(self, name: str, variables: Mapping[str, Any]) -> str:
        return self._env.get_template(name).render(variables)
