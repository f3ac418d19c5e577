"""`strat import csv`: one row as a document's data (`strat.importcsv`): the file's
decimal mark and date order, every row's id, and each field read from its cell."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from strat.importcsv_read import COLUMNS, TITLE_FIELD, Options, Row, Table, norm_header
from strat.importcsv_values import (CURRENCY_SYMBOLS, SLUG, DateText, NumberText, date_order_evidence, date_value,
                                    decimal_evidence, number_text, number_value, one_line, slugify, split_date,
                                    split_number)
from strat.load import resolve_plain

if TYPE_CHECKING:
    from strat.importcsv import Repository, Target
    from strat.importcsv_refs import Refs

_norm_header = norm_header
_one_line = one_line

MAX_ID_FROM_TITLE = 60

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

# C0 controls except tab and line breaks, DEL, C1 controls and the characters strat's
# loader refuses: a cell holding one is reported, never written.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


# --- the sheet: file-level decisions, ids, conversion ------------------------------------


class _Sheet:
    def __init__(self, table: Table, options: Options, repo: Repository, target: Target) -> None:
        self.table, self.options, self.repo, self.target = table, options, repo, target
        self.kind = options.kind
        self.mark: str | None = None
        self.order: str | None = None
        self.ids: dict[int, str] = {}  # row line → id
        self.notes: list[str] = []
        self.disputed: set[tuple[int, str]] = set()  # (line, field): reported by decide()

    # - decimal mark and date order, once per file

    def decide(self) -> list[tuple[int, str]]:
        problems: list[tuple[int, str, str]] = []
        marks, orders, fields, agree = self._evidence(compact=True)
        if not agree:  # some cells contradict others: all of them again, to report them
            marks, orders, fields, _ = self._evidence(compact=False)
        default_mark = "point" if self.table.delimiter == "," else None
        self.mark = self._choose(marks, self.options.decimal, default_mark, "decimal", {
            "point": "a decimal point", "comma": "a decimal comma"}, "numbers read with {}", problems)
        self.order = self._choose(orders, self.options.date_format, None, "date-format", {
            "dmy": "day first", "mdy": "month first"}, "dates read {}", problems)
        for line, cell, _ in problems:
            self.disputed.add((line, fields.get((line, cell), "")))
        return [(line, message) for line, _, message in problems]

    def _choose(self, evidence: list[tuple[int, str, str]], option: str, default: str | None, flag: str,
                words: dict[str, str], note: str, problems: list[tuple[int, str, str]]) -> str | None:
        """`_decide` for one setting; when it was worked out from the cells (`auto`), a
        note names the first cell that showed it."""
        chosen, found = _decide(evidence, option, default, flag, words)
        problems += found
        if chosen and evidence and option == "auto":
            first = next(e for e in evidence if e[2] == chosen)
            self.notes.append(f"{note.format(words[chosen])} (line {first[0]}: `{first[1]}`)")
        return chosen

    def _evidence(self, compact: bool) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]],
                                                dict[tuple[int, str], str], bool]:
        """The cells that can only be read one way: (line, cell, choice) for the decimal
        mark and for the date order, each cell's field, and whether the cells agree.
        `compact` keeps only the first cell of each choice (and no fields): all the
        decision needs while the cells agree, whatever the number of rows."""
        marks: list[tuple[int, str, str]] = []
        orders: list[tuple[int, str, str]] = []
        fields: dict[tuple[int, str], str] = {}

        def add(found: list[tuple[int, str, str]], line: int, cell: str, seen: str, fld: str) -> None:
            if compact and any(e[2] == seen for e in found):
                return
            found.append((line, cell, seen))
            if not compact:
                fields[(line, cell)] = fld

        for row in self.table.rows:
            for fld in NUMBER_FIELDS[self.kind]:
                cell = row.cells.get(fld)
                if cell and cell.lower() not in PLACEHOLDERS:
                    parts = split_number(cell)
                    if isinstance(parts, NumberText):
                        seen = decimal_evidence(parts.core)
                        if seen:
                            add(marks, row.line, cell, seen, fld)
            for fld in DATE_FIELDS[self.kind]:
                cell = row.cells.get(fld)
                if cell and cell.lower() not in PLACEHOLDERS and self.options.date_format in ("auto", "dmy", "mdy"):
                    date_parts = split_date(cell)
                    if isinstance(date_parts, DateText):
                        seen = date_order_evidence(date_parts)
                        if seen:
                            add(orders, row.line, cell, seen, fld)
        return marks, orders, fields, len({e[2] for e in marks}) < 2 and len({e[2] for e in orders}) < 2

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
            title = _one_line(row.cells.get(title_field, ""))  # read again, not kept for every row
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
            others = sorted(str(d.id) for d in model.in_file(lint_path) if d.id != ident)
            if others and self.options.force:
                problems.append(f"{self.target.shown(ident)} also holds {', '.join(f'`{o}`' for o in others)}; "
                                "replacing it would lose them (move them out first)")
        if not self.options.force and self.target.read(rel) is not None:
            problems.append(f"{self.target.shown(ident)} already exists (--force replaces it)")
        return problems

    # - one row

    def convert(self, row: Row, refs: "Refs") -> tuple[str, dict[str, Any]] | list[str]:
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


class _RowReader:
    """Reads one row's cells as field values, collecting the row's problems."""

    def __init__(self, sheet: _Sheet, row: Row, refs: "Refs") -> None:
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
