"""The file edits of `strat measure`: new readings spliced into a Readings file as one flow
line each (`- {date: D, value: V}`), restated values replaced in place, or a new Readings
file; every other byte stays (comments, CRLF, BOM, other documents). Each new text is
read back with strat's loader and compared with the old data plus the change: any other
difference, and nothing is written for the metrics of that file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from strat.checkin_edit import (EditProblem, _content_end, _dash_index, _insert_lines, _line_start, _newline,
                                compose_text, get_value, splice)
from strat.load import parse_bytes
from strat.write import FileChange
from strat.yamlnodes import MappingNode, ScalarNode, SequenceNode

BOM = "\ufeff"


class MeasureWriteProblem(Exception):
    """The write cannot be planned at all."""


def plan_changes(root: Path, folder: Path, model: Any, series: Any, runs: list[Any], restate: bool,
                 sources: dict[str, Any] | None = None) -> tuple[list[FileChange], list[tuple[Any, str]]]:
    """The file changes for the runs' new readings (and restatements with `restate`), and
    (run, problem) for every run whose file cannot be edited safely. `sources` are the
    files as the strategy was loaded (`strat.load.SourceFile` by path): a file that still
    reads as loaded is not parsed again before the edit."""
    per_file: dict[str, list[tuple[Any, str, Any]]] = {}  # rel → (run, "new"|"restate", change)
    creates: list[Any] = []
    for run in runs:
        stored = series.series(run.metric)
        if run.new:
            if stored:
                run.file = stored[-1].path
                per_file.setdefault(stored[-1].path, []).extend((run, "new", c) for c in run.new)
            else:
                creates.append(run)
        if restate:
            for change in run.restatements:
                for reading in stored:
                    if reading.date == change.date and reading.value != change.number and reading.path:
                        per_file.setdefault(reading.path, []).append((run, "restate", change))
    changes: list[FileChange] = []
    problems: list[tuple[Any, str]] = []
    for rel, items in per_file.items():
        try:
            changes.append(_edit_file(root, rel, items, (sources or {}).get(rel)))
        except EditProblem as problem:
            for run in {id(r): r for r, _, _ in items}.values():
                problems.append((run, f"{rel}: {problem}; nothing written for `{run.metric}`"))
    for run in creates:
        try:
            changes.append(_new_file(root, folder, model, run))
        except EditProblem as problem:
            problems.append((run, str(problem)))
    return changes, problems


def _readings_docs(nodes: list[Any], metric: str) -> list[Any]:
    out = []
    for node in nodes:
        if not isinstance(node, MappingNode):
            continue
        kind, owner = get_value(node, "kind"), get_value(node, "metric")
        if kind and owner and kind[1].value == "Readings" and owner[1].value == metric:
            out.append(node)
    return out


def _item_date(item: Any) -> str | None:
    if isinstance(item, MappingNode):
        found = get_value(item, "date")
        if found and isinstance(found[1], ScalarNode):
            return str(found[1].value)
    return None


def _values(doc: Any) -> SequenceNode:
    found = get_value(doc, "values")
    if found is None or not isinstance(found[1], SequenceNode):
        raise EditProblem("`values` is not a list")
    return found[1]


def _edit_file(root: Path, rel: str, items: list[tuple[Any, str, Any]], source: Any = None) -> FileChange:
    raw = (root / rel).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EditProblem("the file is not UTF-8") from None
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    if source is not None and source.text != body.replace("\r\n", "\n").replace("\r", "\n"):
        source = None  # changed since the strategy was loaded: read it again
    before = [d.data for d in source.documents] if source is not None else None
    appended = _append_to_tail(body, items, source)
    if appended is not None:  # the common case: new readings after a long tail of reading lines
        new_text, appended_expect = appended
        content = ((BOM if bom else "") + new_text).encode("utf-8")
        _verify(raw, content, rel, appended_expect, before)
        return FileChange(rel, content, raw)
    nodes = compose_text(body)
    newline = _newline(body)
    edits: list[tuple[int, int, str]] = []
    expect: dict[tuple[str, str], float] = {}  # (metric, date) → value after the edit
    for metric in {run.metric: run for run, _, _ in items}:
        docs = _readings_docs(nodes, metric)
        if not docs:
            raise EditProblem(f"no Readings document of `{metric}` in the file")
        news = sorted((c for r, how, c in items if r.metric == metric and how == "new"), key=lambda c: c.date)
        fixes = {c.date: c for r, how, c in items if r.metric == metric and how == "restate"}
        for change in news:
            expect[(metric, change.date)] = change.number
        for change in fixes.values():
            expect[(metric, change.date)] = change.number
        if news:
            edits += _insertions(body, _newest_doc(docs), news, newline)
        for doc in docs:
            for item in _values(doc).value:
                change = fixes.get(_item_date(item) or "")
                found = get_value(item, "value") if isinstance(item, MappingNode) else None
                if change and found and isinstance(found[1], ScalarNode):
                    edits.append((found[1].start_mark.index, found[1].end_mark.index, change.value))
    new_text = (BOM if bom else "") + splice(body, edits)
    content = new_text.encode("utf-8")
    _verify(raw, content, rel, expect, before)
    return FileChange(rel, content, raw)


def _append_to_tail(body: str, items: list[tuple[Any, str, Any]], source: Any
                    ) -> tuple[str, dict[tuple[str, str], float]] | None:
    """The new text and the expected readings when the edit is only new readings of one
    metric, all after every reading in the file, and the file (as loaded) ends with its
    Readings document's long tail of `- {date: D, value: V}` lines (`strat.flowtail`):
    the new lines go at the end, in the tail's indentation. None: plan by composing the
    file. Either way the new text is read back and compared (`_verify`)."""
    from strat import flowtail

    if source is None or not source.documents or any(how != "new" for _, how, _ in items):
        return None
    metrics = {run.metric for run, _, _ in items}
    last = source.documents[-1].data
    if len(metrics) != 1 or last.get("kind") != "Readings" or last.get("metric") not in metrics:
        return None
    if not body.endswith("\n") or "\r" in body:
        return None
    cut = flowtail.split(body)
    if cut is None:
        return None
    tail = cut[1]
    latest = max((str(v.get("date")) for d in source.documents if d.data.get("kind") == "Readings"
                  and d.data.get("metric") in metrics for v in d.data.get("values") or () if isinstance(v, dict)),
                 default="")
    news = sorted((c for _, _, c in items), key=lambda c: c.date)
    if latest != tail.matches[-1].group(2) or news[0].date <= latest:
        return None
    indent = tail.matches[0].group(1)
    metric = next(iter(metrics))
    lines = "".join(f"{indent}- {{date: {c.date}, value: {c.value}}}\n" for c in news)
    return body + lines, {(metric, c.date): c.number for c in news}


def _newest_doc(docs: list[Any]) -> Any:
    """The Readings document of the file holding the latest date."""
    def latest(doc: Any) -> str:
        return max((_item_date(i) or "" for i in _values(doc).value), default="")
    return max(docs, key=latest)


def _insertions(text: str, doc: Any, news: list[Any], newline: str) -> list[tuple[int, int, str]]:
    values = _values(doc)
    if values.flow_style:
        raise EditProblem("`values` is a flow list `[…]`; strat measure appends to a block list (`- {date: …}` "
                          "lines)")
    items = values.value
    if not items:
        raise EditProblem("`values` is empty")
    dates = [_item_date(i) or "" for i in items]
    groups: dict[int, list[str]] = {}
    for change in news:
        index = sum(1 for d in dates if d <= change.date)
        groups.setdefault(index, []).append("{date: " + change.date + ", value: " + change.value + "}")
    edits = []
    for index, lines in groups.items():
        neighbour = items[index - 1] if index == len(items) else items[index]
        dash = _dash_index(text, neighbour)
        indent = " " * (dash - _line_start(text, dash))
        gap = " " * max(neighbour.start_mark.index - dash - 1, 1)
        rendered = [indent + "-" + gap + line for line in lines]
        if index == len(items):
            edits.append(_insert_lines(text, _content_end(items[-1]), rendered, newline))
        else:
            at = _line_start(text, dash)
            edits.append((at, at, "".join(line + newline for line in rendered)))
    return edits


def _data(raw: bytes, rel: str, validate: set[str] | None = None) -> list[Any]:
    """The documents' data of `raw` read by strat's loader; with `validate`, the Readings
    documents of those metrics also pass their schema (`strat.validate`, whose long lists
    `strat.fastcheck` proves valid without jsonschema)."""
    source, diagnostics = parse_bytes(raw, rel)
    if source is None or any(d.severity.value == "error" for d in diagnostics):
        raise EditProblem("the file does not read back cleanly after the edit")
    if validate:
        from strat.validate import validate_documents

        _, findings = validate_documents([d for d in source.documents if d.data.get("kind") == "Readings"
                                          and d.data.get("metric") in validate])
        if findings:
            raise EditProblem(f"the edit would not pass the schema: {findings[0].message}")
    return [d.data for d in source.documents]


def _verify(old: bytes, new: bytes, rel: str, expect: dict[tuple[str, str], float],
            before: list[Any] | None = None) -> None:
    """The new file reads back as the old data (`before`: as loaded, else `old` read
    again) with exactly the expected readings, and its Readings documents are valid."""
    if before is None:
        before = _data(old, rel)
    after = _data(new, rel, validate={metric for metric, _ in expect})
    if len(before) != len(after):
        raise EditProblem("the edit would change the file's documents")
    seen: set[tuple[str, str]] = set()
    for a, b in zip(before, after):
        if a.get("kind") != "Readings" or a == b:
            if a != b:
                raise EditProblem("the edit would change another document")
            continue
        metric = a.get("metric")
        if {k: v for k, v in a.items() if k != "values"} != {k: v for k, v in b.items() if k != "values"}:
            raise EditProblem("the edit would change another field")
        old_rows = [(str(v.get("date")), v) for v in a.get("values") or []]
        new_rows = [(str(v.get("date")), v) for v in b.get("values") or []]
        for day, entry in new_rows:
            key = (metric, day)
            if key in expect:
                if float(entry.get("value")) != expect[key]:
                    raise EditProblem(f"the reading of {day} would not read back as {expect[key]}")
                seen.add(key)
        others_old = [(d, v) for d, v in old_rows if (metric, d) not in expect]
        others_new = [(d, v) for d, v in new_rows if (metric, d) not in expect]
        if others_old != others_new:
            raise EditProblem("the edit would change other readings")
        if [d for d, _ in new_rows] != sorted(d for d, _ in new_rows) and \
                [d for d, _ in old_rows] == sorted(d for d, _ in old_rows):
            raise EditProblem("the readings would not stay in date order")
    if seen != set(expect):
        raise EditProblem("not every reading would be written")


def _new_file(root: Path, folder: Path, model: Any, run: Any) -> FileChange:
    target = folder / "readings" / f"{run.metric}.yaml"
    rel = target.relative_to(root).as_posix()
    if target.exists() or os.path.lexists(target):
        raise EditProblem(f"{rel} exists but holds no readings of `{run.metric}`; add a Readings document of it "
                          "by hand, then run strat measure again")
    ident = next((i for i in (f"{run.metric}-readings", f"{run.metric}-measured") if i not in model.by_id), None)
    if ident is None:
        raise EditProblem(f"the ids `{run.metric}-readings` and `{run.metric}-measured` are taken; create the "
                          f"metric's Readings file by hand")
    schemas = Path(os.path.relpath(root / "schemas", target.parent)).as_posix()
    lines = [f"# yaml-language-server: $schema={schemas}/readings.schema.json",
             "#",
             f"# Readings of {run.metric}, written by `strat measure`: one reading a line, oldest first.",
             "kind: Readings", f"id: {ident}", f"metric: {run.metric}", "values:",
             *(f"  - {{date: {c.date}, value: {c.value}}}" for c in run.new)]
    content = ("\n".join(lines) + "\n").encode("utf-8")
    source, diagnostics = parse_bytes(content, rel)
    if source is None or diagnostics:
        raise EditProblem(f"{rel}: the new file does not read back cleanly")
    run.file = rel
    return FileChange(rel, content, None)
