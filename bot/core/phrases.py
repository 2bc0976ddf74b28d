"""Sentences the domain writes in English and a page shows in the reader's language.

A ``Phrase`` keeps its template (the msgid, marked with ``N_`` so that babel extracts it
into the "bot" catalog) apart from its values: the command line prints it as English, a
page translates the template and then fills in the values, which may be phrases too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated later, per language."""
    return message


@dataclass(frozen=True, slots=True)
class Phrase:
    template: str  # English, with %(name)s for each value
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.translated(N_)

    def translated(self, translate: Translate) -> str:
        # gettext("") is the catalog's header, never a translation
        template = translate(self.template) if self.template else ""
        if not self.values:
            return template  # a template without values may hold a plain "%"
        return template % {
            name: value.translated(translate) if isinstance(value, Phrase) else value
            for name, value in self.values.items()
        }


class PhraseError(ValueError):
    """An error whose message is a phrase, so that a page can say it in its language."""

    def __init__(self, template: str, **values: object) -> None:
        self.phrase = Phrase(template, values)
        super().__init__(str(self.phrase))


def joined(parts: Sequence[str | Phrase], separator: str = "; ") -> Phrase:
    """Several phrases (or plain values) as one, each translated on its own."""
    return Phrase(
        separator.join(f"%(part{index})s" for index in range(len(parts))),
        {f"part{index}": part for index, part in enumerate(parts)},
    )
