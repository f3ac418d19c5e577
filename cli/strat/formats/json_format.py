"""`--format json`: {"diagnostics": [...], "summary": {...}} as the SPEC defines."""

from __future__ import annotations

import json

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
    # "##[" only occurs inside JSON strings, where \u0023 is the same character: a CI log
    # that shows this report can then not read a workflow command out of YAML text.
    return json.dumps(payload, indent=2, ensure_ascii=False).replace("##[", "#\\u0023[") + "\n"
