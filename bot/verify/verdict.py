"""What ``verify`` found: one line per check, passed, failed or not made.

A check that could not be made is never counted as passed: the report names it, and the
overall verdict says which were left out. A mail agrees with its own attachment however it
was made, so the body checks prove nothing about who made it: only a check that proves the
origin (the bot's DKIM signature, the stored record) makes a mail VALID.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from bot.core.phrases import N_, Phrase

PASSED, FAILED, NOT_CHECKED = "VALID", "INVALID", "NOT CHECKED"
UNVERIFIED = "NOT VERIFIED"
_COLUMN = len(NOT_CHECKED) + 2
# What each line checks, named in English; the names are msgids of the "bot" catalog too.
CHECK_NAMES = (
    N_("MIME structure"),
    N_("digest"),
    N_("record"),
    N_("text part"),
    N_("HTML part"),
    N_("number"),
    N_("title"),
    N_("author"),
    N_("attachments"),
    N_("record page"),
    N_("DKIM signature"),
    N_("other text"),
    N_("timestamp"),
    N_("timestamp authority"),
    N_("store"),
)


class Outcome(enum.StrEnum):
    VALID = "valid"
    INVALID = "invalid"  # a check failed
    UNVERIFIED = "unverified"  # nothing failed, but nothing shows who made it
    NOTHING = "nothing"  # nothing could be checked


@dataclass(frozen=True, slots=True)
class Line:
    status: str  # PASSED, FAILED or NOT_CHECKED
    name: str  # what was checked: "text part", "DKIM signature", "store"
    phrase: Phrase  # what was found, or why it was not checked
    proves_origin: bool = False  # passed, and shows that this bot made what was checked

    @property
    def detail(self) -> str:
        return str(self.phrase)

    def __str__(self) -> str:
        return f"{self.status.ljust(_COLUMN)}{self.name}: {self.detail}"


@dataclass
class Verdict:
    lines: list[Line] = field(default_factory=list)
    notes: list[Phrase] = field(default_factory=list)
    # Set for what anyone could have made (a mail, a record file): VALID needs a check that
    # proves the origin. Unset for the store's own chain.
    needs_origin: bool = False
    # The checked record's digest, once the store was found to hold exactly that record.
    record_digest: str | None = None

    @property
    def passed(self) -> list[str]:
        return [line.detail for line in self.lines if line.status == PASSED]

    @property
    def failed(self) -> list[str]:
        return [f"{line.name}: {line.detail}" for line in self.lines if line.status == FAILED]

    @property
    def not_checked(self) -> list[str]:
        return [line.name for line in self.lines if line.status == NOT_CHECKED]

    @property
    def origin_proven(self) -> bool:
        return any(line.proves_origin for line in self.lines)

    @property
    def valid(self) -> bool:
        proven = self.origin_proven or not self.needs_origin
        return not self.failed and bool(self.passed) and proven

    @property
    def outcome(self) -> Outcome:
        if self.failed:
            return Outcome.INVALID
        if not self.passed:
            return Outcome.NOTHING
        return Outcome.VALID if self.valid else Outcome.UNVERIFIED

    # ``detail`` is a phrase, or a template (marked N_) filled in with ``values``.
    def ok(
        self, name: str, detail: str | Phrase, /, *, proves_origin: bool = False, **values: object
    ) -> None:
        self.lines.append(Line(PASSED, name, _phrase(detail, values), proves_origin))

    def fail(self, name: str, detail: str | Phrase, /, **values: object) -> None:
        self.lines.append(Line(FAILED, name, _phrase(detail, values)))

    def skip(self, name: str, why: str | Phrase, /, **values: object) -> None:
        self.lines.append(Line(NOT_CHECKED, name, _phrase(why, values)))

    def check(self, ok: bool, name: str, passed: str, failed: str, /, **values: object) -> None:
        if ok:
            self.lines.append(Line(PASSED, name, _phrase(passed, values)))
        else:
            self.fail(name, failed, **values)

    def note(self, detail: str | Phrase, /, **values: object) -> None:
        self.notes.append(_phrase(detail, values))

    def describe(self) -> str:
        return "\n".join([self._headline(), *map(str, self.lines), *self._notes()])

    def _headline(self) -> str:
        outcome = self.outcome
        if outcome is Outcome.INVALID:
            failed = sum(line.status == FAILED for line in self.lines)
            return f"INVALID: {failed} check(s) failed"
        if outcome is Outcome.NOTHING:
            return "INVALID: nothing checked"
        if outcome is Outcome.UNVERIFIED:
            return (
                f"{UNVERIFIED}: nothing shows that this bot made it (no DKIM signature of this "
                "bot's domain held, and the store was not checked); it only agrees with itself"
            )
        skipped = list(dict.fromkeys(self.not_checked))
        return f"VALID (not checked: {', '.join(skipped)})" if skipped else "VALID"

    def _notes(self) -> list[str]:
        return [f"{'note'.ljust(_COLUMN)}{note}" for note in self.notes]


def _phrase(detail: str | Phrase, values: dict[str, object]) -> Phrase:
    return detail if isinstance(detail, Phrase) else Phrase(detail, values)
