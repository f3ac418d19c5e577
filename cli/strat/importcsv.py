"""`strat import csv`: a spreadsheet export → one YAML file per goal, objective or metric.

Planning is pure: `plan_import` takes the CSV bytes, the options and a view of the
repository (`Repository`, `Target`: what is already defined, where files go) and returns
the planned files ({path: YAML text}) and every problem with the CSV line it comes from.
Nothing is written here; the command hands the files to `strat.write.write_all`, which
writes them all atomically or none.

What a real export looks like, and what is done about it:

* Encoding: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text");
  anything else is refused with the line of the first bad byte (`--encoding` to say it).
* Delimiter: `,`, `;`, tab or `|`, sniffed from the rows (the one that splits them into
  the same number of cells); Excel's `sep=;` first line is honoured; `--delimiter`.
* The header is the first row that names known columns (title lines above it are
  skipped). Header names are matched without regard to case, spaces or punctuation,
  with the usual spreadsheet synonyms (`COLUMNS`). Every other column is kept, cell text
  as written, as an `x-<column>` key: `x-` keys are the user's own, and dropping a
  column of someone's sheet is worse than keeping it.
* Blank lines and rows whose cells are all empty are skipped; cells may hold quoted
  line breaks; trailing empty columns are ignored; a row with more filled cells than
  the header has columns is refused (an unquoted delimiter in a cell, usually).
* Numbers: thousands separators (`1,200`, `1 200`, `1.200,50`, `1'200`), currency
  symbols or codes (stripped; an impact's currency is taken from them), `k`/`M`/`bn`
  suffixes (`$1.2m` too when a currency says it is money), accounting negatives
  `(300)`. The decimal mark is decided once per file, from the numbers that can only be
  read one way (`0,45` → comma; `0.45`, `1,200.50` → point); a file with no such number
  reads a decimal point when it is comma-separated, and refuses `1,200`-shaped values
  otherwise (`--decimal`). A cell that contradicts the file's decision is reported.
* Percentages: `45%` → 0.45, a ratio, unless the metric's unit is `%`, then 45.
* Dates: ISO (`2026-03-31`, `2026-03-31T00:00:00`), `31/03/2026`, `03/31/2026`,
  `31.03.2026`, `Mar 31, 2026`, `31 Mar 2026`, `31-Mar-26`. The day/month order is
  decided once per file, like the decimal mark: `31/03/2026` can only be day first and
  settles it; a file whose dates are all like `03/04/2026` has them refused unless
  `--date-format dmy|mdy` (or a strptime pattern) says which.
* References (owner, team, parent, metric, …) are ids, or names, titles and e-mail
  addresses looked up in the repository's strategy and in the sheet itself. Unknown
  ones refuse the row, with a did-you-mean: the files must lint clean.

Every document is written by `render` (block style, schema field order, text quoted
whenever a YAML reader could read it as anything but the same text), then read back
with strat's own loader and compared with the data meant, validated against its schema,
and linted together with the repository's strategy. Only what passes is planned.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import itertools
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from strat.load import LoadResult, parse_bytes, resolve_plain
from strat.model import Model

if TYPE_CHECKING:
    from strat.lint import LintResult

KINDS = {"goal": "Goal", "objective": "Objective", "metric": "Metric"}
FOLDERS = {"Goal": "goals", "Objective": "objectives", "Metric": "metrics"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_ID_FROM_TITLE = 60
HEADER_SEARCH_ROWS = 10
# Bounds of the input (documented in the how-to "Move from a spreadsheet"): a larger file
# is refused before it is read, more rows as soon as the row past the limit is reached.
MAX_CSV_BYTES = 10_000_000
MAX_ROWS = 10_000

_OWNER = ("owner", "owner email", "dri", "owner id", "owner e mail", "owner name", "accountable", "responsible",
          "assignee")
_METRIC = ("metric", "kpi", "metric id", "metric name", "kpi id", "measure", "indicator")
_BASELINE = ("baseline", "start", "from", "baseline value", "start value", "starting value", "initial", "initial value")
_TARGET = ("target", "goal value", "to", "target value", "end value", "goal target")
_PERIOD = ("period", "quarter", "cycle", "period id", "okr cycle", "okr period", "timeframe", "time frame", "half")
_DUE = ("due", "due date", "deadline", "target date", "end date", "due by")

# Per kind: field → header names that mean it (normalised: see _norm_header), best first.
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "Goal": {
        "id": ("id", "goal id", "kr id", "key result id", "key", "ref", "slug"),
        "title": ("title", "goal", "goal title", "goal name", "key result", "kr", "key result title", "kr title",
                  "name"),
        "owner": _OWNER,
        "team": ("team", "squad", "team id", "team name"),
        "department": ("department", "dept", "department id", "department name", "division"),
        "person": ("person", "individual", "person id", "employee"),
        "parent": ("parent", "objective id", "aligned to", "parent id", "parent goal", "parent objective",
                   "aligns to", "alignment", "supports objective"),
        "plan": ("plan", "plan id", "product plan"),
        "period": _PERIOD,
        "metric": _METRIC,
        "baseline": _BASELINE,
        "target": _TARGET,
        "current": ("current", "actual", "current value", "actuals", "actual value", "latest", "latest value"),
        "customer_progress": ("customer progress", "customer outcome", "customer benefit", "customer value"),
        "status": ("status", "state"),
        "due": _DUE,
        "impact": ("impact", "annual impact", "financial impact", "expected impact", "impact per year"),
        "currency": ("currency", "impact currency"),
        "basis": ("basis", "impact basis", "estimate basis"),
    },
    "Objective": {
        "id": ("id", "objective id", "key", "ref", "slug"),
        "title": ("title", "objective", "objective title", "objective name", "name"),
        "owner": _OWNER,
        "metric": _METRIC,
        "baseline": _BASELINE,
        "target": _TARGET,
        "due": _DUE,
        "period": _PERIOD,
        "why": ("why", "rationale", "reason", "context", "description"),
        "champions": ("champions", "champion", "sponsors", "sponsor"),
    },
    "Metric": {
        "id": ("id", "metric id", "kpi id", "key", "slug"),
        "name": ("name", "metric", "metric name", "kpi", "kpi name", "title"),
        "unit": ("unit", "units", "unit of measure", "uom"),
        "type": ("type", "metric type", "leading lagging", "lagging leading", "leading or lagging", "indicator type"),
        "better": ("better", "direction", "good direction", "desired direction", "polarity", "better when"),
        "owner": _OWNER,
        "description": ("description", "definition", "details", "what it measures"),
        "source": ("source", "data source", "dashboard", "query", "system"),
        "financial": ("financial", "is financial", "money metric"),
        "drives": ("drives", "drives metric", "leads to", "influences", "feeds", "parent metric"),
        "hypothesis": ("hypothesis", "drives hypothesis", "why it drives"),
    },
}
# Header names that mean one field or another: the first field no other column claims.
# On a goal sheet, `Objective` is the goal's title unless a title column exists; then it
# names the objective the goal aligns to (the usual OKR export: Objective, Key Result, …).
AMBIGUOUS: dict[str, dict[str, tuple[str, ...]]] = {
    "Goal": {name: ("title", "parent") for name in ("objective", "objective title", "objective name")},
    "Objective": {},
    "Metric": {},
}
TITLE_FIELD = {"Goal": "title", "Objective": "title", "Metric": "name"}

# What each field is, for "missing" messages.
_WHAT = {
    "title": "title", "name": "name", "owner": "owner (a Person)", "parent": "parent (the objective or goal it serves)",
    "period": "period", "metric": "metric", "baseline": "baseline", "target": "target", "unit": "unit",
    "type": "type (leading or lagging)", "better": "better (up or down)", "hypothesis": "hypothesis",
    "basis": "basis (how the impact was estimated)",
}
NUMBER_FIELDS = {"Goal": ("baseline", "target", "current", "impact"), "Objective": ("baseline", "target"),
                 "Metric": ()}
DATE_FIELDS = {"Goal": ("due",), "Objective": ("due",), "Metric": ()}
REF_KINDS = {"owner": ("Person",), "person": ("Person",), "team": ("Team",), "department": ("Department",),
             "parent": ("Objective", "Goal"), "plan": ("Plan",), "metric": ("Metric",), "champions": ("Person",),
             "drives": ("Metric",)}

GOAL_STATUS = {
    **dict.fromkeys(("draft", "proposed", "planned", "idea", "backlog", "to do", "todo"), "draft"),
    **dict.fromkeys(("active", "in progress", "on track", "at risk", "off track", "behind", "started", "ongoing",
                     "open", "not started", "green", "amber", "yellow", "red", "on hold", "paused"), "active"),
    **dict.fromkeys(("done", "complete", "completed", "achieved", "closed", "met", "missed", "not met",
                     "finished"), "done"),
    **dict.fromkeys(("dropped", "cancelled", "canceled", "abandoned", "deprioritised", "deprioritized", "killed",
                     "stopped", "won't do", "wont do"), "dropped"),
}
METRIC_TYPE = {
    **dict.fromkeys(("leading", "lead", "leading indicator", "leading metric", "input", "input metric"), "leading"),
    **dict.fromkeys(("lagging", "lag", "lagging indicator", "lagging metric", "output", "output metric",
                     "business", "business outcome"), "lagging"),
}
BETTER = {
    **dict.fromkeys(("up", "higher", "higher is better", "up is good", "increase", "more", "more is better",
                     "maximise", "maximize", "grow", "↑", "+"), "up"),
    **dict.fromkeys(("down", "lower", "lower is better", "down is good", "decrease", "less", "less is better",
                     "minimise", "minimize", "reduce", "↓", "-"), "down"),
}
BOOLEAN = {**dict.fromkeys(("yes", "y", "true", "1", "x", "✓", "✔"), True),
           **dict.fromkeys(("no", "n", "false", "0"), False)}
# Cells that mean "nothing here" in a number, date or reference column.
PLACEHOLDERS = frozenset(("n/a", "na", "-", "–", "—", "tbd", "tbc", "?", "none", "null", "#n/a"))
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
MULTIPLIERS = {"k": 3, "K": 3, "M": 6, "MM": 6, "mn": 6, "Mn": 6, "m": 6, "bn": 9, "Bn": 9, "BN": 9, "B": 9}

# C0 controls except tab and line breaks, DEL, C1 controls and the characters strat's
# loader refuses: a cell holding one is reported, never written.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """Something about one CSV line (0: the file as a whole)."""

    line: int
    message: str

    def shown(self, csv_name: str) -> str:
        return f"{csv_name}:{self.line}: {self.message}" if self.line else f"{csv_name}: {self.message}"


@dataclass(frozen=True, slots=True)
class Planned:
    """One file the import writes."""

    line: int  # the CSV line it comes from
    id: str
    rel: str  # relative to Target.write_root (for strat.write)
    shown: str  # as messages name it (repository-relative when inside one)
    text: str
    expected: bytes | None  # the file's current bytes when --force replaces it, else None
    refers: frozenset[str] = frozenset()  # the text values of the document (ids it refers to)


@dataclass(slots=True)
class ImportPlan:
    files: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # refused rows (or the whole file)
    warnings: list[Problem] = field(default_factory=list)  # written anyway: lint warnings
    notes: list[str] = field(default_factory=list)  # how the file was read
    rows: int = 0  # data rows read

    @property
    def by_path(self) -> dict[str, str]:
        return {p.shown: p.text for p in self.files}


@dataclass(frozen=True, slots=True)
class Options:
    kind: str  # Goal | Objective | Metric
    decimal: str = "auto"  # auto | point | comma
    date_format: str = "auto"  # auto | dmy | mdy | a strptime pattern
    delimiter: str | None = None
    encoding: str | None = None
    force: bool = False
    skip_bad: bool = False


@dataclass(slots=True)
class Repository:
    """What the import can know of the repository it runs in (nothing outside one)."""

    root: Path | None = None
    config: Any = None  # strat.config.Config
    loaded: LoadResult | None = None  # the strategy files, for the lint of the result
    model: Model | None = None  # None: no strategy here; references cannot be checked
    strategy: str = "strategy"  # the strategy folder, relative to the root


@dataclass(slots=True)
class Target:
    """Where the files go. `write_root` is what strat.write keeps every write inside."""

    write_root: Path
    folder: str  # relative to write_root, POSIX ('' for write_root itself)
    shown_folder: str  # the folder as messages show it
    lint_folder: str  # the folder as the strategy's lint sees it (repository-relative)
    schema_folder: str  # the schemas folder relative to the output folder, POSIX
    read: Callable[[str], bytes | None]  # the current bytes of a file (relative to write_root), None if absent

    def rel(self, ident: str) -> str:
        return f"{self.folder}/{ident}.yaml" if self.folder else f"{ident}.yaml"

    def shown(self, ident: str) -> str:
        return f"{self.shown_folder.rstrip('/')}/{ident}.yaml" if self.shown_folder else f"{ident}.yaml"

    def lint_path(self, ident: str) -> str:
        return f"{self.lint_folder}/{ident}.yaml" if self.lint_folder else f"{ident}.yaml"


# --- the plan -------------------------------------------------------------------------


def plan_import(raw: bytes, csv_name: str, options: Options, repo: Repository, target: Target) -> ImportPlan:
    """Read the CSV, convert every row, check every document. Nothing is written. When
    `problems` is not empty and skip_bad is off, `files` is empty.

    With skip_bad, rows are planned again without the bad ones until no new problem
    appears: a row whose parent (or metric, …) was another row of the sheet that is
    not imported is then reported too."""
    plan = ImportPlan()
    table = read_table(raw, options)
    plan.notes.extend(table.notes)
    if table.problems:
        plan.problems.extend(table.problems)
        return plan
    plan.rows = len(table.rows)
    plan.notes.append(_mapping_note(table.columns))
    if not table.rows:
        return plan
    sheet = _Sheet(table, options, repo, target)
    bad: dict[int, list[str]] = {}
    for line, message in [*sheet.decide(), *sheet.assign_ids()]:
        bad.setdefault(line, []).append(message)
    plan.notes.extend(sheet.notes)
    if repo.model is None:
        plan.notes.append("no strategy repository here: references are not checked, so owner, parent, metric and "
                          "the like must be ids")
    first = True
    planned: dict[int, Planned] = {}
    warnings: dict[int, list[str]] = {}
    while True:
        round_bad: dict[int, list[str]] = {}
        planned = {}
        refs = _Refs(repo.model, options.kind)
        for row in table.rows:
            refs.add_row(row, sheet.ids.get(row.line), skipped=not first and row.line in bad)
        # The first round converts every row, to report every problem of each; later
        # rounds (skip_bad) only the rows still in.
        for row in table.rows:
            if row.problem is not None or (not first and row.line in bad):
                continue
            result = sheet.convert(row, refs)
            if isinstance(result, list):
                if result:
                    round_bad[row.line] = result
                continue
            if row.line in bad:
                continue
            ident, data = result
            text, problems = render_checked(options.kind, data, target.schema_folder, csv_name, row.line,
                                            target.lint_path(ident))
            problems += sheet.place(row, ident)
            if problems:
                round_bad[row.line] = problems
                continue
            rel = target.rel(ident)
            planned[row.line] = Planned(row.line, ident, rel, target.shown(ident), text,
                                        target.read(rel) if options.force else None, _strings(data))
        warnings = {}
        if planned and repo.model is not None and repo.loaded is not None:
            gone = {sheet.ids[line] for line in (*bad, *round_bad) if line in sheet.ids}
            errors, warnings, infos = _lint_overlay(repo, target, planned)
            for line, messages in errors.items():
                if not planned[line].refers & gone:  # its errors may only echo a bad row's
                    round_bad.setdefault(line, []).extend(messages)
            plan.notes[:] = [n for n in plan.notes if not n.startswith(_INFO_NOTE)]
            if infos:
                plan.notes.append(infos)
        for line, messages in round_bad.items():
            bad.setdefault(line, []).extend(messages)
        if not options.skip_bad or not (round_bad or (first and bad)):
            break
        first = False
    plan.problems.extend(Problem(line, m) for line in sorted(bad) for m in bad[line])
    if plan.problems and not options.skip_bad:
        return plan
    plan.files = [planned[line] for line in sorted(planned) if line not in bad]
    plan.warnings.extend(Problem(line, m) for line in sorted(warnings) if line not in bad for m in warnings[line])
    return plan


def _strings(data: Any) -> frozenset[str]:
    """Every text value in a document (the ids it refers to among them)."""
    if isinstance(data, dict):
        return frozenset().union(*(_strings(v) for k, v in data.items() if k not in ("kind", "id")))
    if isinstance(data, list):
        return frozenset().union(*(_strings(v) for v in data))
    return frozenset((data,)) if isinstance(data, str) else frozenset()


# --- reading the CSV ------------------------------------------------------------------


@dataclass(slots=True)
class Column:
    index: int
    header: str  # as written in the sheet
    field: str | None  # a known field, or None: kept as an x- key
    key: str | None = None  # the x- key (None for a known field)


@dataclass(slots=True)
class Row:
    line: int
    cells: dict[str, str]  # field → cell text (stripped; only non-empty cells)
    extras: list[tuple[str, str]]  # (x- key, cell text), in column order
    headers: dict[str, str]  # field → its column's header, for messages
    problem: str | None = None  # a row that cannot be read at all


@dataclass(slots=True)
class Table:
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    delimiter: str = ","


def decode(raw: bytes, encoding: str | None) -> tuple[str | None, Problem | None]:
    """The text of the file, without a BOM; or why it cannot be read."""
    if encoding:
        try:
            return raw.decode(encoding).lstrip("\ufeff"), None
        except LookupError:
            return None, Problem(0, f"unknown encoding {encoding!r}")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            return None, Problem(line, f"not {encoding} text (byte 0x{raw[exc.start]:02x})")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, Problem(0, "not UTF-16 text, though it starts with a UTF-16 byte order mark")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return None, Problem(line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}): save the sheet as \"CSV UTF-8\", "
                                   "or name its encoding with --encoding (Excel on Windows: --encoding cp1252)")


def sniff(text: str) -> tuple[str, int]:
    """(delimiter, number of lines to skip): Excel's `sep=X` first line, else the
    candidate that splits the first rows into the same number of cells most often."""
    first = text.split("\n", 1)[0].strip().strip('"')
    match = re.fullmatch(r"sep=(.)", first, re.IGNORECASE)
    if match:
        return match.group(1), 1
    sample = "\n".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:60])
    best, best_score = ",", (False, 0, 0)
    for candidate in (",", ";", "\t", "|"):
        counts: list[int] = []
        try:
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=candidate, skipinitialspace=True):
                if any(cell.strip() for cell in row):
                    counts.append(len(row))
                if len(counts) >= 20:
                    break
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=lambda n: (counts.count(n), n))
        score = (mode > 1, counts.count(mode), mode)
        if score > best_score:
            best, best_score = candidate, score
    return best, 0


def read_table(raw: bytes, options: Options) -> Table:
    """The header and the data rows of a CSV export, with their line numbers."""
    table = Table()
    text, problem = decode(raw, options.encoding)
    if text is None:
        assert problem is not None
        table.problems.append(problem)
        return table
    delimiter, skip = (options.delimiter, 0) if options.delimiter else sniff(text)
    if skip:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    table.delimiter = delimiter
    names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True, strict=True)
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            cells = [_clean(cell) for cell in record]
            if any(cells):
                records.append((start + skip, cells))
                if len(records) > MAX_ROWS + 1:  # the header and MAX_ROWS rows (title lines count too)
                    table.problems.append(Problem(start + skip, f"more than {MAX_ROWS:,} rows, the most one import "
                                                                "takes; split the sheet into smaller files"))
                    return table
    except csv.Error as exc:
        table.problems.append(Problem(reader.line_num + skip, f"not valid CSV ({exc}); a quote left open?"))
        return table
    header_at = _find_header(records, options.kind)
    if header_at is None:
        synonyms = COLUMNS[options.kind]
        wanted = ", ".join(synonyms[f][0] for f in _required_columns(options.kind))
        table.problems.append(Problem(records[0][0] if records else 1,
                                      f"no header row naming the columns: the first rows name no "
                                      f"{options.kind.lower()} column (expected e.g. {wanted})"))
        return table
    if header_at:
        lines = [str(line) for line, _ in records[:header_at]]
        table.notes.append(f"line{'s' if len(lines) > 1 else ''} {', '.join(lines)} above the header row skipped")
    header_line, header = records[header_at]
    data = records[header_at + 1:]
    table.columns, notes = map_header(header, options.kind, data)
    table.notes.extend(notes)
    table.notes.insert(0, f"{names.get(delimiter, repr(delimiter))}-separated, header on line {header_line}")
    width = len(header)
    lengths = [len(cells) for _, cells in data]
    common = max(set(lengths), key=lambda n: (lengths.count(n), -n)) if lengths else width
    for line, cells in data:
        # More cells than the header: fine when every row ends with the same empty
        # cells (a trailing delimiter), not when this row alone has more.
        if len(cells) > width and (any(cells[width:]) or len(cells) != common):
            table.rows.append(Row(line, {}, [], {}, f"this row has {len(cells)} cells, the header {width}: a "
                                                    f"cell with an unquoted {names.get(delimiter, delimiter)}? "
                                                    "Quote that cell"))
            continue
        cells = cells + [""] * (width - len(cells))
        row = Row(line, {}, [], {})
        for column in table.columns:
            value = cells[column.index]
            if not value:
                continue
            if column.field is not None:
                row.cells[column.field] = value
                row.headers[column.field] = column.header
            elif column.key is not None:
                row.extras.append((column.key, value))
        table.rows.append(row)
    return table


def _clean(cell: str) -> str:
    """A cell's text: line breaks as \\n, surrounding white space (also no-break spaces) off."""
    return cell.replace("\r\n", "\n").replace("\r", "\n").strip()


def norm_header(text: str) -> str:
    """`Owner E-mail (work)` → `owner e mail`: case, punctuation, brackets and spacing off."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"\(.*?\)|\[.*?\]", " ", t)
    t = re.sub(r"[_\-./:#*?!'\"]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


_norm_header = norm_header


def _lookup(kind: str) -> dict[str, str]:
    return {name: fld for fld, names in COLUMNS[kind].items() for name in names}


def _find_header(records: list[tuple[int, list[str]]], kind: str) -> int | None:
    """The index of the header among the first rows: the first that names two known
    columns, or the title column and some other (a title line `Objectives` is not it)."""
    names = _lookup(kind)
    ambiguous = AMBIGUOUS[kind]
    title = TITLE_FIELD[kind]
    for index, (_, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        found = {names[n] for n in map(_norm_header, cells) if n in names}
        found |= {ambiguous[n][0] for n in map(_norm_header, cells) if n in ambiguous}
        if len(found) >= 2 or (title in found and sum(1 for c in cells if c) >= 2):
            return index
    return None


def map_header(header: list[str], kind: str, data: list[tuple[int, list[str]]]) -> tuple[list[Column], list[str]]:
    """Each column's field, or its x- key. The first column naming a field gets it; a
    later one naming the same field is kept as an x- key, and a note says so."""
    names = _lookup(kind)
    notes: list[str] = []
    columns: list[Column] = []
    taken: dict[str, str] = {}
    for index, cell in enumerate(header):
        norm = _norm_header(cell)
        fld = names.get(norm)
        if fld is not None and fld not in taken:
            taken[fld] = cell
            columns.append(Column(index, cell, fld))
        else:
            columns.append(Column(index, cell, None))
    for column in columns:  # the ambiguous names, once the others are known
        options = AMBIGUOUS[kind].get(_norm_header(column.header))
        if column.field is None and options:
            free = next((f for f in options if f not in taken), None)
            if free is not None:
                taken[free] = column.header
                column.field = free
    keys: set[str] = set()
    for column in columns:
        if column.field is not None:
            continue
        has_data = any(column.index < len(cells) and cells[column.index] for _, cells in data)
        norm = _norm_header(column.header)
        if not column.header:
            if not has_data:
                continue  # a trailing (or stray) empty column
            base = f"x-column-{column.index + 1}"
        else:
            slug = slugify(column.header[2:] if column.header.lower().startswith("x-") else column.header)
            base = f"x-{slug}"[:80].rstrip("-") if slug else f"x-column-{column.index + 1}"
        key, n = base, 2
        while key in keys:
            key, n = f"{base}-{n}", n + 1
        keys.add(key)
        column.key = key
        if names.get(norm) in taken:
            notes.append(f"column `{column.header}` also means {names[norm]}, which `{taken[names[norm]]}` gives: "
                         f"kept as {key}")
        elif norm and not column.header.lower().startswith("x-"):
            close = difflib.get_close_matches(norm, list(names), 1, 0.8)
            if close:
                notes.append(f"column `{column.header}` kept as {key}; did you mean `{close[0]}`?")
    return columns, notes


def _mapping_note(columns: list[Column]) -> str:
    parts = []
    for column in columns:
        if column.field is not None:
            parts.append(f"{column.header} → {column.field}")
        elif column.key is not None:
            parts.append(f"{column.header or '(no name)'} → {column.key}")
    return "columns: " + ", ".join(parts)


def _required_columns(kind: str) -> list[str]:
    return {"Goal": ["title", "owner", "team", "parent", "period", "metric", "baseline", "target"],
            "Objective": ["title", "owner", "metric", "baseline", "target", "due"],
            "Metric": ["name", "unit", "type", "better"]}[kind]


# --- ids --------------------------------------------------------------------------------

_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ł": "l",
                       "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "ð": "d", "&": " and ", "%": " percent ",
                       "+": " plus "})


def slugify(text: str, limit: int = 80) -> str:
    """Lowercase ASCII letters, digits and dashes: `Café's +20% NPS` → `cafes-plus-20-percent-nps`.
    Cut at a dash to at most `limit` characters."""
    text = re.sub(r"(?<=\w)['’](?=\w)", "", text)  # Chen's → chens
    text = re.sub(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))", "", text)  # 1,000 → 1000
    t = unicodedata.normalize("NFKD", text.translate(_FOLD))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    if len(t) > limit:
        cut = t[:limit + 1].rfind("-")
        t = t[:cut] if cut > limit // 2 else t[:limit]
        t = t.strip("-")
    return t


# --- values -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberText:
    """A number cell taken apart: sign, digits with their separators, scale."""

    negative: bool
    core: str  # digits with `.` and `,` (spaces and apostrophes between groups removed)
    percent: bool
    exponent: int  # from a k / M / bn suffix
    currency: str | None


def split_number(text: str) -> NumberText | str:
    """A number cell's parts, or why it is not a number."""
    s = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    currency = None
    if s[:1] in "+-":
        negative, s = negative != (s[0] == "-"), s[1:].strip()
    match = re.match(r"([$€£¥₹]|[A-Z]{3}(?![A-Za-z]))\s*", s)
    if match:
        currency, s = match.group(1), s[match.end():]
        if s[:1] in "+-":
            negative, s = negative != (s[0] == "-"), s[1:].strip()
    match = re.search(r"\s*([$€£¥₹]|(?<![A-Za-z])[A-Z]{3})$", s)
    if match and currency is None:
        currency, s = match.group(1), s[:match.start()]
    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip()
    exponent = 0
    match = re.search(r"(?<=[0-9.])\s*(k|K|MM|M|Mn|mn|m|bn|Bn|BN|B)\.?$", s)
    if match:
        suffix = match.group(1)
        if suffix == "m" and currency is None:
            return "ends in m, which could mean million, minutes or metres: write M for million"
        if percent:
            return "is a percentage with a k/M/bn suffix"
        exponent, s = MULTIPLIERS[suffix], s[:match.start()]
    groups = re.compile(r"[ '\u00a0\u202f\u2009’](?=[0-9]{3}(?:[^0-9]|$))")
    if re.search(r"[0-9][ '\u00a0\u202f\u2009’][0-9]", s):
        if re.search(r"[ '\u00a0\u202f\u2009’](?![0-9]{3}(?:[^0-9]|$))", s):
            return "is not a number"
        s = groups.sub("", s)
    if not re.fullmatch(r"[0-9][0-9.,]*|[.,][0-9]+", s) or re.search(r"[.,]{2}", s):
        return "is not a number"
    return NumberText(negative, s, percent, exponent, currency)


def decimal_evidence(core: str) -> str | None:
    """`point` or `comma` when the digits can only be read with that decimal mark,
    None when either reading works (`1,200`, `1.200`) or no mark is used."""
    dots, commas = core.count("."), core.count(",")
    if dots and commas:
        return "point" if core.rfind(".") > core.rfind(",") else "comma"
    if not dots and not commas:
        return None
    mark = "." if dots else ","
    if core.count(mark) > 1:  # a grouping mark
        return "comma" if mark == "." else "point"
    whole, frac = core.split(mark)
    if len(frac) != 3 or whole in ("", "0") or len(whole) > 3:
        return "point" if mark == "." else "comma"
    return None


def number_value(parts: NumberText, mark: str, percent_points: bool) -> tuple[Decimal | None, str | None]:
    """The number, with the file's decimal mark (`point` | `comma`), or why not."""
    decimal, group = (".", ",") if mark == "point" else (",", ".")
    core = parts.core
    if core.count(decimal) > 1:
        return None, f"has {core.count(decimal)} decimal marks ({decimal!r})"
    whole, _, frac = core.partition(decimal)
    if group in frac:
        return None, "has a thousands separator after the decimal mark"
    if group in whole:
        chunks = whole.split(group)
        if not (1 <= len(chunks[0]) <= 3 and all(len(c) == 3 for c in chunks[1:])):
            return None, f"is not grouped in thousands (with the decimal {'comma' if mark == 'comma' else 'point'})"
        whole = "".join(chunks)
    try:
        value = Decimal(f"{whole or '0'}.{frac or '0'}")
    except InvalidOperation:
        return None, "is not a number"
    value = value.scaleb(parts.exponent)
    if parts.percent and not percent_points:
        value = value / 100
    if parts.negative:
        value = -value
    if value == 0:
        value = Decimal(0)
    if len(value.normalize().as_tuple().digits) > 30 or abs(value.adjusted()) > 30:
        return None, "has more digits than a goal can mean"
    return value, None


def number_text(value: Decimal) -> str:
    """The YAML text of a number: positional, no exponent (a YAML 1.1 reader takes `1e3`
    for text), no trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


_MONTHS = {name: i + 1 for i, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
     "sep sept september", "oct october", "nov november", "dec december")) for name in names.split()}
_WEEKDAY = re.compile(r"(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_TIME = r"(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC)?)?"
_ISO_DATE = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}")
_NUMERIC_DATE = re.compile(rf"(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}")
_DAY_MONTH = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?[ -]([A-Za-z]+)\.?,?[ -](\d{{4}}|\d{{2}}){_TIME}")
_MONTH_DAY = re.compile(rf"([A-Za-z]+)\.?[ -](\d{{1,2}})(?:st|nd|rd|th)?,?[ -](\d{{4}}){_TIME}")


@dataclass(frozen=True, slots=True)
class DateText:
    """A date cell: either certain (`iso`), or day and month in an order to decide."""

    iso: str | None = None
    first: int = 0  # numeric dates: the two numbers before the year, as written
    second: int = 0
    year: int = 0


def split_date(text: str, pattern: str | None = None) -> DateText | str:
    """A date cell's parts, or why it is not a date. With a strptime `pattern`, only that."""
    s = text.strip()
    if pattern:
        try:
            return DateText(dt.datetime.strptime(s, pattern).date().isoformat())
        except ValueError:
            return f"does not match --date-format {pattern}"
    s = _WEEKDAY.sub("", s, count=1) if _WEEKDAY.match(s) else s
    match = _ISO_DATE.fullmatch(s)
    if match:
        return _make_date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    match = _NUMERIC_DATE.fullmatch(s)
    if match:
        year = _year(match.group(4))
        first, second = int(match.group(1)), int(match.group(3))
        if match.group(2) == ".":  # 31.03.2026: day first wherever dots are used
            return _make_date(year, second, first)
        if first > 12 and second > 12:
            return "is not a date (no month)"
        if first == second:
            return _make_date(year, first, first)
        return DateText(None, first, second, year)
    for regex, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = regex.fullmatch(s)
        if match:
            month = _MONTHS.get(match.group(month_group).lower())
            if month is None:
                return f"has no month called {match.group(month_group)!r}"
            return _make_date(_year(match.group(3)), month, int(match.group(day_group)))
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return "is a number, not a date (a spreadsheet's day count? format the column as a date before exporting)"
    return "is not a date strat can read (write it as YYYY-MM-DD)"


def date_order_evidence(parts: DateText) -> str | None:
    if parts.iso is not None:
        return None
    return "dmy" if parts.first > 12 else "mdy" if parts.second > 12 else None


def date_value(parts: DateText, order: str | None) -> tuple[str | None, str | None]:
    if parts.iso is not None:
        return parts.iso, None
    if order is None:
        return None, None
    day, month = (parts.first, parts.second) if order == "dmy" else (parts.second, parts.first)
    made = _make_date(parts.year, month, day)
    return (made.iso, None) if isinstance(made, DateText) else (None, made)


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _make_date(year: int, month: int, day: int) -> DateText | str:
    try:
        return DateText(dt.date(year, month, day).isoformat())
    except ValueError:
        return f"is not a calendar date ({year:04d}, month {month}, day {day})"


# --- the sheet: file-level decisions, ids, conversion ------------------------------------


class _Sheet:
    def __init__(self, table: Table, options: Options, repo: Repository, target: Target) -> None:
        self.table, self.options, self.repo, self.target = table, options, repo, target
        self.kind = options.kind
        self.mark: str | None = None
        self.order: str | None = None
        self.ids: dict[int, str] = {}  # row line → id
        self.titles: dict[int, str] = {}
        self.notes: list[str] = []
        self.disputed: set[tuple[int, str]] = set()  # (line, field): reported by decide()

    # - decimal mark and date order, once per file

    def decide(self) -> list[tuple[int, str]]:
        problems: list[tuple[int, str, str]] = []
        marks: list[tuple[int, str, str]] = []
        orders: list[tuple[int, str, str]] = []
        fields: dict[tuple[int, str], str] = {}
        for row in self.table.rows:
            for fld in NUMBER_FIELDS[self.kind]:
                cell = row.cells.get(fld)
                if cell and cell.lower() not in PLACEHOLDERS:
                    parts = split_number(cell)
                    if isinstance(parts, NumberText):
                        seen = decimal_evidence(parts.core)
                        if seen:
                            marks.append((row.line, cell, seen))
                            fields[(row.line, cell)] = fld
            for fld in DATE_FIELDS[self.kind]:
                cell = row.cells.get(fld)
                if cell and cell.lower() not in PLACEHOLDERS and self.options.date_format in ("auto", "dmy", "mdy"):
                    date_parts = split_date(cell)
                    if isinstance(date_parts, DateText):
                        seen = date_order_evidence(date_parts)
                        if seen:
                            orders.append((row.line, cell, seen))
                            fields[(row.line, cell)] = fld
        default_mark = "point" if self.table.delimiter == "," else None
        self.mark, found = _decide(marks, self.options.decimal, default_mark, "decimal", {
            "point": "a decimal point", "comma": "a decimal comma"})
        problems += found
        if self.mark and marks and self.options.decimal == "auto":
            first = next(m for m in marks if m[2] == self.mark)
            word = "a decimal comma" if self.mark == "comma" else "a decimal point"
            self.notes.append(f"numbers read with {word} (line {first[0]}: `{first[1]}`)")
        self.order, found = _decide(orders, self.options.date_format, None, "date-format", {
            "dmy": "day first", "mdy": "month first"})
        problems += found
        if self.order and orders and self.options.date_format == "auto":
            first = next(o for o in orders if o[2] == self.order)
            word = "day" if self.order == "dmy" else "month"
            self.notes.append(f"dates read {word} first (line {first[0]}: `{first[1]}`)")
        for line, cell, _ in problems:
            self.disputed.add((line, fields.get((line, cell), "")))
        return [(line, message) for line, _, message in problems]

    # - ids

    def assign_ids(self) -> list[tuple[int, str]]:
        """Every row's id: its `id` cell as a slug, else a slug of its title; title ids
        that repeat get -2, -3 (explicit ids that repeat are reported)."""
        problems: list[tuple[int, str]] = []
        explicit: dict[str, int] = {}
        title_field = TITLE_FIELD[self.kind]
        for row in self.table.rows:
            if row.problem is not None:
                problems.append((row.line, row.problem))
                continue
            title = _one_line(row.cells.get(title_field, ""))
            self.titles[row.line] = title
            cell = row.cells.get("id")
            if cell is None:
                continue
            ident = cell.strip().lower() if SLUG.match(cell.strip().lower()) else slugify(cell)
            if not ident:
                problems.append((row.line, f"the `{row.headers['id']}` cell `{cell}` gives no id (letters, digits)"))
                continue
            if ident in explicit:
                problems.append((row.line, f"id `{ident}` is also the id of line {explicit[ident]}; ids are unique"))
                continue
            explicit[ident] = row.line
            self.ids[row.line] = ident
        used = set(explicit)
        for row in self.table.rows:
            if row.line in self.ids or row.problem is not None or "id" in row.cells:
                continue
            title = self.titles.get(row.line, "")
            if not title:
                continue  # reported as a missing title when the row is converted
            base = slugify(title, MAX_ID_FROM_TITLE)
            if not base:
                problems.append((row.line, f"cannot make an id from the {title_field} `{title}` (no letters or "
                                           "digits a slug can hold): add an `id` column"))
                continue
            ident, n = base, 2
            while ident in used:
                ident, n = f"{base}-{n}", n + 1
            used.add(ident)
            self.ids[row.line] = ident
        return problems

    # - where a row's file goes

    def place(self, row: Row, ident: str) -> list[str]:
        """Problems with writing the row's file: it exists (no --force), its id is taken
        by another file, or replacing it would lose other documents."""
        problems = []
        rel, lint_path = self.target.rel(ident), self.target.lint_path(ident)
        model = self.repo.model
        if model is not None:
            doc = model.by_id.get(ident)
            if doc is not None and doc.path != lint_path:
                source = "the `id` cell" if "id" in row.cells else f"the {TITLE_FIELD[self.kind]}"
                problems.append(f"id `{ident}` (from {source}) is already used by the {doc.kind} at "
                                f"{doc.path}:{doc.location(('id',)).line}; give the row another id in an `id` column")
            others = sorted(str(d.id) for d in model.documents if d.path == lint_path and d.id != ident)
            if others and self.options.force:
                problems.append(f"{self.target.shown(ident)} also holds {', '.join(f'`{o}`' for o in others)}; "
                                "replacing it would lose them (move them out first)")
        if not self.options.force and self.target.read(rel) is not None:
            problems.append(f"{self.target.shown(ident)} already exists (--force replaces it)")
        return problems

    # - one row

    def convert(self, row: Row, refs: "_Refs") -> tuple[str, dict[str, Any]] | list[str]:
        """The row as a document's data, or its problems."""
        ident = self.ids.get(row.line)
        c = _RowReader(self, row, refs)
        data: dict[str, Any] = {"kind": self.kind}
        if ident is not None:
            data["id"] = ident
        if self.kind == "Goal":
            self._goal(c, data)
        elif self.kind == "Objective":
            self._objective(c, data)
        else:
            self._metric(c, data)
        for key, value in row.extras:
            if key not in data:
                c.put(data, key, c.verbatim(key, value))
        if c.problems or ident is None:  # no id: assign_ids reported why
            return c.problems
        return ident, data

    def _goal(self, c: "_RowReader", data: dict[str, Any]) -> None:
        c.put(data, "title", c.title("title"))
        c.put(data, "owner", c.ref("owner", required=True))
        given = [f for f in ("team", "department", "person") if not c.blank(f)]
        if len(given) > 1:
            c.problems.append(f"gives {' and '.join(f'{f} `{c.row.cells[f]}`' for f in given)}: a goal belongs to "
                              "exactly one team, department or person")
        elif given:
            c.put(data, given[0], c.ref(given[0]))
        else:
            c.problems.append(c.missing("team", also=("department", "person"), what="team, department or person"))
        c.put(data, "parent", c.ref("parent", required=True))
        c.put(data, "plan", c.ref("plan"))
        due = c.date("due")
        if not c.blank("period"):
            c.put(data, "period", c.period())
        elif due is not None:
            c.put(data, "period", c.period_of(due))
        elif c.blank("due"):
            hint = "" if "due" in c.columns else ", or a `due` date that falls in one of the Strategy's periods"
            c.problems.append(c.missing("period") + hint)
        outcome: dict[str, Any] = {}
        metric = c.ref("metric", required=True)
        c.put(outcome, "metric", metric)
        points = c.percent_points(metric)
        c.put(outcome, "baseline", c.number("baseline", points, required=True))
        c.put(outcome, "target", c.number("target", points, required=True))
        c.put(outcome, "current", c.number("current", points))
        data["outcome"] = outcome
        c.put(data, "customer_progress", c.text("customer_progress"))
        status = c.choice("status", GOAL_STATUS, "draft, active, done or dropped (or On track, At risk, Completed, "
                                                 "Cancelled, …)")
        if status is not None:
            data["status"] = status
            if _norm_header(c.row.cells["status"]) != status:
                data["x-sheet-status"] = c.row.cells["status"]
        impact = c.impact()
        if impact is not None:
            data["impact"] = impact
        if due is not None:
            data["x-due"] = due

    def _objective(self, c: "_RowReader", data: dict[str, Any]) -> None:
        c.put(data, "title", c.title("title"))
        c.put(data, "owner", c.ref("owner", required=True))
        metric = c.ref("metric", required=True)
        c.put(data, "metric", metric)
        points = c.percent_points(metric)
        c.put(data, "baseline", c.number("baseline", points, required=True))
        c.put(data, "target", c.number("target", points, required=True))
        c.put(data, "due", c.date("due"))
        if not c.blank("period"):
            c.put(data, "period", c.period())
        if c.blank("due") and c.blank("period"):
            c.problems.append(c.missing("due", also=("period",), what="due date or period"))
        c.put(data, "why", c.text("why"))
        champions = c.ref_list("champions")
        if champions:
            data["champions"] = champions

    def _metric(self, c: "_RowReader", data: dict[str, Any]) -> None:
        c.put(data, "name", c.title("name"))
        c.put(data, "unit", c.title("unit", what="unit"))
        c.put(data, "type", c.choice("type", METRIC_TYPE, "leading or lagging", required=True))
        c.put(data, "better", c.choice("better", BETTER, "up or down (or higher, lower, increase, decrease)",
                                       required=True))
        c.put(data, "owner", c.ref("owner"))
        c.put(data, "description", c.text("description"))
        c.put(data, "source", c.text("source"))
        c.put(data, "financial", c.choice("financial", BOOLEAN, "yes or no"))
        drives = c.ref_list("drives")
        hypothesis = c.text("hypothesis")
        if drives:
            if hypothesis is None:
                c.problems.append(c.missing("hypothesis", what="hypothesis for `drives` (why moving this metric "
                                                               "moves that one)"))
            else:
                data["drives"] = [{"metric": m, "hypothesis": hypothesis} for m in drives]
        elif hypothesis is not None:
            data["x-hypothesis"] = hypothesis


def _decide(evidence: list[tuple[int, str, str]], option: str, default: str | None, flag: str,
            words: dict[str, str]) -> tuple[str | None, list[tuple[int, str, str]]]:
    """The file's choice (decimal mark, date order) from the cells that can only be read
    one way. The option, when given, wins. Cells that disagree with the majority are
    reported; a tie reports them all."""
    if option in words:
        return option, []
    if option != "auto":
        return None, []  # a strptime pattern: no order to decide
    if not evidence:
        return default, []
    counts = {choice: sum(1 for e in evidence if e[2] == choice) for choice in words}
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked[1][1] == 0:
        return ranked[0][0], []
    winner = ranked[0][0] if ranked[0][1] > ranked[1][1] else None
    problems = []
    alternatives = " or ".join(f"--{flag} {w}" for w in words)
    for line, cell, choice in evidence:
        if choice == winner:
            continue
        other = next(e for e in evidence if e[2] != choice)
        problems.append((line, cell, f"`{cell}` can only be read with {words[choice]}, but `{other[1]}` on line "
                               f"{other[0]} only with {words[other[2]]}: say which with {alternatives}"))
    return winner, problems


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _RowReader:
    """Reads one row's cells as field values, collecting the row's problems."""

    def __init__(self, sheet: _Sheet, row: Row, refs: "_Refs") -> None:
        self.sheet, self.row, self.refs = sheet, row, refs
        self.problems: list[str] = []
        self.columns = {c.field: c.header for c in sheet.table.columns if c.field}

    def blank(self, fld: str) -> bool:
        """No cell, an empty one, or a placeholder such as n/a or TBD."""
        value = self.row.cells.get(fld)
        return value is None or value.lower() in PLACEHOLDERS

    def placeholder(self, fld: str) -> str:
        """Why a required field is missing: no column, an empty cell, or a placeholder."""
        value = self.row.cells.get(fld)
        if value is not None:
            return f"no {_WHAT.get(fld, fld)}: {self.label(fld)} says `{value}`"
        return self.missing(fld)

    def put(self, data: dict[str, Any], key: str, value: Any) -> None:
        if value is not None:
            data[key] = value

    def cell(self, fld: str, placeholders: bool = False) -> str | None:
        value = self.row.cells.get(fld)
        if value is None or (placeholders and value.lower() in PLACEHOLDERS):
            return None
        bad = _CONTROL.search(value)
        if bad:
            self.problems.append(f"the `{self.row.headers[fld]}` cell holds the control character "
                                 f"U+{ord(bad.group()):04X}; remove it")
            return None
        return value

    def label(self, fld: str) -> str:
        return f"the `{self.row.headers[fld]}` cell"

    def missing(self, fld: str, also: tuple[str, ...] = (), what: str | None = None) -> str:
        """Why a required field is missing: `no X: add a `x` column` when the sheet has
        no column for it, else `no X: the `X` cell is empty`."""
        what = what or _WHAT.get(fld, fld)
        present = [self.columns[f] for f in (fld, *also) if f in self.columns]
        if present:
            cells = " / ".join(f"`{h}`" for h in present)
            return f"no {what}: the {cells} cell{'s are' if len(present) > 1 else ' is'} empty"
        names = COLUMNS[self.sheet.kind]
        suggestions = [names[f][0] for f in (fld, *also)]
        alternatives = [n for n in names[fld][1:3]]
        hint = f" (or {', '.join(f'`{a}`' for a in alternatives)})" if alternatives and not also else ""
        named = [f"`{s}`" for s in suggestions]
        listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
        return f"no {what}: add a {listed} column{hint}"

    def title(self, fld: str, what: str | None = None) -> str | None:
        value = self.cell(fld)
        if value is None:
            if fld not in self.row.cells:
                self.problems.append(self.missing(fld, what=what))
            return None
        return _one_line(value)

    def text(self, fld: str) -> str | None:
        return self.cell(fld)

    def verbatim(self, key: str, value: str) -> str | None:
        bad = _CONTROL.search(value)
        if bad:
            self.problems.append(f"the {key} cell holds the control character U+{ord(bad.group()):04X}; remove it")
            return None
        return value

    def choice(self, fld: str, table: dict[str, Any], allowed: str, required: bool = False) -> Any:
        value = self.cell(fld)
        if value is None:
            if required and self.blank(fld):
                self.problems.append(self.placeholder(fld))
            return None
        found = table.get(_norm_header(value), table.get(value.strip().lower()))
        if found is None:
            self.problems.append(f"{self.label(fld)} says `{value}`; expected {allowed}")
        return found

    def ref(self, fld: str, required: bool = False) -> str | None:
        value = self.cell(fld, placeholders=True)
        if value is None:
            if required and self.blank(fld):
                self.problems.append(self.placeholder(fld))
            return None
        found, problem = self.refs.resolve(REF_KINDS[fld], _one_line(value))
        if problem:
            self.problems.append(f"{fld}: {problem}")
        return found

    def ref_list(self, fld: str) -> list[str]:
        value = self.cell(fld, placeholders=True)
        if value is None:
            return []
        out: list[str] = []
        for part in re.split(r"[,;\n]", value):
            part = _one_line(part)
            if not part:
                continue
            found, problem = self.refs.resolve(REF_KINDS[fld], part)
            if problem:
                self.problems.append(f"{fld}: {problem}")
            elif found is not None and found not in out:
                out.append(found)
        return out

    def period(self) -> str | None:
        value = self.cell("period", placeholders=True)
        if value is None:
            return None
        found, problem = self.refs.period(_one_line(value))
        if problem:
            self.problems.append(f"period: {problem}")
        return found

    def period_of(self, due: str) -> str | None:
        """The Strategy period a due date falls in: the one ending on it, else the
        shortest one holding it."""
        model = self.sheet.repo.model
        if model is None:
            self.problems.append("no period: add a `period` column (without a strategy repository, a due date "
                                 "cannot name the period it falls in)")
            return None
        holding = [p for p in model.periods.values() if str(p.start) <= due <= str(p.end)]
        ending = [p for p in holding if str(p.end) == due]
        if ending:
            return ending[0].id
        if holding:
            return min(holding, key=lambda p: _days(p.start, p.end)).id
        periods = ", ".join(f"{p.id} ({p.start} to {p.end})" for p in model.periods.values()) or "none"
        self.problems.append(f"no period: the due date {due} falls in none of the Strategy's periods ({periods}); "
                             "add a `period` column")
        return None

    def date(self, fld: str) -> str | None:
        if (self.row.line, fld) in self.sheet.disputed:
            return None  # reported once, by _Sheet.decide
        value = self.cell(fld, placeholders=True)
        if value is None:
            return None
        fmt = self.sheet.options.date_format
        parts = split_date(value, fmt if "%" in fmt else None)
        if isinstance(parts, str):
            self.problems.append(f"{self.label(fld)} `{value}` {parts}")
            return None
        iso, problem = date_value(parts, self.sheet.order)
        if problem:
            self.problems.append(f"{self.label(fld)} `{value}` {problem}")
        elif iso is None:
            self.problems.append(f"{self.label(fld)} `{value}` could be day first or month first, and no date in "
                                 "the file settles it: say which with --date-format dmy or --date-format mdy")
        return iso

    def percent_points(self, metric: str | None) -> bool:
        """Whether `45%` is 45 for this metric (its unit is %) rather than 0.45."""
        doc = self.sheet.repo.model.get(metric, "Metric") if metric and self.sheet.repo.model else None
        return doc is not None and str(doc.data.get("unit", "")).strip() == "%"

    def number(self, fld: str, points: bool, required: bool = False) -> int | float | None:
        if (self.row.line, fld) in self.sheet.disputed:
            return None  # reported once, by _Sheet.decide
        value = self.cell(fld, placeholders=True)
        if value is None:
            if required and self.blank(fld):
                self.problems.append(self.placeholder(fld))
            return None
        parts = split_number(value)
        if isinstance(parts, str):
            self.problems.append(f"{fld}: `{value}` {parts}")
            return None
        mark = self.sheet.mark or decimal_evidence(parts.core)
        if mark is None:
            if "," not in parts.core and "." not in parts.core:
                mark = "point"
            else:
                self.problems.append(f"{fld}: `{value}` could be read with a decimal point or a decimal comma, and "
                                     "no number in the file settles it: say which with --decimal point or "
                                     "--decimal comma")
                return None
        number, problem = number_value(parts, mark, points)
        if problem or number is None:
            hint = (" (numbers in this file are read with a decimal comma: --decimal point to change that)"
                    if mark == "comma" else "")
            self.problems.append(f"{fld}: `{value}` {problem}{hint}")
            return None
        return resolve_plain(number_text(number), 1, 1)

    def impact(self) -> dict[str, Any] | None:
        value = self.cell("impact", placeholders=True)
        if value is None:
            return None
        before = len(self.problems)
        amount = self.number("impact", points=False)
        parts = split_number(value)
        symbol = parts.currency if isinstance(parts, NumberText) else None
        from_cell = CURRENCY_SYMBOLS.get(symbol, symbol) if symbol else None
        column = self.cell("currency", placeholders=True)
        from_column = CURRENCY_SYMBOLS.get(column.strip(), column.strip().upper()) if column else None
        if from_column and not re.fullmatch(r"[A-Z]{3}", from_column):
            self.problems.append(f"{self.label('currency')} `{column}` is not a currency code such as EUR or USD")
        if from_cell and from_column and from_cell != from_column:
            self.problems.append(f"impact `{value}` is in {from_cell}, but {self.label('currency')} says {from_column}")
        currency = from_column or from_cell
        if currency is None:
            self.problems.append(f"impact `{value}` names no currency: write e.g. EUR 600k, or add a `currency` column")
        basis = self.text("basis")
        if basis is None:
            self.problems.append(self.missing("basis"))
        if len(self.problems) > before or amount is None:
            return None
        return {"annual": amount, "currency": currency, "basis": basis}


def _days(start: Any, end: Any) -> int:
    try:
        return (dt.date.fromisoformat(str(end)) - dt.date.fromisoformat(str(start))).days
    except ValueError:
        return 1 << 30


# --- references ---------------------------------------------------------------------------


_KIND_WORDS = {"Person": "person", "Team": "team", "Department": "department", "Objective": "objective",
               "Goal": "goal", "Plan": "plan", "Metric": "metric"}
_NAME_FIELDS = {"Person": ("name", "email"), "Team": ("name",), "Department": ("name",), "Objective": ("title",),
                "Goal": ("title",), "Plan": ("title",), "Metric": ("name",)}


class Refs:
    """Ids of the repository's strategy and of the sheet's rows, found by id, name,
    title or e-mail address (public: `strat.importokr` matches owners with it)."""

    def __init__(self, model: Model | None, sheet_kind: str) -> None:
        self.model, self.sheet_kind = model, sheet_kind
        self.ids: dict[str, set[str]] = {}  # kind → ids
        self.names: dict[str, dict[str, set[str]]] = {}  # kind → folded name → ids
        self.shown: dict[str, str] = {}  # id → its name, for did-you-mean
        self.skipped: dict[str, dict[str, int]] = {}  # kind → id or folded title → line
        if model is not None:
            for kind in _NAME_FIELDS:
                for doc in model.of_kind(kind):
                    if isinstance(doc.id, str):
                        names = [doc.data.get(f) for f in _NAME_FIELDS[kind]]
                        self._add(kind, doc.id, [n for n in names if isinstance(n, str)])

    def _add(self, kind: str, ident: str, names: list[str]) -> None:
        self.ids.setdefault(kind, set()).add(ident)
        for name in names:
            self.names.setdefault(kind, {}).setdefault(_fold(name), set()).add(ident)
        if names:
            self.shown.setdefault(ident, names[0])

    def add_row(self, row: Row, ident: str | None, skipped: bool) -> None:
        if ident is None:
            return
        title = _one_line(row.cells.get(TITLE_FIELD[self.sheet_kind], ""))
        if skipped:
            where = self.skipped.setdefault(self.sheet_kind, {})
            where[ident] = row.line
            if title:
                where[_fold(title)] = row.line
            return
        self._add(self.sheet_kind, ident, [title] if title else [])

    def resolve(self, kinds: tuple[str, ...], text: str) -> tuple[str | None, str | None]:
        word = " or ".join(_KIND_WORDS[k] for k in kinds)
        probe = text[1:] if text.startswith("@") and len(text) > 1 else text
        for candidate in (probe, probe.lower()):
            for kind in kinds:
                if candidate in self.ids.get(kind, ()):
                    return candidate, None
        folded = _fold(probe)
        matches = sorted({i for kind in kinds for i in self.names.get(kind, {}).get(folded, set())})
        if len(matches) == 1:
            return matches[0], None
        if len(matches) > 1:
            return None, f"`{text}` names more than one {word}: {', '.join(f'`{m}`' for m in matches)}; use the id"
        slug = slugify(probe)
        for kind in kinds:
            if slug in self.ids.get(kind, ()):
                return slug, None
        for kind in kinds:
            line = self.skipped.get(kind, {}).get(probe.lower()) or self.skipped.get(kind, {}).get(folded)
            if line:
                return None, f"`{text}` is the {_KIND_WORDS[kind]} on line {line}, which is not imported"
        if self.model is None:
            if SLUG.match(probe.lower()):
                return probe.lower(), None
            return None, (f"`{text}` is not an id, and outside a strategy repository strat cannot look up "
                          f"which {word} it names: write the id")
        candidates = sorted({i for kind in kinds for i in self.ids.get(kind, ())})
        names = {self.shown[i].lower(): i for i in candidates if i in self.shown}
        close = _did_you_mean(probe.lower(), candidates + list(names))
        hint = ""
        if close:
            ident = names.get(close, close)
            hint = f"; did you mean `{ident}`" + (f" ({self.shown[ident]})" if ident in self.shown else "") + "?"
        return None, f"no {word} `{text}` (by id{', name or e-mail' if 'Person' in kinds else ' or name'}){hint}"

    def period(self, text: str) -> tuple[str | None, str | None]:
        model = self.model
        slug = slugify(text)
        if model is None:
            return (slug, None) if slug and SLUG.match(slug) else (None, f"`{text}` gives no period id")
        known = list(model.periods)
        if text in known:
            return text, None
        tokens = re.findall(r"[a-z]+[0-9]*|[0-9]+", text.lower())
        candidates = [slug]
        if 1 < len(tokens) <= 3:
            candidates += ["-".join(p) for p in itertools.permutations(tokens)]
        for candidate in candidates:
            if candidate in model.periods:
                return candidate, None
        close = _did_you_mean(slug, known)
        hint = f"; did you mean `{close}`?" if close else f" (periods: {', '.join(known) or 'none'})"
        return None, f"no period `{text}` in the Strategy{hint}"


_Refs = Refs


def _did_you_mean(word: str, candidates: list[str]) -> str | None:
    from strat.refs import did_you_mean

    found = did_you_mean(word, candidates)
    return found[0] if found else None


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


# --- YAML -----------------------------------------------------------------------------------

_YAML11_WORDS = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf"))
_YAML11_NUMBERISH = re.compile(r"[-+]?(0b[0-1_]+|0x[0-9a-f_]+|0o?[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)",
                               re.IGNORECASE)
_ID_LIKE = re.compile(r"[a-z0-9][a-z0-9-]*")
_ORDER = {
    "Goal": ("kind", "id", "title", "owner", "team", "department", "person", "parent", "plan", "period", "outcome",
             "customer_progress", "status", "impact"),
    "Objective": ("kind", "id", "title", "owner", "metric", "baseline", "target", "due", "period", "why",
                  "champions"),
    "Metric": ("kind", "id", "name", "unit", "type", "better", "owner", "description", "source", "financial",
               "drives"),
}


def _plain_ok(text: str) -> bool:
    """Whether `text` can be written unquoted and read back as the same text by any YAML
    reader (1.1 and 1.2): a letter first, or an id-like slug with a letter; nothing that
    starts a comment, a mapping or a special value."""
    if not text or text != text.strip() or "\n" in text or "\t" in text:
        return False
    if any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in text):
        return False
    if "#" in text or ": " in text or text.endswith(":") or "  " in text:
        return False
    if text.lower() in _YAML11_WORDS or _YAML11_NUMBERISH.fullmatch(text):
        return False
    if not (text[0].isalpha() or (_ID_LIKE.fullmatch(text) and re.search(r"[a-z]", text))):
        return False
    return resolve_plain(text, 1, 1) == text


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are YAML's), with every invisible or
    format character written as an escape a reviewer can see."""
    out = json.dumps(text, ensure_ascii=False)
    return "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " "
                   else (f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}") for ch in out)


def _literal_ok(text: str) -> bool:
    """Whether a multi-line text can be a `|-` block: no trailing spaces, no leading
    space on the first line, nothing invisible."""
    lines = text.split("\n")
    return ("\n" in text and not text.startswith((" ", "\n")) and not text.endswith("\n")
            and all(line == line.rstrip() for line in lines)
            and not any(unicodedata.category(ch)[0] in "CZ" and ch not in " \n" for ch in text))


def scalar(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(Decimal(repr(value)))
    text = str(value)
    return text if _plain_ok(text) else _quoted(text)


def _emit(data: dict[str, Any], indent: int, out: list[str], literal: bool) -> None:
    pad = " " * indent
    for key, value in data.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            _emit(value, indent + 2, out, literal)
        elif isinstance(value, list):
            out.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    inner: list[str] = []
                    _emit(item, indent + 4, inner, literal)
                    out.append(f"{pad}  - {inner[0].lstrip()}")
                    out.extend(inner[1:])
                else:
                    out.append(f"{pad}  - {scalar(item)}")
        elif literal and isinstance(value, str) and _literal_ok(value):
            out.append(f"{pad}{key}: |-")
            out.extend(f"{pad}  {line}" if line else "" for line in value.split("\n"))
        else:
            out.append(f"{pad}{key}: {scalar(value)}")


def _ordered(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    order = _ORDER[kind]
    known = [k for k in order if k in data]
    rest = [k for k in data if k not in order]
    out = {k: data[k] for k in known + rest}
    if isinstance(out.get("outcome"), dict):
        out["outcome"] = {k: out["outcome"][k] for k in ("metric", "baseline", "target", "current")
                          if k in out["outcome"]}
    return out


def render(kind: str, data: dict[str, Any], schema_folder: str, origin: str | None = None,
           literal: bool = True) -> str:
    """A document as YAML: the editor's schema line, where it came from, then the fields
    in the schema's order and the x- keys in the sheet's column order."""
    lines = [f"# yaml-language-server: $schema={schema_folder}/{kind.lower()}.schema.json"]
    if origin:
        lines.append(f"# Imported from {origin}.")
    _emit(_ordered(kind, data), 0, lines, literal)
    return "\n".join(lines) + "\n"


def render_checked(kind: str, data: dict[str, Any], schema_folder: str, csv_name: str, line: int,
                   path: str) -> tuple[str, list[str]]:
    """The YAML text of a document, read back with strat's loader (it must give exactly
    `data`) and validated against the kind's schema; else the problems."""
    from strat.validate import validate_documents

    origin = f"{_comment_safe(os.path.basename(csv_name))}, line {line}"
    text = ""
    for literal in (True, False):
        text = render(kind, data, schema_folder, origin, literal)
        source, diagnostics = parse_bytes(text.encode("utf-8"), path)
        if diagnostics or source is None or len(source.documents) != 1:
            continue
        if _same(source.documents[0].data, _ordered(kind, data)):
            break
    else:
        return text, ["internal error: the YAML written for this row does not read back as the row's data; nothing "
                      "was written (this is a bug in strat; please report it with the row)"]
    _, findings = validate_documents(source.documents)
    return text, [_schema_message(d.message) for d in findings]


def _schema_message(message: str) -> str:
    return f"{message} (the generated YAML would not be valid)"


def _comment_safe(name: str) -> str:
    return "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else "?" for ch in name)


def _same(a: Any, b: Any) -> bool:
    """Deep equality where 1 is not True and 1 is not 1.0, and key order counts."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


# --- lint of the result -----------------------------------------------------------------


_INFO_NOTE = "strat lint will add info findings"


def lint_with(repo: Repository, texts: dict[str, str]) -> "LintResult":
    """Lint the repository's strategy with these files (path → text) in it, replacing
    files of the same path: what `strat lint` would say once they are written."""
    from strat.lint import LintOptions, check

    assert repo.loaded is not None
    files = [f for f in repo.loaded.files if f.path not in texts]
    diagnostics = [d for d in repo.loaded.diagnostics if d.location.path not in texts]
    for path, text in texts.items():
        source, found = parse_bytes(text.encode("utf-8"), path)
        diagnostics.extend(found)
        if source is not None:
            files.append(source)
    return check(LoadResult(files, diagnostics), repo.config, LintOptions(use_git=False))


def _lint_overlay(repo: Repository, target: Target, planned: dict[int, Planned]
                  ) -> tuple[dict[int, list[str]], dict[int, list[str]], str | None]:
    """Lint the repository's strategy with the planned files in it (replacing files of
    the same path). Errors in the new files refuse their rows; warnings are shown."""
    from strat.diagnostics import Severity

    by_path = {target.lint_path(p.id): p for p in planned.values()}
    result = lint_with(repo, {path: item.text for path, item in by_path.items()})
    errors: dict[int, list[str]] = {}
    warnings: dict[int, list[str]] = {}
    infos: dict[str, int] = {}
    for d in result.diagnostics:
        new_file = by_path.get(d.location.path)
        if new_file is None:
            continue
        if d.severity is Severity.ERROR:
            errors.setdefault(new_file.line, []).append(f"{d.code} {d.message} (strat lint would fail)")
        elif d.severity is Severity.WARNING:
            warnings.setdefault(new_file.line, []).append(f"{d.code} {d.message}")
        else:
            infos[d.code] = infos.get(d.code, 0) + 1
    note = None
    if infos:
        parts = ", ".join(f"{n} {code}" for code, n in sorted(infos.items()))
        note = f"{_INFO_NOTE} on the new files ({parts}; `strat explain CODE` says why)"
    return errors, warnings, note


# --- the repository ---------------------------------------------------------------------------


def open_repository(start: Path, out: Path | None, kind: str) -> tuple[Repository, Target, list[Any]]:
    """The repository around `start` (if any), its strategy, and where the files go.
    Returns config diagnostics (a broken strat.yaml) as the third item."""
    from strat.config import Config, find_root, load_config
    from strat.lint import LintOptions, check
    from strat.load import load_tree
    from strat.write import WriteRefused, target_path

    repo = Repository(config=Config())
    root = find_root(start)
    if root is not None:
        root = root.resolve()
        config, problems = load_config(root)
        if problems:
            return repo, make_target(start, out, kind, None, "strategy"), problems
        repo.root, repo.config, repo.strategy = root, config, config.strategy
        folder = root / config.strategy
        if folder.is_dir():
            loaded = load_tree(root, folder, config.include, config.exclude)
            result = check(loaded, config, LintOptions(select=("E", "S", "R"), use_git=False))
            repo.loaded, repo.model = loaded, result.model
    target = make_target(start, out, kind, repo.root, repo.strategy)

    def read(rel: str) -> bytes | None:
        try:
            path = target_path(target.write_root, rel)
        except WriteRefused:
            return None  # strat.write refuses it, with the reason
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError:
            return b""

    target.read = read
    return repo, target, []


def make_target(start: Path, out: Path | None, kind: str, root: Path | None, strategy: str) -> Target:
    folder_name = FOLDERS[kind]
    base = root or start.resolve()
    if out is None:
        out_abs = base / strategy / folder_name
    else:
        out_abs = Path(os.path.abspath(out))
    inside = root is not None and (out_abs.resolve() == root or root in out_abs.resolve().parents)
    if inside:
        assert root is not None
        rel = out_abs.resolve().relative_to(root).as_posix()
        write_root, folder, shown, lint_folder = root, rel, rel, rel
    elif out is None:
        write_root, folder = base, f"{strategy}/{folder_name}"
        shown = lint_folder = folder
    else:
        # Outside the repository: the lint sees the files at the path given, which no
        # repository file can have, so an id taken in the strategy is still a collision.
        write_root, folder, shown, lint_folder = out_abs, "", str(out), str(out)
    try:
        schema_folder = Path(os.path.relpath(base / "schemas", out_abs)).as_posix()
    except ValueError:  # another drive
        schema_folder = (base / "schemas").as_posix()
    return Target(write_root, folder, shown, lint_folder, schema_folder, lambda rel: None)
