"""`--format json`: {"diagnostics": [...], "summary": {...}} as the SPEC defines.

Strings are exact; `strat.inert.json_dumps` writes invisible characters as JSON escapes,
the bytes of a file name that are not UTF-8 as the text `\\xNN`, and `##[` as `#\\u0023[`,
so the report is valid UTF-8 and a CI log that shows it reads no workflow command."""

from __future__ import annotations

from strat import inert
from strat.diagnostics import Location
from strat.formats.report import Report


def _location(loc: Location) -> dict[str, object]:
    return {"path": loc.path, "line": loc.line, "column": loc.column, "json_path": loc.json_path}


def render(report: Report) -> str:
    payload = {
        "diagnostics": [
            {
                **_location(d.location),
                "code": d.code,
                "severity": d.severity.value,
                "message": d.message,
                "related": [_location(r) for r in d.related],
            }
            for d in report.diagnostics
        ],
        "summary": {**report.counts, "files": report.files, "documents": report.documents},
    }
    return inert.json_dumps(payload, indent=2) + "\n"
