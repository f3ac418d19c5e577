"""A Markdown summary of a lint run: for a GitHub job summary (`$GITHUB_STEP_SUMMARY`)
or a pull request comment. Text from YAML goes through `strat.inert.markdown`, so it
cannot become markup, break a table row or a line, or mention anyone."""

from __future__ import annotations

from strat import inert
from strat.formats.report import Report

_ICON = {"error": "🔴", "warning": "🟡", "info": "🔵"}


def render(report: Report, limit: int = 200) -> str:
    counts = report.counts
    lines = ["## strat lint", ""]
    if not report.diagnostics:
        lines.append(f"✅ All clear: {report.documents} documents in {report.files} files, no findings.")
        return "\n".join(lines) + "\n"
    lines.append(f"**{counts['error']}** errors, **{counts['warning']}** warnings, **{counts['info']}** info "
                 f"in {report.documents} documents.")
    lines += ["", "| | Code | Where | Finding |", "|---|---|---|---|"]
    for d in report.diagnostics[:limit]:
        lines.append(f"| {_ICON[d.severity.value]} | {d.code} | {inert.markdown(d.location)} | "
                     f"{inert.markdown(d.message)} |")
    if len(report.diagnostics) > limit:
        lines.append(f"\n… and {len(report.diagnostics) - limit} more; see the job log.")
    return "\n".join(lines) + "\n"
