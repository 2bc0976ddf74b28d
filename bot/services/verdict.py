"""What ``verify`` found: one line per check, passed, failed or not made.

A check that could not be made is never counted as passed: the report names it, and the
overall verdict says which were left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PASSED, FAILED, NOT_CHECKED = "VALID", "INVALID", "NOT CHECKED"
_COLUMN = len(NOT_CHECKED) + 2


@dataclass(frozen=True, slots=True)
class Line:
    status: str  # PASSED, FAILED or NOT_CHECKED
    name: str  # what was checked: "text part", "DKIM signature", "store"
    detail: str

    def __str__(self) -> str:
        return f"{self.status.ljust(_COLUMN)}{self.name}: {self.detail}"


@dataclass
class Verdict:
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

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
    def valid(self) -> bool:
        return not self.failed and bool(self.passed)

    def ok(self, name: str, detail: str) -> None:
        self.lines.append(Line(PASSED, name, detail))

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
        if not self.valid:
            failed = sum(line.status == FAILED for line in self.lines)
            return f"INVALID: {failed} check(s) failed" if failed else "INVALID: nothing checked"
        skipped = list(dict.fromkeys(self.not_checked))
        return f"VALID (not checked: {', '.join(skipped)})" if skipped else "VALID"

    def _notes(self) -> list[str]:
        return [f"{'note'.ljust(_COLUMN)}{note}" for note in self.notes]
