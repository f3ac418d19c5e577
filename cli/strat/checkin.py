"""`strat checkin`: add dated readings of progress to goals, in place.

Planning is pure: `plan_checkins` computes the new text of every file a batch of
check-ins touches and checks it, and only then does the caller hand the changes to
`strat.write.write_all`, which writes them all atomically or none. So a CSV with one bad
row writes nothing, and every bad row is reported with its line.

How a file is edited (`strat.checkin_edit`). `strat.yamlnodes` composes the file (libyaml events, with the start
and end of every node); the check-in is then *inserted* as text at the place those positions
give, and nothing else in the file is touched. Dumping the whole file back through
ruamel would re-indent it, re-flow long lines, rewrite flow collections, drop a BOM and
CRLF line endings: not "byte-for-byte". Splicing keeps every other byte, in every other
document of the file as well. The new text is then re-read by strat's own loader and
schema validation, and its data compared with the old data plus the check-in: any
difference, and nothing is written.

Layout of the inserted check-in:

* A block list gets a new item indented like its neighbours (`- date: …`, keys aligned
  with the neighbour's keys; `- {…}` when the neighbours are flow mappings).
* A flow list (`checkins: [{…}]`) stays a flow list: `, {date: …, value: …}` is added.
* A goal with no `checkins` gets the key at the end of its document, indented like the
  document's other lists.
* Check-ins stay in date order (oldest first): a back-dated check-in goes into its place.
  Two check-ins of one goal on the same day are refused.

`outcome.current` is updated to the new value when the goal keeps one and the check-in is
its newest; a goal without `current` gets none (its latest check-in is its current value).
"""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import difflib
import gc
import io
import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

from strat.diagnostics import Diagnostic, Severity
from strat.load import parse_bytes, resolve_plain
from strat.model import Model
from strat.refs import did_you_mean
from strat.write import FileChange, WriteRefused, target_path
from strat.checkin_edit import EditProblem, add_checkin, checkin_edits, compose_text, find_goal, get_value, splice
from strat.yamlnodes import SequenceNode

# Bounds of `strat checkin --csv` input (documented in the how-to "Check-ins from a data
# job"): a larger file is refused before it is read, more rows as soon as the row past
# the limit is reached; memory stays bounded either way.
MAX_CHECKIN_CSV_BYTES = 20_000_000
MAX_CHECKIN_ROWS = 100_000
CSV_COLUMNS = ("goal", "date", "value", "confidence", "note", "by")
CSV_REQUIRED = ("goal", "value")
BOM = "\ufeff"

_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_INTEGER = re.compile(r"[-+]?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Text that can be written unquoted and reads back as the same text in any YAML reader.
_PLAIN_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9 .;()'/%+_-]*")
# What strat's loader refuses in a file (see strat.load): never let a note bring it in.
# Findings that mean a file could not be read at all (it adds no document to the model).
_FILE_CODES = ("E001", "E003", "E005", "E006", "E007")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Request:
    """One check-in as the user gave it (text, not yet checked)."""

    goal: str
    value: str
    date: str | None = None
    confidence: str | None = None
    note: str | None = None
    by: str | None = None
    where: str = ""  # `data.csv:3` for a CSV row; empty for the command line


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a check-in cannot be made: where (file:line) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    @property
    def line(self) -> int:
        """The line of `where` (`file:line[:col]`), to report problems in file order."""
        parts = self.where.rsplit(":", 2)
        numbers = [int(p) for p in parts[1:] if p.isdigit()]
        return numbers[0] if numbers else 0


@dataclass(frozen=True, slots=True)
class Added:
    """A check-in that the plan adds."""

    goal: str
    path: str
    date: str
    value: str
    current: tuple[str, str] | None  # outcome.current (old text, new text) when updated


@dataclass(slots=True)
class CheckinPlan:
    changes: list[FileChange] = field(default_factory=list)
    added: list[Added] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def diff(self) -> str:
        """A unified diff of every change, for `--dry-run`."""
        out: list[str] = []
        for change in self.changes:
            old = (change.expected or b"").decode("utf-8-sig").splitlines(keepends=True)
            new = change.content.decode("utf-8-sig").splitlines(keepends=True)
            out.extend(difflib.unified_diff(old, new, f"a/{change.rel}", f"b/{change.rel}"))
        return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in out)


# --- CSV -------------------------------------------------------------------------------


def read_csv(raw: bytes, shown: str) -> tuple[list[Request], list[Problem]]:
    """Check-in requests from CSV bytes (UTF-8, with or without a BOM). A header row is
    required; its columns are `goal` and `value` (required) and `date`, `confidence`,
    `note`, `by`, in any order, case-insensitive. Columns starting with `x-` are ignored
    (your own data); any other column is an error, so a typo such as `confidance` is
    never silently dropped. Rows whose cells are all empty are skipped."""
    problems: list[Problem] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return [], [Problem(f"{shown}:{line}", f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    requests: list[Request] = []
    previous = 0
    try:
        for row in reader:
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            where = f"{shown}:{start}"
            if header is None:
                header = [cell.strip().lower() for cell in row]
                problems.extend(_header_problems(header, where))
                if problems:
                    return [], problems
                continue
            if len(row) != len(header):
                problems.append(Problem(where, f"this row has {len(row)} fields, the header has {len(header)}"))
                continue
            if len(requests) >= MAX_CHECKIN_ROWS:
                return [], [Problem(where, f"more than {MAX_CHECKIN_ROWS:,} check-ins, the most one run takes; "
                                           "split the file; nothing was written")]
            cells = {name: row[i].strip() for i, name in enumerate(header) if name in CSV_COLUMNS}
            requests.append(Request(
                goal=cells["goal"], value=cells["value"], date=cells.get("date") or None,
                confidence=cells.get("confidence") or None, note=cells.get("note") or None,
                by=cells.get("by") or None, where=where))
    except csv.Error as exc:
        problems.append(Problem(f"{shown}:{reader.line_num}", f"not valid CSV: {exc}"))
    if header is None and not problems:
        problems.append(Problem(f"{shown}:1", "no header row: the first line names the columns, e.g. "
                                              "goal,date,value,confidence,note"))
    return requests, problems


def _header_problems(header: list[str], where: str) -> list[Problem]:
    out = []
    seen: set[str] = set()
    for name in header:
        if name in seen and name:
            out.append(Problem(where, f"column `{name}` appears twice"))
        seen.add(name)
        if name in CSV_COLUMNS or name.startswith("x-"):
            continue
        close = difflib.get_close_matches(name, CSV_COLUMNS, 1, 0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        shown = f"`{name}`" if name else "an empty column name"
        out.append(Problem(where, f"unknown column {shown}{hint} (columns: {', '.join(CSV_COLUMNS)}; "
                                  "start a column with `x-` to keep your own data in the file)"))
    for name in CSV_REQUIRED:
        if name not in header:
            out.append(Problem(where, f"no `{name}` column; the header needs at least goal and value"))
    return out


# --- planning --------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    """A checked request: the check-in as YAML texts and as the data it reads back as."""

    goal: str
    date: str
    fields: list[tuple[str, str]]  # (key, YAML text) in schema order
    data: dict[str, Any]


@dataclass(slots=True)
class _FileState:
    rel: str
    original: bytes
    bom: bool
    text: str  # the planned text, without the BOM
    expected: list[dict[str, Any]]  # the documents' data the planned text must read back as
    added: dict[tuple[str, str], str] = field(default_factory=dict)  # (goal, date) → where it was asked
    nodes: list[Any] | None = None  # the composed `text`, until it is edited
    known_valid: bool = False  # every document of the file loaded and passed its schema


def load_model(root: Path, folder: Path) -> Model:
    """The strategy below `folder`, indexed (no rules run: a check-in needs ids only)."""
    return load_checked(root, folder)[0]


def load_checked(root: Path, folder: Path) -> tuple[Model, list[Diagnostic]]:
    """The strategy below `folder` and its file, schema and reference findings."""
    from strat.loaded import load_strategy

    loaded = load_strategy(root, folder)
    return loaded.model, loaded.diagnostics


def plan_checkins(root: Path, model: Model, requests: list[Request], today: dt.date,
                  diagnostics: list[Diagnostic] | None = None) -> CheckinPlan:
    """Check every request and compute the new text of every file they touch. Nothing
    is written. When `problems` is not empty, `changes` is empty. `diagnostics` (the
    load's findings) let a goal that is missing because its file could not be read
    be reported as that, not as an unknown id."""
    with _no_gc():
        return _plan(root, model, requests, today, diagnostics)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Planning builds one object per YAML event of the goal's file and keeps them: the
    cyclic garbage collector would walk them again and again (it doubled the time of a
    check-in into a long history), and nothing here makes cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _plan(root: Path, model: Model, requests: list[Request], today: dt.date,
          diagnostics: list[Diagnostic] | None) -> CheckinPlan:
    plan = CheckinPlan()
    files: dict[str, _FileState] = {}
    unreadable = _unreadable(diagnostics or [])
    queued: list[tuple[int, Request, _Entry, str]] = []  # (order asked, request, entry, file)
    for seq, request in enumerate(requests):
        entry, problems = _check(request, model, today, unreadable)
        if entry is None:
            plan.problems.extend(problems)
            continue
        doc = model.by_id[entry.goal]
        try:
            state = files.get(doc.path) or _read_state(root, doc.path, model)
        except (EditProblem, WriteRefused) as exc:
            plan.problems.append(Problem(request.where or doc.path, str(exc)))
            continue
        files[doc.path] = state
        earlier = state.added.get((entry.goal, entry.date))
        if earlier is not None:
            plan.problems.append(Problem(request.where, f"goal `{entry.goal}` gets two check-ins dated {entry.date} "
                                         f"(the other from {earlier or 'the command line'}); keep one"))
            continue
        state.added[(entry.goal, entry.date)] = request.where
        queued.append((seq, request, entry, doc.path))
    added: list[tuple[int, Added]] = []
    for state in files.values():
        added.extend(_apply(state, [q for q in queued if q[3] == state.rel], plan.problems))
    plan.added = [a for _, a in sorted(added, key=lambda pair: pair[0])]
    for state in files.values():
        plan.problems.extend(_verify(state))
    if plan.problems:
        plan.changes = []
        return plan
    plan.changes = [FileChange(s.rel, _encode(s), s.original) for s in files.values()]
    return plan


def _apply(state: _FileState, queued: list[tuple[int, Request, _Entry, str]],
           problems: list[Problem]) -> list[tuple[int, Added]]:
    """Splice the check-ins of one file into its text. The file is composed once (not once
    per check-in: a CSV of thousands of check-ins into one goal stays linear) and every
    edit is computed against that composition, then all are applied back to front. Each
    goal's check-ins are planned newest first, so an older one landing at the same place
    ends up before it, and only the newest updates `outcome.current`. A goal whose
    `checkins` has no item yet gets its newest check-in first, alone, and the file is
    composed again (the list exists from then on)."""
    out: list[tuple[int, Added]] = []
    done_goals: set[str] = set()

    def record(seq: int, entry: _Entry, index: int, current: str | None) -> None:
        done_goals.add(entry.goal)
        _expect(state, entry, index, current)
        out.append((seq, Added(entry.goal, state.rel, entry.date, dict(entry.fields)["value"],
                               (current, dict(entry.fields)["value"]) if current is not None else None)))

    batch: list[tuple[int, Request, _Entry, str]] = []
    for item in sorted(queued, key=lambda q: q[2].date, reverse=True):
        seq, request, entry, _ = item
        try:
            if state.nodes is None:
                state.nodes = compose_text(state.text)
            if entry.goal in done_goals or _has_items(state.nodes, entry.goal):
                batch.append(item)
                continue
            state.text, index, current = add_checkin(state.text, entry.goal, entry.date, entry.fields, state.nodes)
            state.nodes = None
        except EditProblem as exc:
            problems.append(Problem(request.where or state.rel, f"goal `{entry.goal}`: {exc}"))
            continue
        record(seq, entry, index, current)
    if not batch:
        return out
    nodes = state.nodes if state.nodes is not None else compose_text(state.text)
    edits: list[tuple[int, int, str]] = []
    for seq, request, entry, _ in batch:  # newest first
        try:
            found, index, current = checkin_edits(state.text, nodes, entry.goal, entry.date, entry.fields,
                                           entry.goal not in done_goals)
        except EditProblem as exc:
            problems.append(Problem(request.where or state.rel, f"goal `{entry.goal}`: {exc}"))
            continue
        edits.extend(found)
        record(seq, entry, index, current)
    state.text = splice(state.text, edits)
    state.nodes = None
    return out


def _has_items(nodes: list[Any], goal: str) -> bool:
    """The goal's `checkins` is a list with at least one item (a later edit inserts
    beside existing items, so the composition stays valid before it)."""
    found = get_value(find_goal(nodes, goal), "checkins")
    return found is not None and isinstance(found[1], SequenceNode) and bool(found[1].value)


def _unreadable(diagnostics: list[Diagnostic]) -> list[str]:
    """`path: message` of every strategy file that could not be read (it holds no
    document the model knows: too large, not UTF-8, not YAML, unreadable)."""
    out: list[str] = []
    for d in diagnostics:
        if d.code in _FILE_CODES and d.severity is Severity.ERROR:
            line = f"{d.location.path}: {d.code} {d.message}"
            if line not in out:
                out.append(line)
    return out


def _check(request: Request, model: Model, today: dt.date,
           unreadable: list[str] | None = None) -> tuple[_Entry | None, list[Problem]]:
    """Check one request's values against the model; the entry, or every problem."""
    problems: list[str] = []
    goal = request.goal.strip()
    doc = model.by_id.get(goal)
    if not goal:
        problems.append("no goal given")
    elif doc is None or doc.kind != "Goal":
        goals = [d.id for d in model.of_kind("Goal")]
        close = did_you_mean(goal, goals)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        what = f" (`{goal}` is a {doc.kind})" if doc is not None else ""
        if doc is None and unreadable:
            shown = "; ".join(unreadable[:3]) + (f"; and {len(unreadable) - 3} more" if len(unreadable) > 3 else "")
            many = len(unreadable) != 1
            problems.append(f"no goal with id `{goal}` in the files strat could read, and {len(unreadable)} "
                            f"file{'s' if many else ''} could not be read (the goal may be in "
                            f"{'one of them' if many else 'it'}): {shown}")
        else:
            problems.append(f"no goal with id `{goal}`{what}{hint}")

    value = _number(request.value, "value", problems)
    date = (request.date or "").strip() or today.isoformat()
    if not _ISO_DATE.fullmatch(date):
        problems.append(f"date must be written YYYY-MM-DD, got {date!r}")
    else:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            problems.append(f"date {date} is not a real calendar date")
        else:
            if day > today:
                problems.append(f"date {date} is in the future (today is {today.isoformat()}); "
                                "a check-in records a reading already made")
    confidence = None
    if request.confidence is not None and request.confidence.strip():
        confidence = _number(request.confidence, "confidence", problems)
        if confidence is not None and not 0 <= resolve_plain(confidence, 1, 1) <= 1:
            as_share = resolve_plain(confidence, 1, 1)
            hint = f" (write {confidence}% as {as_share / 100:g})" if 1 < as_share <= 100 else ""
            problems.append(f"confidence must be between 0 and 1, got {confidence}{hint}")
    note = request.note if request.note and request.note.strip() else None
    if note is not None:
        note = note.replace("\r\n", "\n").replace("\r", "\n")  # a CSV cell may hold CRLF line breaks
    if note is not None and _CONTROL.search(note):
        problems.append("note contains a control character; write plain text")
    by = (request.by or "").strip() or None
    if by is not None:
        person = model.get(by, "Person")
        if person is None:
            close = did_you_mean(by, [d.id for d in model.of_kind("Person")])
            hint = f"; did you mean `{close[0]}`?" if close else ""
            problems.append(f"`by` names `{by}`, but there is no Person with that id{hint}")
    if problems:
        return None, [Problem(request.where, p) for p in problems]
    assert value is not None
    fields = [("date", date), ("value", value)]
    if confidence is not None:
        fields.append(("confidence", confidence))
    if note is not None:
        fields.append(("note", yaml_text(note)))
    if by is not None:
        fields.append(("by", by))
    data = {"date": date, "value": resolve_plain(value, 1, 1)}
    if confidence is not None:
        data["confidence"] = resolve_plain(confidence, 1, 1)
    if note is not None:
        data["note"] = note
    if by is not None:
        data["by"] = by
    return _Entry(goal, date, fields, data), []


def _number(text: str | None, name: str, problems: list[str]) -> str | None:
    """The YAML text of a number given as text ('0.420' → '0.42', '1e3' → '1000'), or
    None after recording why it is not one."""
    raw = (text or "").strip()
    if not _NUMBER.fullmatch(raw):
        hint = ""
        if raw.endswith("%") and _NUMBER.fullmatch(raw[:-1].strip()):
            hint = " (write a percentage as a number: 45% as 45 if the metric's unit is %, or 0.45 for a ratio)"
        problems.append(f"{name} must be a number, got {raw!r}{hint}" if raw else f"{name} is missing")
        return None
    if _INTEGER.fullmatch(raw):
        shown = str(int(raw))
    else:
        try:
            number = Decimal(raw)
        except InvalidOperation:
            problems.append(f"{name} must be a number, got {raw!r}")
            return None
        shown = format(number.normalize(), "f")
    if len(shown.lstrip("-")) > 30:
        problems.append(f"{name} has more digits than a reading can mean: {raw!r}")
        return None
    return shown


def yaml_text(value: str) -> str:
    """A text value as YAML: plain when that reads back as the same text in any YAML
    reader, else double-quoted (JSON's escapes are YAML's)."""
    if _PLAIN_SAFE.fullmatch(value) and not value.endswith(" ") and resolve_plain(value, 1, 1) == value \
            and value.lower() not in ("yes", "no", "on", "off", "true", "false", "null", "y", "n"):
        return value
    return json.dumps(value, ensure_ascii=False)


def _read_state(root: Path, rel: str, model: Model) -> _FileState:
    path = target_path(root, rel)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise EditProblem(f"cannot read {rel}: {exc.strerror or exc}") from None
    bom = raw.startswith(BOM.encode())
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EditProblem(f"{rel} is not UTF-8 text") from None
    nodes = compose_text(text)
    docs = sorted((d for d in model.documents if d.path == rel), key=lambda d: d.index)
    if [d.index for d in docs] == list(range(len(nodes))) and all(d.valid for d in docs):
        # The strategy was just loaded (with the lock held) from these bytes: every
        # document of the file is known and valid, so its data is the expectation.
        return _FileState(rel, raw, bom, text, [_own_copy(d.data) for d in docs], nodes=nodes, known_valid=True)
    source, diagnostics = parse_bytes(raw, rel)
    if source is None:
        raise EditProblem(f"{rel} cannot be read: {diagnostics[0].message if diagnostics else 'unknown'}")
    return _FileState(rel, raw, bom, text, [copy.deepcopy(d.data) for d in source.documents], nodes=nodes)


def _own_copy(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a document's data that `_expect` may change without touching the model:
    the mapping, its `checkins` list and its `outcome` are copied, the rest is shared."""
    out = dict(data)
    if isinstance(out.get("checkins"), list):
        out["checkins"] = list(out["checkins"])
    if isinstance(out.get("outcome"), dict):
        out["outcome"] = dict(out["outcome"])
    return out


def _expect(state: _FileState, entry: _Entry, index: int, current: str | None) -> None:
    """Record what the goal's document must read back as after the edit."""
    for data in state.expected:
        if data.get("kind") == "Goal" and data.get("id") == entry.goal:
            data.setdefault("checkins", []).insert(index, dict(entry.data))
            if current is not None:
                data["outcome"]["current"] = entry.data["value"]
            return


def _verify(state: _FileState) -> list[Problem]:
    """Re-read the planned text with strat's loader: any finding, or any data that
    differs from the old data plus the check-ins, refuses the whole plan. When every
    document of the file was valid, only what changed is validated again (the goal with
    its new check-ins; check-ins are validated one by one, so the old ones stay valid),
    which keeps a check-in's cost from growing with the goal's history."""
    from strat.load import Document
    from strat.validate import validate_documents

    if state.known_valid:
        source, diagnostics = parse_bytes(_encode(state), state.rel, report_empty=False)
        if source is not None and not diagnostics:
            if not _same([d.data for d in source.documents], state.expected):
                return [Problem(state.rel, "internal error: the edit would change more than the check-ins; nothing "
                                           "was written (this is a bug in strat; please report it with the file)")]
            touched = {goal for goal, _ in state.added}
            slim = []
            for d in source.documents:
                if d.data.get("kind") == "Goal" and d.data.get("id") in touched:
                    data = dict(d.data)
                    data["checkins"] = [c for c in data.get("checkins") or []
                                        if not isinstance(c, dict) or (d.data["id"], c.get("date")) in state.added]
                    slim.append(Document(d.path, d.index, data, d.position, d.values, d.keys))
            if not validate_documents(slim)[1]:
                return []
    return _verify_all(state)


def _verify_all(state: _FileState) -> list[Problem]:
    """`_verify` in full: every document validated, and the findings the file already
    had told apart from those the check-in would bring."""
    from strat.validate import validate_documents

    new = _encode(state)
    before, _ = parse_bytes(state.original, state.rel)
    known_before: set[tuple[str, str]] = set()
    if before is not None:
        _, old_findings = validate_documents(copy.deepcopy(before.documents))
        known_before = {(d.code, d.message) for d in old_findings}
    source, diagnostics = parse_bytes(new, state.rel, report_empty=False)  # E008 (a warning) is lint's to report
    if source is not None:
        _, findings = validate_documents(source.documents)
        diagnostics = diagnostics + findings
    if diagnostics:
        out = []
        for d in diagnostics:
            why = ("the file already has this error: fix it first" if (d.code, d.message) in known_before
                   else "the file would not be valid after the check-in")
            out.append(Problem(str(d.location), f"{d.code} {d.message} ({why}; nothing was written)"))
        return out
    assert source is not None
    if not _same([d.data for d in source.documents], state.expected):
        return [Problem(state.rel, "internal error: the edit would change more than the check-ins; nothing was "
                                   "written (this is a bug in strat; please report it with the file)")]
    return []


def _same(a: Any, b: Any) -> bool:
    """Deep equality where NaN equals NaN and 1 is not True."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def _encode(state: _FileState) -> bytes:
    return ((BOM if state.bom else "") + state.text).encode("utf-8")
