"""Reading the cells of an OKR export's rows for `strat.importokr`: numbers and dates
(the file's decimal mark and day/month order decided once, as `strat import csv` does),
people by e-mail then name, teams. Each problem is kept with the row's line."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from strat.importcsv import (PLACEHOLDERS, DateText, NumberText, Problem, Refs, date_order_evidence, date_value,
                             decimal_evidence, number_text, number_value, split_date, split_number)
from strat.importokr_sheet import Row, one_line
from strat.load import resolve_plain
from strat.model import Model

NUMBER_FIELDS = ("baseline", "target", "current", "checkin_value", "weight", "confidence")
DATE_FIELDS = ("start_date", "end_date", "checkin_date")
_EMAIL = re.compile(r"[^\s<>,;()\"']+@[^\s<>,;()\"']+\.[^\s<>,;()\"']+")


class Cells:
    """Cell readers over one export; `problems` collects what cannot be read."""

    def __init__(self, model: Model, decimal: str, date_format: str, delimiter: str) -> None:
        self.model = model
        self.refs = Refs(model, "Goal")
        self.decimal, self.date_format, self.delimiter = decimal, date_format, delimiter
        self.problems: list[Problem] = []
        self.mark: str | None = None
        self.order: str | None = None

    def decide(self, rows: list[Row]) -> list[Problem]:
        """The file's decimal mark and day/month order, from the cells that can only be
        read one way (as `strat import csv` does); options win."""
        marks: dict[str, tuple[int, str]] = {}
        orders: dict[str, tuple[int, str]] = {}
        for row in rows:
            for fld in NUMBER_FIELDS:
                cell = row.cells.get(fld)
                parts = split_number(cell) if cell and cell.lower() not in PLACEHOLDERS else None
                if isinstance(parts, NumberText) and (seen := decimal_evidence(parts.core)):
                    marks.setdefault(seen, (row.line, cell or ""))
            for fld in DATE_FIELDS:
                cell = row.cells.get(fld)
                date_parts = split_date(cell) if cell and cell.lower() not in PLACEHOLDERS else None
                if isinstance(date_parts, DateText) and (seen := date_order_evidence(date_parts)):
                    orders.setdefault(seen, (row.line, cell or ""))
        problems = []
        if self.decimal != "auto":
            self.mark = self.decimal
        elif len(marks) > 1:
            (a, (la, ca)), (b, (lb, cb)) = sorted(marks.items())
            problems.append(Problem(lb, f"`{cb}` can only be read with a decimal {b}, but `{ca}` on line {la} only "
                                        f"with a decimal {a}: say which with --decimal point or --decimal comma"))
        else:
            self.mark = next(iter(marks), "point" if self.delimiter == "," else None)
        if self.date_format != "auto":
            self.order = self.date_format
        elif len(orders) > 1:
            problems.append(Problem(orders["mdy"][0], f"`{orders['mdy'][1]}` can only be month first, but "
                                                      f"`{orders['dmy'][1]}` on line {orders['dmy'][0]} only day "
                                                      "first: say which with --date-format dmy or mdy"))
        else:
            self.order = next(iter(orders), None)
        return problems

    # - one objective and its key results

    def _problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def _owner(self, row: Row, objective_row: bool, required: bool = True, report: bool = True) -> str | None:
        """The Person id of a row's owner. An objective named only by key-result rows
        (objective_row False, required) takes the objective-owner column first."""
        fields: tuple[str, ...] = ("owner_email", "owner_name", "owner")
        if not objective_row and required:
            fields = ("objective_owner",) + fields
        for fld in fields:
            cell = row.cells.get(fld)
            if cell and cell.lower() not in PLACEHOLDERS:
                return self._person(row, fld, report)
        if required and report:
            self._problem(row.line, "no owner: the owner (an e-mail address or a name) is empty")
        return None

    def _person(self, row: Row, fld: str, report: bool = True) -> str | None:
        """A Person id by e-mail, then by name (or id)."""
        text = one_line(row.cells[fld])
        emails = _EMAIL.findall(text)
        for email in emails:
            found, _ = self.refs.resolve(("Person",), email)
            if found:
                return found
        name = one_line(re.sub(r"[<>()\[\]]", " ", _EMAIL.sub(" ", text))).strip(",; ")
        problem = None
        if name:
            found, problem = self.refs.resolve(("Person",), name)
            if found:
                return found
        if report:
            shown = emails[0] if emails and not name else text
            if not problem or emails:
                problem = f"no person with the e-mail address or name `{shown}`"
            self._problem(row.line, f"{row.headers.get(fld, fld)} `{text}`: {problem}; owners are matched to the "
                                    "strategy's people (add the Person, or fix the address)")
        return None

    def _holder(self, row: Row, cell: str, data: dict[str, Any]) -> None:
        text = one_line(cell)
        for kind, key in (("Team", "team"), ("Department", "department")):
            found, _ = self.refs.resolve((kind,), text)
            if found:
                data[key] = found
                return
        _, problem = self.refs.resolve(("Team", "Department"), text)
        self._problem(row.line, f"{row.headers.get('team', 'team')}: {problem}")

    def _number(self, row: Row, fld: str, points: bool) -> int | float | None:
        cell = row.cells.get(fld)
        if cell is None or cell.lower() in PLACEHOLDERS:
            return None
        label = f"{row.headers.get(fld, fld)} `{cell}`"
        parts = split_number(cell)
        if isinstance(parts, str):
            self._problem(row.line, f"{label} {parts}")
            return None
        mark = self.mark or decimal_evidence(parts.core)
        if mark is None:
            if "," in parts.core or "." in parts.core:
                self._problem(row.line, f"{label} could be read with a decimal point or a decimal comma: say which "
                                        "with --decimal point or --decimal comma")
                return None
            mark = "point"
        value, problem = number_value(parts, mark, points)
        if problem or value is None:
            self._problem(row.line, f"{label} {problem}")
            return None
        out = resolve_plain(number_text(value), 1, 1)
        return out if isinstance(out, (int, float)) else None

    def _date(self, row: Row, fld: str) -> str | None:
        cell = row.cells.get(fld)
        if cell is None or cell.lower() in PLACEHOLDERS:
            return None
        label = f"{row.headers.get(fld, fld)} `{cell}`"
        parts = split_date(cell)
        if isinstance(parts, str):
            self._problem(row.line, f"{label} {parts}")
            return None
        iso, problem = date_value(parts, self.order)
        if problem:
            self._problem(row.line, f"{label} {problem}")
        elif iso is None:
            self._problem(row.line, f"{label} could be day first or month first: say which with --date-format dmy "
                                    "or --date-format mdy")
        return iso


def days_between(start: Any, end: Any) -> int:
    try:
        return (dt.date.fromisoformat(str(end)) - dt.date.fromisoformat(str(start))).days
    except ValueError:
        return 1 << 30
