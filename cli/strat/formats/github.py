"""`--format github`: GitHub Actions workflow commands, so findings appear as
annotations on the pull request's files.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step (50 per
job); when there are more, a notice placed first says so and points at the log, where
every finding is also printed as a plain line that the runner cannot mistake for a
command.
"""

from __future__ import annotations

from strat.formats.report import Report

GITHUB_SHOWN_PER_LEVEL = 10
_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _log_line(text: str) -> str:
    """A plain log line the runner cannot read as a workflow command: it parses `::name::`
    at the start of a line and the legacy `##[name]` anywhere in one, and a line break in
    YAML text would start a new line."""
    safe = escape_data(text).replace("##[", "##%5B")
    body = safe.lstrip()
    return safe[: len(safe) - len(body)] + "%3A" + body[1:] if body.startswith("::") else safe


def _hidden(per_level: dict[str, int], note: bool) -> int:
    """Findings GitHub will not show as annotations; the note is a notice itself."""
    return sum(max(0, n - GITHUB_SHOWN_PER_LEVEL + (note and level == "notice")) for level, n in per_level.items())


def render(report: Report) -> str:
    per_level: dict[str, int] = {}
    for d in report.diagnostics:
        level = _LEVEL[d.severity.value]
        per_level[level] = per_level.get(level, 0) + 1
    note = _hidden(per_level, note=False) > 0
    lines = []
    if note:  # first, so it is shown even when the notices overflow
        lines.append("::notice title=strat::" + escape_data(
            f"{len(report.diagnostics)} findings; GitHub shows at most {GITHUB_SHOWN_PER_LEVEL} annotations "
            f"per level, so {_hidden(per_level, note=True)} are only in this log"))
    for d in report.diagnostics:
        loc = d.location
        props = (f"file={escape_property(loc.path)},line={loc.line},col={loc.column},"
                 f"title={escape_property(f'{d.code} ({d.severity.value})')}")
        lines.append(f"::{_LEVEL[d.severity.value]} {props}::{escape_data(f'{d.code} {d.message}')}")
    if note:
        lines.extend(_log_line(f"{d.location}: {d.code} {d.severity.value} {d.message}") for d in report.diagnostics)
    counts = report.counts
    lines.append(f"strat: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info "
                 f"in {report.documents} documents")
    return "\n".join(lines) + "\n"
