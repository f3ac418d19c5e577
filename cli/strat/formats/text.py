"""`--format text`: one line per finding, `path:line:col: CODE severity message`, then a
one-line summary. Colour only when asked (the CLI asks on a terminal). Paths and
messages pass through `strat.inert.text` before strat adds its own colours."""

from __future__ import annotations

from strat import inert
from strat.formats.report import Report

_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(report: Report) -> str:
    import click

    def style(text: str, **kw: object) -> str:
        return click.style(text, **kw) if report.color else text  # type: ignore[arg-type]

    lines = []
    for d in report.diagnostics:
        sev = d.severity.value
        lines.append(f"{style(inert.text(d.location), bold=True)}: {style(d.code, fg=_COLORS[sev], bold=True)} "
                     f"{style(sev, fg=_COLORS[sev])} {inert.text(d.message)}")
    counts = report.counts
    scope = f"{_plural(report.documents, 'document')} in {_plural(report.files, 'file')}"
    if not report.diagnostics:
        lines.append(style(f"All clear: {scope}, no findings.", fg="green"))
    else:
        parts = [_plural(counts[s], s) for s in ("error", "warning", "info") if counts[s]]
        lines.append(f"Found {', '.join(parts)} in {scope}.")
    return "\n".join(lines) + "\n"
