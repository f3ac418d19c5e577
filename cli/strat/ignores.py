"""Inline ignore comments: `# strat: ignore[A304] reason` on the reported line silences
that code there. The reason is required; an ignore that silences nothing, or names an
unknown code, is itself reported (I001)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from strat.diagnostics import Diagnostic, Fix, Location, Severity

COMMENT = re.compile(r"#\s*strat:\s*ignore\[(?P<codes>[^\]]*)\]\s*(?P<reason>.*)$")
_CODE = re.compile(r"^[A-Z][0-9]{3}$")


@dataclass(slots=True)
class Ignore:
    path: str
    line: int
    column: int
    codes: tuple[str, ...]
    reason: str


def find_ignores(path: str, text: str) -> list[Ignore]:
    """Every ignore comment of a file. Cheap: a substring test before the regex."""
    out: list[Ignore] = []
    if "strat:" not in text:
        return out
    for number, line in enumerate(text.splitlines(), 1):
        if "strat:" not in line:
            continue
        match = COMMENT.search(line)
        if match:
            codes = tuple(c.strip() for c in match["codes"].split(",") if c.strip())
            out.append(Ignore(path, number, match.start() + 1, codes, match["reason"].strip()))
    return out


def apply_ignores(diagnostics: list[Diagnostic], ignores: list[Ignore], known_codes: set[str],
                  active_codes: set[str] | None = None) -> list[Diagnostic]:
    """Drop the findings an ignore comment silences; add I001 for bad or unused ignores.
    An ignore for a code that is not being checked this run (deselected, or off) is not
    called unused."""
    by_line: dict[tuple[str, int], list[Ignore]] = {}
    for ignore in ignores:
        by_line.setdefault((ignore.path, ignore.line), []).append(ignore)
    used: set[tuple[int, str]] = set()
    kept = []
    for d in diagnostics:
        silenced = False
        for ignore in by_line.get((d.location.path, d.location.line), ()):
            if d.code in ignore.codes and ignore.reason:
                used.add((id(ignore), d.code))
                silenced = True
        if not silenced:
            kept.append(d)
    for ignore in ignores:
        where = Location(ignore.path, ignore.line, ignore.column)
        if not ignore.reason:
            codes = ", ".join(ignore.codes) or "no code"
            kept.append(_problem(where, f"ignore comment for {codes} gives no reason; write why after the "
                                        f"bracket: `# strat: ignore[{codes}] why this is fine here`"))
            continue
        for code in ignore.codes or ("",):
            if not _CODE.match(code) or code not in known_codes:
                kept.append(_problem(where, f"ignore comment names unknown code `{code}`; see `strat rules`"))
            elif (id(ignore), code) not in used and (active_codes is None or code in active_codes):
                kept.append(_problem(where, f"ignore comment for {code} silences nothing on this line; remove it",
                                     Fix("drop-ignore", (), code, title=f"remove the ignore comment for {code}")))
    return kept


def _problem(location: Location, message: str, fix: Fix | None = None) -> Diagnostic:
    return Diagnostic("I001", Severity.WARNING, message, location, fix=fix)
