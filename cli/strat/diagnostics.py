"""One type for every finding: syntax, schema, reference and alignment.

Diagnostics are data. The engine decides their severity from the code table and the
configuration; formatters (in `strat.formats`) turn them into text. Nothing here prints.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any


class Severity(str, enum.Enum):
    """How bad a finding is. Only errors change the exit status (warnings do under --strict)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: a repo-relative POSIX path, 1-based line and column, and the
    JSON path of the offending value inside its document (empty for file-level findings)."""

    path: str
    line: int = 1
    column: int = 1
    json_path: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical edit that settles a finding (`strat lint --fix`), as data; `strat.fix`
    turns it into a byte-preserving edit of the file and checks it changed nothing else.

    `replace`: the scalar at `json_path` of document `document` becomes `value` (an id);
    `add`: the document's top-level key `json_path[0]` is added with `value`;
    `drop-ignore`: code `value` leaves the ignore comment on the finding's line."""

    action: str
    json_path: tuple[str | int, ...]
    value: str
    document: int = 0  # the document's index in its file
    title: str = ""  # what the fix does, in words: "`parent`: `grow-new-busines` → `grow-new-business`"
    data: Any = None  # the value the file must read back with (None: `value` itself, a text)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding. `related` names other places that explain it (the first definition of a
    duplicate id, the members of a cycle); `fix`, when set, is the mechanical edit that
    settles it (not part of the finding's identity)."""

    code: str
    severity: Severity
    message: str
    location: Location
    related: tuple[Location, ...] = field(default=())
    fix: Fix | None = field(default=None, compare=False)

    def with_severity(self, severity: Severity) -> "Diagnostic":
        return replace(self, severity=severity)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code)


def summarize(diagnostics: list[Diagnostic]) -> dict[str, int]:
    """Counts per severity, as used by every output format."""
    counts = {s.value: 0 for s in Severity}
    for d in diagnostics:
        counts[d.severity.value] += 1
    return counts
