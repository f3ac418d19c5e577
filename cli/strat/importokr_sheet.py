"""Reading an OKR tool's CSV export into objectives, key results and check-ins, with the
line each comes from. No strategy is consulted here (`strat.importokr` maps the result).

The bytes are decoded and split the way `strat import csv` does it (`strat.importcsv`:
UTF-8 with or without a BOM, UTF-16 with a BOM, the delimiter sniffed or named by
Excel's `sep=` line, quoted line breaks). The header is the first of the first ten rows
that names two known columns of the format. Every column that is not a known field is
kept, cell text as written, as an `x-<column>` key of what the row becomes.

How rows become a tree:
  * a row's type comes from its type column (`strat.importokr_formats.TYPE_WORDS`);
    without one, a row naming a key result is one, a row with a check-in date is a
    check-in, any other row is an objective;
  * a key result belongs to the objective its parent id names, else the one its
    objective column names (an objective only named there is made from the first key
    result naming it), else the objective row above it (exports list key results
    under their objective);
  * a check-in belongs to the key result its parent id names, else the one its key
    result column names, else the key result row above it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from strat.importcsv import MAX_ROWS, Problem, decode, norm_header, slugify, sniff
from strat.importokr_formats import CHECKIN, KEY_RESULT, NOT_IMPORTED, OBJECTIVE, TYPE_WORDS, Format

HEADER_SEARCH_ROWS = 10


@dataclass(slots=True)
class Row:
    line: int
    cells: dict[str, str]  # field → cell text (stripped; non-empty cells only)
    extras: list[tuple[str, str]]  # (x- key, cell text) in column order
    headers: dict[str, str]  # field → the header of its column, for messages


@dataclass(slots=True)
class CheckinRow:
    row: Row


@dataclass(slots=True)
class KeyResultRow:
    row: Row
    title: str
    checkins: list[CheckinRow] = field(default_factory=list)


@dataclass(slots=True)
class ObjectiveRow:
    row: Row
    title: str
    implicit: bool = False  # only named by key-result rows
    key_results: list[KeyResultRow] = field(default_factory=list)


@dataclass(slots=True)
class Sheet:
    objectives: list[ObjectiveRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # rows of a kind strat does not import, and why
    notes: list[str] = field(default_factory=list)
    delimiter: str = ","
    rows: int = 0


def read_sheet(raw: bytes, fmt: Format, encoding: str | None = None) -> Sheet:
    sheet = Sheet()
    rows, header_note = _read_rows(raw, fmt, sheet, encoding)
    if rows is None:
        return sheet
    sheet.notes.append(header_note)
    sheet.rows = len(rows)
    _build_tree(rows, sheet)
    return sheet


def _read_rows(raw: bytes, fmt: Format, sheet: Sheet, encoding: str | None) -> tuple[list[Row] | None, str]:
    if raw.startswith(b"PK\x03\x04"):  # a zip archive: an .xlsx workbook
        records = _xlsx_records(raw, sheet)
    else:
        records = _csv_records(raw, sheet, encoding)
    if records is None:
        return None, ""
    names = fmt.lookup()
    header_at = None
    for index, (_, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        if len({names[n] for n in map(norm_header, cells) if n in names}) >= 2:
            header_at = index
            break
    if header_at is None:
        wanted = ", ".join(fmt.columns[f][0] for f in ("type", "title", "owner", "baseline", "target"))
        sheet.problems.append(Problem(records[0][0] if records else 1,
                                      f"no header row naming {fmt.title} columns in the first rows (expected e.g. "
                                      f"{wanted})"))
        return None, ""
    header_line, header = records[header_at]
    columns: list[tuple[int, str, str | None, str | None]] = []  # index, header, field, x-key
    taken: set[str] = set()
    keys: set[str] = set()
    for index, cell in enumerate(header):
        fld = names.get(norm_header(cell))
        if fld is not None and fld not in taken:
            taken.add(fld)
            columns.append((index, cell, fld, None))
            continue
        if not cell and not any(index < len(c) and c[index] for _, c in records[header_at + 1:]):
            continue
        base = f"x-{slugify(cell)}"[:80].rstrip("-") if slugify(cell) else f"x-column-{index + 1}"
        key, n = base, 2
        while key in keys:
            key, n = f"{base}-{n}", n + 1
        keys.add(key)
        columns.append((index, cell, None, key))
    mapped = ", ".join(f"{h} → {f or k}" for _, h, f, k in columns)
    rows: list[Row] = []
    width = len(header)
    for line, cells in records[header_at + 1:]:
        if len(cells) > width and any(cells[width:]):
            sheet.problems.append(Problem(line, f"this row has {len(cells)} cells, the header {width}: a cell with "
                                                "an unquoted delimiter? Quote that cell"))
            continue
        row = Row(line, {}, [], {})
        for index, head, column_field, x_key in columns:
            value = cells[index] if index < len(cells) else ""
            if not value:
                continue
            if column_field is not None:
                row.cells[column_field] = value
                row.headers[column_field] = head
            elif x_key is not None:
                row.extras.append((x_key, value))
        rows.append(row)
    above = f"; lines above it skipped" if header_at else ""
    return rows, f"header on line {header_line}{above}; columns: {mapped}"



def _csv_records(raw: bytes, sheet: Sheet, encoding: str | None) -> list[tuple[int, list[str]]] | None:
    """(line, cells) of every non-blank CSV record, or None with the problem noted."""
    text, problem = decode(raw, encoding)
    if text is None:
        assert problem is not None
        sheet.problems.append(problem)
        return None
    delimiter, skip = sniff(text)
    if skip:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    sheet.delimiter = delimiter
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True, strict=True)
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            cells = [c.replace("\r\n", "\n").replace("\r", "\n").strip() for c in record]
            if any(cells):
                records.append((start + skip, cells))
                if len(records) > MAX_ROWS + 1:
                    sheet.problems.append(Problem(start + skip, f"more than {MAX_ROWS:,} rows, the most one import "
                                                                "takes; split the export into smaller files"))
                    return None
    except csv.Error as exc:
        sheet.problems.append(Problem(reader.line_num + skip, f"not valid CSV ({exc}); a quote left open?"))
        return None
    return records


MAX_XLSX_COLUMNS = 200


def _xlsx_records(raw: bytes, sheet: Sheet) -> list[tuple[int, list[str]]] | None:
    """(row number, cells) of every non-blank row of the workbook's first sheet, each cell
    as the sheet shows it: a percentage as `45%`, a date as `2026-11-15`, a whole number
    without `.0`. Needs openpyxl (`pip install 'strategy-as-code[excel]'`, which also
    installs defusedxml, so the workbook's XML cannot expand entities); the workbook is
    read in openpyxl's read-only mode, row by row, and never evaluated (formulas are
    read as their last saved values)."""
    try:
        import openpyxl
    except ImportError:
        sheet.problems.append(Problem(0, "an Excel workbook (.xlsx): reading one needs openpyxl (`pip install "
                                         "'strategy-as-code[excel]'`), or save the sheet as \"CSV UTF-8\" and import "
                                         "that"))
        return None
    import zipfile

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        sheet.problems.append(Problem(0, f"not a workbook Excel or strat can read ({type(exc).__name__}); save it again "
                                         "as .xlsx or as \"CSV UTF-8\""))
        return None
    try:
        if not book.worksheets:
            sheet.problems.append(Problem(0, "the workbook has no sheet"))
            return None
        records: list[tuple[int, list[str]]] = []
        for number, row in enumerate(book.worksheets[0].iter_rows(max_col=MAX_XLSX_COLUMNS), 1):
            cells = [_xlsx_cell(cell) for cell in row]
            if any(cells):
                records.append((number, cells))
                if len(records) > MAX_ROWS + 1:
                    sheet.problems.append(Problem(number, f"more than {MAX_ROWS:,} rows, the most one import takes; "
                                                          "split the export into smaller files"))
                    return None
        return records
    finally:
        book.close()


def _xlsx_cell(cell: Any) -> str:
    import datetime as dt

    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if "%" in str(getattr(cell, "number_format", "") or ""):
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}" if isinstance(value, float) else str(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()

def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    return one_line(text).casefold()


SKIP = "skip"


def _row_type(row: Row) -> tuple[str | None, str | None]:
    """(type, problem); (SKIP, why) for a row of a kind strat does not import."""
    word = row.cells.get("type")
    if word is None:
        if "key_result" in row.cells:
            return KEY_RESULT, None
        if "checkin_date" in row.cells:
            return CHECKIN, None
        return OBJECTIVE, None
    norm = norm_header(word)
    if norm in TYPE_WORDS:
        return TYPE_WORDS[norm], None
    if norm in NOT_IMPORTED:
        return SKIP, f"skipped: `{one_line(word)}` {NOT_IMPORTED[norm]}"
    return None, (f"unknown type `{one_line(word)}` in {_label(row, 'type')}: expected Objective, Key result or "
                  "Check-in")


def _label(row: Row, fld: str) -> str:
    return f"the `{row.headers.get(fld, fld)}` column"


def _build_tree(rows: list[Row], sheet: Sheet) -> None:
    by_id: dict[str, ObjectiveRow | KeyResultRow] = {}
    objectives_by_title: dict[str, ObjectiveRow] = {}
    krs_by_title: dict[str, list[KeyResultRow]] = {}
    last_objective: ObjectiveRow | None = None
    last_kr: KeyResultRow | None = None
    pending: list[tuple[Row, str]] = []  # rows linked by a parent id that may come later
    waiting: dict[int, KeyResultRow] = {}  # line → key result of a pending row

    def place_kr(row: Row, kr: KeyResultRow) -> str | None:
        parent = row.cells.get("parent_id")
        if parent is not None:
            found = by_id.get(fold(parent))
            if isinstance(found, ObjectiveRow):
                found.key_results.append(kr)
                return None
            return f"its parent `{one_line(parent)}` ({_label(row, 'parent_id')}) is no objective of this file"
        name = row.cells.get("objective")
        if name is not None:
            objective = objectives_by_title.get(fold(name))
            if objective is None:
                objective = ObjectiveRow(row, one_line(name), implicit=True)
                objectives_by_title[fold(name)] = objective
                sheet.objectives.append(objective)
            objective.key_results.append(kr)
            return None
        if last_objective is None:
            return "a key result with no objective: no parent id, no objective column and no objective row above it"
        last_objective.key_results.append(kr)
        return None

    skipped: dict[str, int] = {}  # folded id → line of a skipped row
    for row in rows:
        kind, problem = _row_type(row)
        parent = row.cells.get("parent_id")
        if kind == SKIP or (parent is not None and fold(parent) in skipped):
            if kind != SKIP:
                problem = f"skipped: it belongs to the row on line {skipped[fold(parent or '')]}, which is skipped"
            sheet.skipped.append(Problem(row.line, problem or ""))
            if "id" in row.cells:
                skipped[fold(row.cells["id"])] = row.line
            continue
        if problem:
            sheet.problems.append(Problem(row.line, problem))
            continue
        if kind == OBJECTIVE:
            title = one_line(row.cells.get("title") or row.cells.get("objective") or "")
            if not title:
                sheet.problems.append(Problem(row.line, "an objective with no title"))
                continue
            objective = objectives_by_title.get(fold(title))
            if objective is not None and not objective.implicit:
                sheet.problems.append(Problem(row.line, f"the objective `{title}` is also on line "
                                                        f"{objective.row.line}: titles of objectives are unique"))
                continue
            if objective is not None:  # named by key results above: this row defines it
                objective.row, objective.implicit = row, False
            else:
                objective = ObjectiveRow(row, title)
                objectives_by_title[fold(title)] = objective
                sheet.objectives.append(objective)
            if "id" in row.cells:
                by_id[fold(row.cells["id"])] = objective
            last_objective, last_kr = objective, None
        elif kind == KEY_RESULT:
            title = one_line(row.cells.get("key_result") or row.cells.get("title") or "")
            if not title:
                sheet.problems.append(Problem(row.line, "a key result with no title"))
                continue
            kr = KeyResultRow(row, title)
            if "parent_id" in row.cells and fold(row.cells["parent_id"]) not in by_id:
                pending.append((row, "kr"))
                waiting[row.line] = kr
            else:
                problem = place_kr(row, kr)
                if problem:
                    sheet.problems.append(Problem(row.line, problem))
                    continue
            if "id" in row.cells:
                by_id[fold(row.cells["id"])] = kr
            krs_by_title.setdefault(fold(title), []).append(kr)
            last_kr = kr
        else:
            checkin = CheckinRow(row)
            parent = row.cells.get("parent_id")
            target: KeyResultRow | None = None
            if parent is not None:
                found = by_id.get(fold(parent))
                if isinstance(found, KeyResultRow):
                    target = found
                else:
                    pending.append((row, "checkin"))
                    continue
            elif row.cells.get("key_result") or row.cells.get("title"):
                named = fold(row.cells.get("key_result") or row.cells.get("title") or "")
                matches = krs_by_title.get(named, [])
                if len(matches) == 1:
                    target = matches[0]
                else:
                    what = "names more than one key result" if matches else "names no key result above it"
                    sheet.problems.append(Problem(row.line, f"a check-in that {what}: "
                                                            f"`{one_line(row.cells.get('key_result') or row.cells.get('title') or '')}`"))
                    continue
            else:
                target = last_kr
            if target is None:
                sheet.problems.append(Problem(row.line, "a check-in with no key result: no parent id, no key result "
                                                        "column and no key result row above it"))
                continue
            target.checkins.append(checkin)
    for row, what in pending:  # parents listed after their children
        found = by_id.get(fold(row.cells["parent_id"]))
        if what == "kr" and isinstance(found, ObjectiveRow):
            found.key_results.append(waiting[row.line])
        elif what == "checkin" and isinstance(found, KeyResultRow):
            found.checkins.append(CheckinRow(row))
        else:
            wanted = "objective" if what == "kr" else "key result"
            sheet.problems.append(Problem(row.line, f"its parent `{one_line(row.cells['parent_id'])}` "
                                                    f"({_label(row, 'parent_id')}) is no {wanted} of this file"))
