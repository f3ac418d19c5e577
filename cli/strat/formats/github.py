"""`--format github`: GitHub Actions workflow commands, so findings appear as
annotations on the pull request's files.

GitHub shows at most 10 error and 10 warning annotations per step (50 per job); when
there are more, a final notice says so and points at the log, where every finding is
also printed as a plain line.
"""

from __future__ import annotations

from strat.formats.report import Report

GITHUB_SHOWN_PER_LEVEL = 10
_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    per_level: dict[str, int] = {}
    for d in report.diagnostics:
        level = _LEVEL[d.severity.value]
        per_level[level] = per_level.get(level, 0) + 1
        loc = d.location
        props = (f"file={escape_property(loc.path)},line={loc.line},col={loc.column},"
                 f"title={escape_property(f'{d.code} ({d.severity.value})')}")
        lines.append(f"::{level} {props}::{escape_data(f'{d.code} {d.message}')}")
    hidden = sum(max(0, n - GITHUB_SHOWN_PER_LEVEL) for n in per_level.values())
    if hidden:
        lines.append(escape_data(
            f"::notice title=strat::{len(report.diagnostics)} findings; GitHub shows at most "
            f"{GITHUB_SHOWN_PER_LEVEL} annotations per level, so {hidden} are only in this log"))
        lines.extend(f"{d.location}: {d.code} {d.severity.value} {d.message}" for d in report.diagnostics)
    counts = report.counts
    lines.append(f"strat: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info "
                 f"in {report.documents} documents")
    return "\n".join(lines) + "\n"
