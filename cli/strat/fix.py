"""`strat lint --fix`: mechanical fixes only, each a byte-preserving edit.

Which findings can be fixed (`FIXABLE`, shown by `strat rules`):

* **R201** a reference to an id that does not exist, when exactly one existing id of the
  right kind is close to it (for a person: exactly one person fits the name or e-mail
  word): the id is replaced, inside its quotes if it has them.
* **S102** a Goal's missing `period`, when what it names settles it: its plan's
  `period`, else its parent's (objective or goal), else the parent objective's due date
  when exactly one period of the Strategy ends by then (any other would be A308). A line
  `period: …` is added after `parent:`.
* **A316** a `current` that is not the latest check-in's value: it becomes that value.
* **I001** an ignore comment that silences nothing: its code leaves the comment, and the
  comment leaves the line when it named nothing else (a line left empty goes too).

Fixes are data on the findings (`Diagnostic.fix`): `strat.ignores` attaches I001's, the
rule A316 its own,
`attach` adds R201's and S102's after the model is built (they need the other
documents). `plan` turns them into one new content per file: every edit is a splice at
the positions the YAML parser gives; the new text is parsed again and its data must equal
the old data with exactly the fixes applied (an ignore comment changes no data), or the
file is left alone and the reason said. Writing is the caller's, through `strat.write`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from strat.checkin_edit import EditProblem, _content_end, _insert_lines, _newline, compose_text, get_value, splice
from strat.diagnostics import Diagnostic, Fix
from strat.load import Document, JsonPath, format_json_path, parse_bytes
from strat.model import Model, references
from strat.write import FileChange, unified_diff
from strat.yamlnodes import MappingNode, ScalarNode, SequenceNode

FIXABLE = {
    "A316": "`current` set to the latest check-in's value",
    "R201": "when exactly one existing id is close to the unknown one",
    "S102": "a Goal's missing `period`, when its plan, its parent or its objective's due date settles it",
    "I001": "an ignore comment that silences nothing",
}


# --- which findings get a fix ------------------------------------------------------------


def attach(diagnostics: list[Diagnostic], model: Model) -> list[Diagnostic]:
    """The findings with R201's and S102's fixes attached where one is certain."""
    by_file: dict[str, list[Document]] = {}
    for doc in model.documents:
        by_file.setdefault(doc.path, []).append(doc)
    out = []
    people: Any = None
    for d in diagnostics:
        fix = None
        if d.code == "R201" and d.fix is None:
            if people is None:
                from strat.refs import PeopleIndex

                people = PeopleIndex(model)
            fix = _reference_fix(d, by_file.get(d.location.path, ()), model, people)
        elif d.code == "S102" and "missing required field `period`;" in d.message and not d.location.json_path:
            fix = _period_fix(d, by_file.get(d.location.path, ()), model)
        out.append(replace(d, fix=fix) if fix is not None else d)
    return out


def _reference_fix(d: Diagnostic, docs: Any, model: Model, people: Any) -> Fix | None:
    from strat.refs import did_you_mean

    for doc in docs:
        if doc.kind is None:
            continue
        for path, ident, targets in references(doc):
            if format_json_path(path) != d.location.json_path or doc.location(path) != d.location:
                continue
            candidates = [i for t in targets for i in model.namespace(t)]
            # In the order of R201's own hint: for a person, a name or e-mail word first.
            exact = people.aliases.get(ident) if "Person" in targets else None
            close = sorted(set(exact)) if exact else did_you_mean(ident, candidates, n=2)
            if not close and "Person" in targets:
                near = did_you_mean(ident, people.words, n=2)
                close = sorted(set(people.aliases[near[0]])) if len(near) == 1 else []
            if len(close) != 1:
                return None
            return Fix("replace", path, close[0], doc.index,
                       f"`{format_json_path(path)}`: `{ident}` → `{close[0]}`")
    return None


def settled_period(goal: Document, model: Model) -> str | None:
    """The period a goal without one belongs in, when something it names settles it: its
    plan's `period`, else its parent's (objective or goal), else the parent objective's
    due date, when exactly one period of the Strategy ends by then (any other would be
    A308, a period that ends after the objective is due)."""
    for ident, kinds in ((goal.data.get("plan"), ("Plan",)), (goal.data.get("parent"), ("Objective", "Goal"))):
        found = model.get(ident)
        period = found.data.get("period") if found is not None and found.kind in kinds else None
        if isinstance(period, str) and period in model.periods:
            return period
    parent = model.get(goal.data.get("parent"), "Objective")
    due = parent.data.get("due") if parent is not None else None
    if due is None:
        return None
    fits = [p.id for p in model.periods.values() if str(p.end) <= str(due)]
    return fits[0] if len(fits) == 1 else None


def _period_fix(d: Diagnostic, docs: Any, model: Model) -> Fix | None:
    for doc in docs:
        if doc.kind == "Goal" and "period" not in doc.data and doc.location() == d.location:
            period = settled_period(doc, model)
            if period is None:
                return None
            return Fix("add", ("period",), period, doc.index, f"add `period: {period}`")
    return None


# --- the edits ---------------------------------------------------------------------------------


@dataclass(slots=True)
class FixPlan:
    changes: list[FileChange] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)
    skipped: list[tuple[Diagnostic, str]] = field(default_factory=list)  # (finding, why not)

    def diff(self) -> str:
        return unified_diff(self.changes)


def plan(root: Path, diagnostics: list[Diagnostic]) -> FixPlan:
    """The new content of every file with a fixable finding (nothing written)."""
    result = FixPlan()
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.fix is not None:
            by_file.setdefault(d.location.path, []).append(d)
    for rel, found in sorted(by_file.items()):
        try:
            change = _fix_file(root, rel, found)
        except (EditProblem, OSError, UnicodeDecodeError) as problem:
            why = problem.strerror if isinstance(problem, OSError) and problem.strerror else str(problem)
            result.skipped.extend((d, why) for d in found)
            continue
        result.changes.append(change)
        result.fixed.extend(found)
    return result


def _fix_file(root: Path, rel: str, found: list[Diagnostic]) -> FileChange:
    raw = (root / rel).read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3 if bom else 0:].decode("utf-8")
    nodes = compose_text(text)
    edits: list[tuple[int, int, str]] = []
    drops: dict[int, set[str]] = {}
    for d in found:
        fix = d.fix
        assert fix is not None
        if fix.action == "drop-ignore":
            drops.setdefault(d.location.line, set()).add(fix.value)
            continue
        doc = nodes[fix.document] if 0 <= fix.document < len(nodes) else None
        if not isinstance(doc, MappingNode):
            raise EditProblem("its document could not be found again")
        edits.append(_replace(text, doc, fix) if fix.action == "replace" else _add(text, doc, fix))
    for line, codes in drops.items():
        edits.extend(_drop_ignore(text, line, codes))
    new_text = splice(text, edits)
    content = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    _verify(raw, content, rel, [d.fix for d in found if d.fix is not None])
    return FileChange(rel, content, raw)


def _node_at(doc: Any, path: JsonPath) -> Any:
    node = doc
    for step in path:
        if isinstance(node, MappingNode) and isinstance(step, str):
            found = get_value(node, step)
            node = found[1] if found else None
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            raise EditProblem(f"`{format_json_path(path)}` could not be found again")
    return node


def _replace(text: str, doc: Any, fix: Fix) -> tuple[int, int, str]:
    node = _node_at(doc, fix.json_path)
    if not isinstance(node, ScalarNode):
        raise EditProblem(f"`{format_json_path(fix.json_path)}` is not a single value")
    start, end = node.start_mark.index, node.end_mark.index
    first = text[start:start + 1]
    if first in ("'", '"'):
        return start + 1, end - 1, fix.value
    if first in ("|", ">") or "\n" in text[start:end] or "\r" in text[start:end]:
        raise EditProblem(f"`{format_json_path(fix.json_path)}` spans lines; fix it by hand")
    return start, end, fix.value


def _add(text: str, doc: Any, fix: Fix) -> tuple[int, int, str]:
    if doc.flow_style or not doc.value:
        raise EditProblem("the document is written as one flow mapping `{…}`; fix it by hand")
    key = str(fix.json_path[0])
    if get_value(doc, key) is not None:
        raise EditProblem(f"`{key}` is there already")
    column = doc.value[0][0].start_mark.column
    after = get_value(doc, "parent")
    at = _content_end(after[1]) if after is not None else _content_end(doc)
    return _insert_lines(text, at, [" " * column + f"{key}: {fix.value}"], _newline(text))


def _drop_ignore(text: str, line: int, codes: set[str]) -> list[tuple[int, int, str]]:
    """Edits that take `codes` out of the ignore comment on `line` (1-based)."""
    from strat.ignores import COMMENT

    starts = [0]
    for index, char in enumerate(text):
        if char == "\n" or (char == "\r" and not text.startswith("\r\n", index)):
            starts.append(index + 1)
    if line > len(starts):
        raise EditProblem("the ignore comment's line is gone")
    begin = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    body = text[begin:end].rstrip("\r\n")
    match = COMMENT.search(body)
    if match is None:
        raise EditProblem("the ignore comment could not be found again")
    listed = [c.strip() for c in match["codes"].split(",") if c.strip()]
    kept = [c for c in listed if c not in codes]
    if kept:
        start, stop = match.span("codes")
        return [(begin + start, begin + stop, ", ".join(kept))]
    cut = match.start()
    while cut > 0 and body[cut - 1] in " \t":
        cut -= 1
    if body[:cut].strip() == "":  # a line of its own: it goes, with its line break
        return [(begin, end, "")]
    return [(begin + cut, begin + len(body), "")]


def _verify(raw: bytes, content: bytes, rel: str, fixes: list[Fix]) -> None:
    """The new file reads back as the old data with exactly these fixes applied."""
    before, _ = parse_bytes(raw, rel, report_empty=False)
    after, problems = parse_bytes(content, rel, report_empty=False)
    if before is None or after is None or problems or len(before.documents) != len(after.documents):
        raise EditProblem("the fixed file would not read back as the same documents")
    expected = [_copy(doc.data) for doc in before.documents]
    for fix in fixes:
        if fix.action == "drop-ignore":
            continue
        data = expected[fix.document]
        if fix.action == "add":
            data[str(fix.json_path[0])] = fix.value
            continue
        holder: Any = data
        for step in fix.json_path[:-1]:
            holder = holder[step]
        holder[fix.json_path[-1]] = fix.value if fix.data is None else fix.data
    for want, doc in zip(expected, after.documents):
        if want != doc.data:
            raise EditProblem("the fix would change more than its finding; fix it by hand")


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
