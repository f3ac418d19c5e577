"""`--format text`: one line per finding, `path:line:col: CODE severity message`, then a
one-line summary. Colour only when asked (the CLI asks on a terminal)."""

from __future__ import annotations

from strat.formats.report import Report, one_line

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
        lines.append(f"{style(str(d.location), bold=True)}: {style(d.code, fg=_COLORS[sev], bold=True)} "
                     f"{style(sev, fg=_COLORS[sev])} {one_line(d.message)}")
    counts = report.counts
    scope = f"{_plural(report.documents, 'document')} in {_plural(report.files, 'file')}"
    if not report.diagnostics:
        lines.append(style(f"All clear: {scope}, no findings.", fg="green"))
    else:
        parts = [_plural(counts[s], s) for s in ("error", "warning", "info") if counts[s]]
        lines.append(f"Found {', '.join(parts)} in {scope}.")
    return "\n".join(lines) + "\n"
