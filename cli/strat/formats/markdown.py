"""A Markdown summary of a lint run: for a GitHub job summary (`$GITHUB_STEP_SUMMARY`)
or a pull request comment. Text from YAML is escaped so it cannot become markup."""

from __future__ import annotations

from strat.formats.report import Report

_ICON = {"error": "🔴", "warning": "🟡", "info": "🔵"}


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: HTML-escaped, pipes and backticks neutralised."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("|", "&#124;").replace("`", "&#96;").replace("[", "&#91;").replace("]", "&#93;")
    return " ".join(out.splitlines())  # LF, CR and CRLF all end a Markdown line


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
        lines.append(f"| {_ICON[d.severity.value]} | {d.code} | {md_cell(str(d.location))} | {md_cell(d.message)} |")
    if len(report.diagnostics) > limit:
        lines.append(f"\n… and {len(report.diagnostics) - limit} more; see the job log.")
    return "\n".join(lines) + "\n"


def md_text(text: str) -> str:
    """Inline text safe in Markdown: like `md_cell`, but backticks stay, so the ids our
    own sentences quote render as code."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace("|", "&#124;").replace("\n", " ").replace("[", "&#91;").replace("]", "&#93;")
