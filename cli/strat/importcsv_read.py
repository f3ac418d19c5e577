"""`strat import csv`: reading the sheet (`strat.importcsv`): the encoding, the
delimiter, the header row, each column's field, and the data rows with their lines."""

from __future__ import annotations

import csv
import difflib
import io
import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

from strat.importcsv_values import slugify

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


@dataclass(frozen=True, slots=True)
class Problem:
    """Something about one CSV line (0: the file as a whole)."""

    line: int
    message: str

    def shown(self, csv_name: str) -> str:
        return f"{csv_name}:{self.line}: {self.message}" if self.line else f"{csv_name}: {self.message}"


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
    """The sheet as read: its columns, and its data rows on demand (`rows`). The rows are
    not held: each pass over `rows` reads them again from the text, one at a time, so a
    large sheet costs its text and what the passes keep of each row, not every row."""

    columns: list[Column] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    delimiter: str = ","
    count: int = 0  # data rows
    text: str = field(default="", repr=False)
    skip: int = 0  # lines before the text (Excel's `sep=` line)
    first: int = 0  # records (non-empty rows) before the first data row: title lines and the header
    width: int = 0  # the header's cells
    common: int = 0  # the most common number of cells of a data row

    @property
    def rows(self) -> Iterator[Row]:
        """The data rows, in order, read again from the text."""
        names = _DELIMITER_NAMES
        width = self.width
        records = _records(self.text, self.delimiter, self.skip)
        for _ in itertools.islice(records, self.first):
            pass
        for line, cells in records:
            # More cells than the header: fine when every row ends with the same empty
            # cells (a trailing delimiter), not when this row alone has more.
            if len(cells) > width and (any(cells[width:]) or len(cells) != self.common):
                yield Row(line, {}, [], {}, f"this row has {len(cells)} cells, the header {width}: a cell with an "
                                            f"unquoted {names.get(self.delimiter, self.delimiter)}? Quote that cell")
                continue
            cells = cells + [""] * (width - len(cells))
            row = Row(line, {}, [], {})
            for column in self.columns:
                value = cells[column.index]
                if not value:
                    continue
                if column.field is not None:
                    row.cells[column.field] = value
                    row.headers[column.field] = column.header
                elif column.key is not None:
                    row.extras.append((column.key, value))
            yield row


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


class _Broken(Exception):
    """The CSV cannot be read past this line."""

    def __init__(self, line: int, why: csv.Error) -> None:
        super().__init__(line, why)
        self.line, self.why = line, why


# A line with its end (\r\n, \r or \n), or the last line without one: what a file opened
# with newline="" gives, one at a time (io.StringIO would first copy the whole text into a
# buffer of four bytes a character).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines(text: str) -> Iterator[str]:
    """The lines of `text` with their ends, one at a time, as a file opened with
    newline="" gives them (what the csv module reads)."""
    return (match.group() for match in _LINE.finditer(text))


def _records(text: str, delimiter: str, skip: int) -> Iterator[tuple[int, list[str]]]:
    """(line, cleaned cells) of every row that has a non-empty cell, as read."""
    reader = csv.reader(lines(text), delimiter=delimiter, skipinitialspace=True, strict=True)
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            cells = [_clean(cell) for cell in record]
            if any(cells):
                yield start + skip, cells
    except csv.Error as exc:
        raise _Broken(reader.line_num + skip, exc) from None


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
    first = text[:text.find("\n")] if "\n" in text else text
    match = re.fullmatch(r"sep=(.)", first.strip().strip('"'), re.IGNORECASE)
    if match:
        return match.group(1), 1
    head = text[:next(itertools.islice((m.end() for m in _LINE.finditer(text)), 59, None), len(text))]
    sample = "\n".join(head.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:60])
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
    """The header and the data rows of a CSV export, with their line numbers. One pass
    over the text finds the header and what the rows say about the columns (which have
    data, how many cells a row has), and the limits; the rows are read again on demand
    (`Table.rows`)."""
    table = Table()
    text, problem = decode(raw, options.encoding)
    if text is None:
        assert problem is not None
        table.problems.append(problem)
        return table
    delimiter, skip = (options.delimiter, 0) if options.delimiter else sniff(text)
    if skip:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    table.delimiter, table.text, table.skip = delimiter, text, skip
    head: list[tuple[int, list[str]]] = []  # the first records, where the header is
    lengths: Counter[int] = Counter()  # of the records after them
    filled: set[int] = set()  # the columns with data in the records after them
    count = 0
    try:
        for line, cells in _records(text, delimiter, skip):
            count += 1
            if count > MAX_ROWS + 1:  # the header and MAX_ROWS rows (title lines count too)
                table.problems.append(Problem(line, f"more than {MAX_ROWS:,} rows, the most one import takes; "
                                                    "split the sheet into smaller files"))
                return table
            if len(head) < HEADER_SEARCH_ROWS:
                head.append((line, cells))
                continue
            lengths[len(cells)] += 1
            filled.update(i for i, cell in enumerate(cells) if cell)
    except _Broken as broken:
        table.problems.append(Problem(broken.line, f"not valid CSV ({broken.why}); a quote left open?"))
        return table
    header_at = _find_header(head, options.kind)
    if header_at is None:
        synonyms = COLUMNS[options.kind]
        wanted = ", ".join(synonyms[f][0] for f in _required_columns(options.kind))
        table.problems.append(Problem(head[0][0] if head else 1,
                                      f"no header row naming the columns: the first rows name no "
                                      f"{options.kind.lower()} column (expected e.g. {wanted})"))
        return table
    if header_at:
        lines = [str(line) for line, _ in head[:header_at]]
        table.notes.append(f"line{'s' if len(lines) > 1 else ''} {', '.join(lines)} above the header row skipped")
    header_line, header = head[header_at]
    for _, cells in head[header_at + 1:]:
        lengths[len(cells)] += 1
        filled.update(i for i, cell in enumerate(cells) if cell)
    table.columns, notes = map_header(header, options.kind, filled)
    table.notes.extend(notes)
    table.notes.insert(0, f"{_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated, header on line "
                          f"{header_line}")
    table.width, table.first, table.count = len(header), header_at + 1, count - header_at - 1
    table.common = max(lengths, key=lambda n: (lengths[n], -n)) if lengths else table.width
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


def map_header(header: list[str], kind: str, filled: set[int]) -> tuple[list[Column], list[str]]:
    """Each column's field, or its x- key. The first column naming a field gets it; a
    later one naming the same field is kept as an x- key, and a note says so. `filled`:
    the columns (indexes) with data in some row."""
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
        has_data = column.index in filled
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
