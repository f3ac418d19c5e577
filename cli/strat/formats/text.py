"""`--format text`: one line per finding, `path:line:col: CODE severity message`, then a
one-line summary. Colour only when asked (the CLI asks on a terminal). Paths and
messages pass through `strat.inert.text` before strat adds its own colours."""

from __future__ import annotations

from strat import inert
from strat.diagnostics import Diagnostic
from strat.formats.report import Report

_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def finding_lines(diagnostics: list[Diagnostic], color: bool = False) -> list[str]:
    """One `path:line:col: CODE severity message` line per finding (also used by commands
    that report findings beside their own output, such as `strat measure`)."""
    import click

    def style(text: str, **kw: object) -> str:
        return click.style(text, **kw) if color else text  # type: ignore[arg-type]

    lines = []
    for d in diagnostics:
        sev = d.severity.value
        lines.append(f"{style(inert.text(d.location), bold=True)}: {style(d.code, fg=_COLORS[sev], bold=True)} "
                     f"{style(sev, fg=_COLORS[sev])} {inert.text(d.message)}")
    return lines


def render(report: Report) -> str:
    import click

    def style(text: str, **kw: object) -> str:
        return click.style(text, **kw) if report.color else text  # type: ignore[arg-type]

    lines = finding_lines(report.diagnostics, report.color)
    counts = report.counts
    scope = f"{_plural(report.documents, 'document')} in {_plural(report.files, 'file')}"
    if not report.diagnostics:
        lines.append(style(f"All clear: {scope}, no findings.", fg="green"))
    else:
        parts = [_plural(counts[s], s) for s in ("error", "warning", "info") if counts[s]]
        lines.append(f"Found {', '.join(parts)} in {scope}.")
    return "\n".join(lines) + "\n"
