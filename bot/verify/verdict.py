"""What ``verify`` found: one line per check, passed, failed or not made.

A check that could not be made is never counted as passed: the report names it, and the
overall verdict says which were left out. A mail agrees with its own attachment however it
was made, so the body checks prove nothing about who made it: only a check that proves the
origin (the bot's DKIM signature, the stored record) makes a mail VALID.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PASSED, FAILED, NOT_CHECKED = "VALID", "INVALID", "NOT CHECKED"
UNVERIFIED = "NOT VERIFIED"
_COLUMN = len(NOT_CHECKED) + 2


@dataclass(frozen=True, slots=True)
class Line:
    status: str  # PASSED, FAILED or NOT_CHECKED
    name: str  # what was checked: "text part", "DKIM signature", "store"
    detail: str
    proves_origin: bool = False  # passed, and shows that this bot made what was checked

    def __str__(self) -> str:
        return f"{self.status.ljust(_COLUMN)}{self.name}: {self.detail}"


@dataclass
class Verdict:
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Set for what anyone could have made (a mail, a record file): VALID needs a check that
    # proves the origin. Unset for the store's own chain.
    needs_origin: bool = False

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

    def ok(self, name: str, detail: str, *, proves_origin: bool = False) -> None:
        self.lines.append(Line(PASSED, name, detail, proves_origin))

    def fail(self, name: str, detail: str) -> None:
        self.lines.append(Line(FAILED, name, detail))

    def skip(self, name: str, why: str) -> None:
        self.lines.append(Line(NOT_CHECKED, name, why))

    def check(self, ok: bool, name: str, passed: str, failed: str) -> None:
        if ok:
            self.ok(name, passed)
        else:
            self.fail(name, failed)

    def describe(self) -> str:
        return "\n".join([self._headline(), *map(str, self.lines), *self._notes()])

    def _headline(self) -> str:
        failed = sum(line.status == FAILED for line in self.lines)
        if failed:
            return f"INVALID: {failed} check(s) failed"
        if not self.passed:
            return "INVALID: nothing checked"
        if not self.valid:
            return (
                f"{UNVERIFIED}: nothing shows that this bot made it (no DKIM signature of this "
                "bot's domain held, and the store was not checked); it only agrees with itself"
            )
        skipped = list(dict.fromkeys(self.not_checked))
        return f"VALID (not checked: {', '.join(skipped)})" if skipped else "VALID"

    def _notes(self) -> list[str]:
        return [f"{'note'.ljust(_COLUMN)}{note}" for note in self.notes]
