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
difference, and nothing is written. Into a long history (`strat.checkin_cut`), all of
this is done on the file with the old check-ins cut out, which are then put back
unchanged: the cost of a check-in does not grow with the goal's history beyond reading
the strategy once.

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
from strat.write import FileChange, unified_diff, WriteRefused, target_path
from strat.checkin_cut import Cut, find_cut, reduce
from strat.checkin_edit import EditProblem, add_checkin, checkin_edits, compose_text, find_holder, get_value, splice
from strat.checkin_target import Target, resolve
from strat.yamlnodes import SequenceNode

# Bounds of `strat checkin --csv` input (documented in the how-to "Check-ins from a data
# job"): a larger file is refused before it is read, more rows as soon as the row past
# the limit is reached; memory stays bounded either way.
MAX_CHECKIN_CSV_BYTES = 20_000_000
MAX_CHECKIN_ROWS = 100_000
CSV_COLUMNS = ("goal", "kr", "date", "value", "confidence", "note", "by")
CSV_REQUIRED = ("goal", "value")
BOM = "\ufeff"

_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_INTEGER = re.compile(r"[-+]?[0-9]+")
_PERCENT = re.compile(r"[-+]?(?:[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)\s*%")
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
    kr: str | None = None  # a key result's metric (`METRIC` or `METRIC#N`); None: the outcome
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

    goal: str  # the goal's or the objective's id
    path: str
    date: str
    value: str
    current: tuple[str, str] | None  # outcome.current (old text, new text) when updated
    subject: str = ""  # in words: goal `x`, goal `x` key result `m`, objective `y`
    current_field: str = "outcome.current"  # the field `current` is, in the file


@dataclass(slots=True)
class CheckinPlan:
    changes: list[FileChange] = field(default_factory=list)
    added: list[Added] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cut_used: bool = False  # some file was planned on a reduced text (strat.checkin_cut)

    def diff(self) -> str:
        """A unified diff of every change, for `--dry-run`."""
        return unified_diff(self.changes)


# --- CSV -------------------------------------------------------------------------------


def read_csv(raw: bytes, shown: str) -> tuple[list[Request], list[Problem]]:
    """Check-in requests from CSV bytes (UTF-8, with or without a BOM). A header row is
    required; its columns are `goal` (a goal's or an objective's id) and `value`
    (required) and `kr` (a key result's metric; empty: the goal's outcome), `date`,
    `confidence`, `note`, `by`, in any order, case-insensitive. Columns starting with `x-` are ignored
    (your own data); any other column is an error, so a typo such as `confidance` is
    never silently dropped. Rows whose cells are all empty are skipped."""
    problems: list[Problem] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return [], [Problem(f"{shown}:{line}", f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
    from strat.importcsv_read import lines

    reader = csv.reader(lines(text), strict=True)  # line by line: no copy of the whole text
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
                by=cells.get("by") or None, kr=cells.get("kr") or None, where=where))
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

    target: Target
    date: str
    fields: list[tuple[str, str]]  # (key, YAML text) in schema order
    data: dict[str, Any]

    @property
    def goal(self) -> str:
        return self.target.id

    @property
    def key(self) -> tuple[str, int | None]:
        return self.target.key


@dataclass(slots=True)
class _FileState:
    rel: str
    original: bytes
    bom: bool
    text: str  # the planned text, without the BOM
    expected: list[dict[str, Any]]  # the documents' data the planned text must read back as
    added: dict[tuple[tuple[str, int | None], str], str] = field(default_factory=dict)  # ((id, kr), date) → where asked
    nodes: list[Any] | None = None  # the composed `text`, until it is edited
    known_valid: bool = False  # every document of the file loaded and passed its schema
    cut: Cut | None = None  # `text` is the file with these old check-ins cut out (strat.checkin_cut)


def load_model(root: Path, folder: Path) -> Model:
    """The strategy below `folder`, indexed (no rules run: a check-in needs ids only)."""
    return load_checked(root, folder)[0]


def load_checked(root: Path, folder: Path) -> tuple[Model, list[Diagnostic]]:
    """The strategy below `folder` and its file and schema findings. References are not
    checked: a check-in needs the ids, the documents' validity and the files that could
    not be read (`_unreadable`), and checking every reference of a large strategy was a
    third of a batch's time."""
    from strat.loaded import load_strategy

    loaded = load_strategy(root, folder, references=False)
    return loaded.model, loaded.diagnostics


def plan_checkins(root: Path, model: Model, requests: list[Request], today: dt.date,
                  diagnostics: list[Diagnostic] | None = None) -> CheckinPlan:
    """Check every request and compute the new text of every file they touch. Nothing
    is written. When `problems` is not empty, `changes` is empty. `diagnostics` (the
    load's findings) let a goal that is missing because its file could not be read
    be reported as that, not as an unknown id."""
    with _no_gc():
        plan = _plan(root, model, requests, today, diagnostics, fast=True)
        if plan.problems and plan.cut_used:
            # The reduced text (strat.checkin_cut) is only a shortcut to the same result:
            # any problem, and the plan is made again on the whole files, which words it.
            plan = _plan(root, model, requests, today, diagnostics, fast=False)
        return plan


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
          diagnostics: list[Diagnostic] | None, fast: bool) -> CheckinPlan:
    plan = CheckinPlan()
    files: dict[str, _FileState] = {}
    requested = _earliest_dates(requests, today) if fast else {}
    unreadable = _unreadable(diagnostics or [])
    queued: list[tuple[int, Request, _Entry, str]] = []  # (order asked, request, entry, file)
    for seq, request in enumerate(requests):
        entry, problems = _check(request, model, today, unreadable)
        if entry is None:
            plan.problems.extend(problems)
            continue
        doc = model.by_id[entry.goal]
        try:
            state = files.get(doc.path) or _read_state(root, doc.path, model, requested)
        except (EditProblem, WriteRefused) as exc:
            plan.problems.append(Problem(request.where or doc.path, str(exc)))
            continue
        files[doc.path] = state
        earlier = state.added.get((entry.key, entry.date))
        if earlier is not None:
            plan.problems.append(Problem(request.where, f"{entry.target.subject} gets two check-ins dated {entry.date} "
                                         f"(the other from {earlier or 'the command line'}); keep one"))
            continue
        state.added[(entry.key, entry.date)] = request.where
        queued.append((seq, request, entry, doc.path))
    by_file: dict[str, list[tuple[int, Request, _Entry, str]]] = {}
    for item in queued:  # grouped once: a batch into many files stays linear
        by_file.setdefault(item[3], []).append(item)
    added: list[tuple[int, Added]] = []
    for state in files.values():
        added.extend(_apply(state, by_file.get(state.rel, []), plan.problems))
    plan.added = [a for _, a in sorted(added, key=lambda pair: pair[0])]
    plan.cut_used = any(s.cut is not None for s in files.values())
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
    done_goals: set[tuple[str, int | None]] = set()  # (id, key result) already given its newest check-in

    def record(seq: int, entry: _Entry, index: int, current: str | None) -> None:
        done_goals.add(entry.key)
        _expect(state, entry, index, current)
        out.append((seq, Added(entry.goal, state.rel, entry.date, dict(entry.fields)["value"],
                               (current, dict(entry.fields)["value"]) if current is not None else None,
                               entry.target.subject, entry.target.current_field)))

    batch: list[tuple[int, Request, _Entry, str]] = []
    for item in sorted(queued, key=lambda q: q[2].date, reverse=True):
        seq, request, entry, _ = item
        try:
            if state.nodes is None:
                state.nodes = compose_text(state.text)
            if entry.key in done_goals or _has_items(state.nodes, entry.target):
                batch.append(item)
                continue
            state.text, index, current = add_checkin(state.text, entry.goal, entry.date, entry.fields, state.nodes,
                                                     kr=entry.target.kr, kind=entry.target.kind)
            state.nodes = None
        except EditProblem as exc:
            problems.append(Problem(request.where or state.rel, f"{entry.target.subject}: {exc}"))
            continue
        record(seq, entry, index, current)
    if not batch:
        return out
    nodes = state.nodes if state.nodes is not None else compose_text(state.text)
    edits: list[tuple[int, int, str]] = []
    for seq, request, entry, _ in batch:  # newest first
        try:
            found, index, current = checkin_edits(state.text, nodes, entry.goal, entry.date, entry.fields,
                                                  entry.key not in done_goals, entry.target.kr, entry.target.kind)
        except EditProblem as exc:
            problems.append(Problem(request.where or state.rel, f"{entry.target.subject}: {exc}"))
            continue
        edits.extend(found)
        record(seq, entry, index, current)
    state.text = splice(state.text, edits)
    state.nodes = None
    return out


def _has_items(nodes: list[Any], target: Target) -> bool:
    """The target's `checkins` is a list with at least one item (a later edit inserts
    beside existing items, so the composition stays valid before it)."""
    found = get_value(find_holder(nodes, target.kind, target.id, target.kr), "checkins")
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
    goal = request.goal.strip()
    why_unread = ""
    if unreadable:
        shown = "; ".join(unreadable[:3]) + (f"; and {len(unreadable) - 3} more" if len(unreadable) > 3 else "")
        many = len(unreadable) != 1
        why_unread = (f"{len(unreadable)} file{'s' if many else ''} could not be read (it may be in "
                      f"{'one of them' if many else 'it'}): {shown}")
    target, problems = resolve(model, goal, request.kr, why_unread)
    points, not_a_share = _percent_rule(model, target) if target is not None else (None, "")
    value = _number(request.value, "value", problems, points, not_a_share)
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
        confidence = _number(request.confidence, "confidence", problems, percent=False)  # 70% is 0.7
        if confidence is not None and not 0 <= resolve_plain(confidence, 1, 1) <= 1:
            given = request.confidence.strip()
            as_share = resolve_plain(confidence, 1, 1)
            if 2 <= as_share <= 100 and not given.endswith("%"):  # a percentage written as points
                problems.append(f"confidence is a number from 0 to 1, got {given}: for {confidence}% write "
                                f"{_share(confidence)} (or {confidence}%)")
            else:
                problems.append(f"confidence is a number from 0 to 1 (0.7 for 70%), got {given}")
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
    assert target is not None
    return _Entry(target, date, fields, data), []


def _number(text: str | None, name: str, problems: list[str], percent: bool | None = None,
            not_a_share: str = "") -> str | None:
    """The YAML text of a number given as text ('0.420' → '0.42', '1e3' → '1000'), or
    None after recording why it is not one. A percentage (`45%`) is read as `strat import
    csv` reads it (its own parser): as points when `percent` is True (45), as a ratio when
    False (0.45), and refused when None, with `not_a_share` saying why."""
    raw = (text or "").strip()
    if raw.endswith("%") and percent is not None:
        from strat.importcsv import NumberText, number_text, number_value, split_number

        parts = split_number(raw)
        if isinstance(parts, NumberText) and parts.percent and parts.currency is None and not parts.exponent:
            number, _ = number_value(parts, "point", percent)
            if number is not None:
                raw = number_text(number)
    if not _NUMBER.fullmatch(raw):
        hint = ""
        if _PERCENT.fullmatch(raw):
            hint = (f" ({not_a_share})" if not_a_share else
                    " (write a percentage as a number: 45% as 45 if the metric's unit is %, or 0.45 for a ratio)")
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


def _share(points: str) -> str:
    """'70' → '0.7': a percentage's points as a share, exactly."""
    return format((Decimal(points) / 100).normalize(), "f")


def _percent_rule(model: Model, target: Target) -> tuple[bool | None, str]:
    """How a check-in value written with `%` reads for `target` (a goal's outcome, a key
    result, an objective): import csv's rule, points when the measured metric's unit is `%`
    (14% is 14), a ratio when its unit is `ratio` or the target's baseline and target both
    lie between 0 and 1 (14% is 0.14). Any other unit (a count, a currency, days) is no
    share of anything: refused, with why (second item)."""
    metric_id = target.metric
    metric = model.get(metric_id, "Metric") if isinstance(metric_id, str) else None
    unit = str(metric.data.get("unit", "")).strip() if metric is not None else ""
    if unit == "%":
        return True, ""
    ends = [target.baseline, target.target]
    if unit.lower() == "ratio" or all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1
                                      for v in ends):
        return False, ""
    if not unit:
        return None, ""
    return None, f"the unit of metric `{metric_id}` is {unit}, not % or ratio: write the value in {unit}"


def people_with_email(model: Model, email: str) -> list[str]:
    """The ids of the Persons whose `email` is `email` (case-insensitive): `--by`'s default."""
    wanted = email.strip().casefold()
    return [d.id for d in model.of_kind("Person")
            if isinstance(d.data.get("email"), str) and d.data["email"].strip().casefold() == wanted]


def yaml_text(value: str) -> str:
    """A text value as YAML: plain when that reads back as the same text in any YAML
    reader, else double-quoted (JSON's escapes are YAML's)."""
    if _PLAIN_SAFE.fullmatch(value) and not value.endswith(" ") and resolve_plain(value, 1, 1) == value \
            and value.lower() not in ("yes", "no", "on", "off", "true", "false", "null", "y", "n"):
        return value
    return json.dumps(value, ensure_ascii=False)


def _earliest_dates(requests: list[Request], today: dt.date) -> dict[str, str]:
    """goal → the earliest date asked for its outcome (text as given; checked later). A
    goal asked for a key result's check-in too is left out: the shortcut of
    `strat.checkin_cut` is for the outcome's history alone."""
    out: dict[str, str] = {}
    with_kr: set[str] = set()
    for request in requests:
        goal, date = request.goal.strip(), (request.date or "").strip() or today.isoformat()
        if (request.kr or "").strip():
            with_kr.add(goal)
        out[goal] = min(out.get(goal, date), date)
    return {goal: date for goal, date in out.items() if goal not in with_kr}


def _read_state(root: Path, rel: str, model: Model, requested: dict[str, str] | None = None) -> _FileState:
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
    docs = model.in_file(rel)
    cut = find_cut(text, docs, requested) if requested and all(d.valid for d in docs) else None
    if cut is not None and [d.index for d in docs] == list(range(len(docs))):
        # A long history: plan on the file with the old check-ins cut out (strat.checkin_cut),
        # once the reduced text is shown to read as the old data without them.
        small = reduce(text, cut)
        expected = [_own_copy(d.data) for d in docs]
        expected[cut.doc_index]["checkins"] = expected[cut.doc_index]["checkins"][cut.removed:]
        source, diagnostics = parse_bytes(small.encode("utf-8"), rel, report_empty=False)
        if source is not None and not diagnostics and _same([d.data for d in source.documents], expected):
            return _FileState(rel, raw, bom, small, expected, nodes=compose_text(small), known_valid=True, cut=cut)
    nodes = compose_text(text)
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
    the mapping, its `checkins` list, its `outcome` and its key results (each with its
    `checkins`) are copied, the rest is shared."""
    out = dict(data)
    if isinstance(out.get("checkins"), list):
        out["checkins"] = list(out["checkins"])
    if isinstance(out.get("outcome"), dict):
        out["outcome"] = dict(out["outcome"])
    if isinstance(out.get("key_results"), list):
        out["key_results"] = [_own_copy(kr) if isinstance(kr, dict) else kr for kr in out["key_results"]]
    return out


def _expect(state: _FileState, entry: _Entry, index: int, current: str | None) -> None:
    """Record what the target's document must read back as after the edit."""
    for data in state.expected:
        if data.get("kind") == entry.target.kind and data.get("id") == entry.goal:
            holder = data if entry.target.kr is None else data["key_results"][entry.target.kr]
            holder.setdefault("checkins", []).insert(index, dict(entry.data))
            if current is not None:
                (data["outcome"] if entry.target.kr is None else holder)["current"] = entry.data["value"]
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
            touched = {key[0] for key, _ in state.added}
            slim = []
            for d in source.documents:
                if d.data.get("kind") in ("Goal", "Objective") and d.data.get("id") in touched:
                    slim.append(Document(d.path, d.index, _only_added(d.data, state.added), d.position, d.values,
                                         d.keys))
            if not validate_documents(slim)[1]:
                return _expand(state)
    if state.cut is not None:
        return [Problem(state.rel, "the reduced text did not verify")]  # _plan starts again on the whole file
    return _verify_all(state)


def _only_added(data: dict[str, Any], added: dict[tuple[tuple[str, int | None], str], str]) -> dict[str, Any]:
    """A document's data with only the check-ins this plan adds (to it and to its key
    results): the old ones were valid, and each check-in is validated on its own."""
    def keep(items: Any, kr: int | None) -> Any:
        if not isinstance(items, list):
            return items
        return [c for c in items if not isinstance(c, dict) or ((data["id"], kr), c.get("date")) in added]

    out = dict(data)
    out["checkins"] = keep(out.get("checkins") or [], None)
    if isinstance(out.get("key_results"), list):
        out["key_results"] = [dict(kr, checkins=keep(kr["checkins"], i)) if isinstance(kr, dict) and "checkins" in kr
                              else kr for i, kr in enumerate(out["key_results"])]
    return out


def _expand(state: _FileState) -> list[Problem]:
    """A verified reduced text gets its cut check-ins back (strat.checkin_cut)."""
    from strat.checkin_cut import expand

    if state.cut is None:
        return []
    full = expand(state.text, state.cut)
    if full is None:
        return [Problem(state.rel, "the reduced text did not verify")]  # _plan starts again on the whole file
    state.text, state.cut = full, None
    return []


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
