"""`--format sarif`: SARIF 2.1.0 for code scanning (GitHub's Security tab and others),
with each rule's metadata and help text. Valid for any file name: see `strat.inert`."""

from __future__ import annotations

from strat import __version__, inert
from strat.diagnostics import Location
from strat.formats.report import Report

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _physical(loc: Location) -> dict[str, object]:
    return {
        "physicalLocation": {
            # A URI reference (RFC 3986), as SARIF requires and upload-sarif checks: a
            # space, `%` or `:` in a file name is percent-encoded, and so is each byte
            # of a file name that is not UTF-8.
            "artifactLocation": {"uri": inert.uri_path(loc.path), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(loc.line, 1), "startColumn": max(loc.column, 1)},
        }
    }


def render(report: Report) -> str:
    from strat.codes import all_codes

    codes = all_codes()
    used = sorted({d.code for d in report.diagnostics}, key=list(codes).index if codes else None)
    rules: list[dict[str, object]] = []
    index = {}
    for code in used:
        info = codes.get(code)
        index[code] = len(rules)
        rules.append({
            "id": code,
            "name": "".join(part.capitalize() for part in (info.name if info else code).split("-")),
            "shortDescription": {"text": info.summary if info else code},
            "fullDescription": {"text": info.summary if info else code},
            "help": {"text": info.doc if info else code, "markdown": info.doc if info else code},
            "defaultConfiguration": {"level": _LEVEL[info.severity.value] if info else "error"},
            "properties": {"tags": ["strategy"]},
        })
    results = []
    for d in report.diagnostics:
        result: dict[str, object] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _LEVEL[d.severity.value],
            "message": {"text": d.message},
            "locations": [_physical(d.location)],
        }
        if d.related:
            result["relatedLocations"] = [
                {"id": i, **_physical(r), "message": {"text": "related"}} for i, r in enumerate(d.related)
            ]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "strat", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/strat-dev/strat", "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return inert.json_dumps(log, indent=2) + "\n"
