"""`--format github`: GitHub Actions workflow commands, so findings appear as
annotations on the pull request's files.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step (50 per
job); when there are more, a notice placed first says so and points at the log, where
every finding is also printed as a plain line that the runner cannot mistake for a
command.

Text from the repository is made visible first (`strat.inert`: an escape character is
shown as `\\x1b`, U+202E as `<U+202E>`), so a log or a terminal showing these lines
receives no control character; line breaks inside an annotation stay line breaks, in
the runner's own `%0A` form.
"""

from __future__ import annotations

from strat import inert
from strat.formats.report import Report

GITHUB_SHOWN_PER_LEVEL = 10
_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Annotation data as the runner decodes it: `%`, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title): also `:` and `,`, which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _data(text: str) -> str:
    """Repository text as annotation data: hidden characters visible, line breaks kept."""
    return escape_data(inert.visible(text, keep="\r\n"))


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
        props = (f"file={escape_property(inert.visible(loc.path))},line={loc.line},col={loc.column},"
                 f"title={escape_property(f'{d.code} ({d.severity.value})')}")
        lines.append(f"::{_LEVEL[d.severity.value]} {props}::{_data(f'{d.code} {d.message}')}")
    if note:
        # A plain log line: one line (line breaks shown as \n), no `::` at its start, no `##[`.
        lines.extend(inert.text(f"{d.location}: {d.code} {d.severity.value} {d.message}") for d in report.diagnostics)
    counts = report.counts
    lines.append(f"strat: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info "
                 f"in {report.documents} documents")
    return "\n".join(lines) + "\n"
