"""Renderers for `strat diff`: pure functions from a DiffReport to text, chosen by name
from `DIFF_FORMATS` (its keys are the `--format` choices).

Every value from the repository or its history goes through `strat.inert`: `text` for
the terminal, `markdown` (sentences: `markdown_sentence`) for a pull request comment,
`json_dumps` for tools."""

from __future__ import annotations

from typing import Callable

from strat import inert, schemas
from strat.changes import MISSING, EntityChange
from strat.diagnostics import Diagnostic
from strat.diff import DiffReport
from strat.diffnumbers import NumberChange
from strat.progress_data import progress_data, rollup_data
from strat.load import format_json_path


def _by_kind(changes: list[EntityChange]) -> list[tuple[str, list[EntityChange]]]:
    order = schemas.kinds()
    groups: dict[str, list[EntityChange]] = {}
    for change in changes:
        groups.setdefault(change.kind, []).append(change)
    return sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


def _plural(kind: str) -> str:
    return {"Strategy": "Strategy", "Person": "People", "Readings": "Readings"}.get(kind, kind + "s")


def _counts(report: DiffReport) -> str:
    counts: dict[str, int] = {}
    for change in report.changes:
        counts[change.status] = counts.get(change.status, 0) + 1
    parts = [f"{n} {status}" for status, n in sorted(counts.items())]
    return ", ".join(parts) if parts else "no entity changed"


def _lint_line(report: DiffReport) -> str:
    if not report.lint_compared:
        return inert.text(report.lint_note) or "lint not compared (--no-lint)"
    return f"lint: {len(report.introduced)} finding(s) introduced, {len(report.fixed)} fixed"


def _today(report: DiffReport) -> str:
    return report.today.isoformat() if report.today else "today"


def render_markdown(report: DiffReport) -> str:
    lines = [f"## Strategy changes: `{inert.text(report.base[:12])}` → {inert.markdown(report.head_label)}", "",
             f"**{_counts(report)}** · {_lint_line(report)}", ""]
    lines += [f"> {inert.markdown_sentence(note)}" for note in report.notes] + ([""] if report.notes else [])
    if report.numbers:
        lines += [f"### What it does to the numbers (as of {_today(report)})"]
        for moved in report.numbers:
            said = moved.sentences()
            lines.append(f"- {inert.markdown_sentence(said[0])}")
            lines.extend(f"  - {inert.markdown_sentence(s.split(': ', 1)[-1])}" for s in said[1:])
        lines.append("")
    for kind, changes in _by_kind(report.changes):
        lines.append(f"### {_plural(kind)}")
        for change in changes:
            title = f" — *{inert.markdown(change.title)}*" if change.title else ""
            sentences = change.sentences()
            lines.append(f"- {inert.markdown_sentence(sentences[0])}{title}")
            lines.extend(f"  - {inert.markdown_sentence(s.split(': ', 1)[-1])}" for s in sentences[1:])
        lines.append("")
    for label, findings in (("Findings introduced", report.introduced), ("Findings fixed", report.fixed)):
        if findings:
            lines += [f"### {label}", "", "| Code | Where | Finding |", "|---|---|---|"]
            lines += [f"| {d.code} | {inert.markdown(d.location)} | {inert.markdown(d.message)} |"
                      for d in findings[:100]]
            if len(findings) > 100:
                lines.append(f"\n… and {len(findings) - 100} more.")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_text(report: DiffReport) -> str:
    lines = [f"strategy changes {inert.text(report.base[:12])} → {inert.text(report.head_label)}: {_counts(report)}; "
             f"{_lint_line(report)}"]
    lines += [f"note: {inert.text(note)}" for note in report.notes]
    if report.numbers:
        lines.append(f"\nnumbers (as of {_today(report)}):")
        for moved in report.numbers:
            lines.extend(f"  {inert.text(s)}" for s in moved.sentences())
    for kind, changes in _by_kind(report.changes):
        lines.append(f"\n{_plural(kind)}:")
        for change in changes:
            lines.extend(f"  {inert.text(s)}" for s in change.sentences())
    for label, findings in (("introduced", report.introduced), ("fixed", report.fixed)):
        if findings:
            lines.append(f"\nfindings {label}:")
            lines.extend(f"  {inert.text(d.location)}: {d.code} {d.severity.value} {inert.text(d.message)}"
                         for d in findings)
    return "\n".join(lines) + "\n"


def _value(value: object) -> object:
    return None if value is MISSING else value


def _diag(d: Diagnostic) -> dict[str, object]:
    loc = d.location
    return {"path": loc.path, "line": loc.line, "column": loc.column, "json_path": loc.json_path,
            "code": d.code, "severity": d.severity.value, "message": d.message}


def _number(change: NumberChange) -> dict[str, object]:
    """One objective or goal whose numbers moved: before and after in the shape of
    `strat tree -f json` (`strat.progress_data`)."""
    rollup = "goals_rollup" if change.kind == "objective" else "kr_rollup"
    return {
        "kind": change.kind, "id": change.id, "label": change.label, "unit": change.unit,
        "sentences": change.sentences(),
        "before": progress_data(change.before) if change.before is not None else None,
        "after": progress_data(change.after),
        rollup: {"before": rollup_data(change.rollup_before), "after": rollup_data(change.rollup_after)},
        "key_results": [{"metric": kr.metric, "index": kr.index, "title": kr.label,
                         "before": progress_data(kr.before) if kr.before is not None else None,
                         "after": progress_data(kr.after) if kr.after is not None else None}
                        for kr in change.key_results],
    }


def render_json(report: DiffReport) -> str:
    payload = {
        "base": report.base,
        "head": report.head,
        "changes": [
            {"kind": c.kind, "id": c.id, "status": c.status, "path": c.path, "old_path": c.old_path,
             "title": c.title, "sentences": c.sentences(),
             "fields": [{"path": format_json_path(f.path), "old": _value(f.old), "new": _value(f.new),
                         "added": f.old is MISSING, "removed": f.new is MISSING} for f in c.fields]}
            for c in report.changes
        ],
        "today": _today(report),
        "numbers_compared": report.numbers_compared,
        "numbers": [_number(n) for n in report.numbers],
        "notes": report.notes,
        "lint": {"compared": report.lint_compared, "note": report.lint_note, "introduced": [_diag(d) for d in report.introduced],
                 "fixed": [_diag(d) for d in report.fixed]},
    }
    return inert.json_dumps(payload, indent=2, default=str) + "\n"


DIFF_FORMATS: dict[str, Callable[[DiffReport], str]] = {
    "markdown": render_markdown,
    "text": render_text,
    "json": render_json,
}
