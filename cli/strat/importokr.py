"""`strat import FORMAT FILE`: an OKR tool's export → goals that keep their key results.

`plan_import` is pure: it reads the export (`strat.importokr_sheet`, with the format's
vocabulary from `strat.importokr_formats`; cells read by `strat.importokr_cells`), maps it
onto the repository's strategy and
returns the files to write ({path: YAML}) and every row that cannot map, with its line
and why. Nothing is written here; the command hands the files to `strat.write`.

The mapping (decisions the SPEC leaves open are in the how-to "Move from an OKR tool"):
  * each objective of the tool → one Goal under the business Objective `--objective`
    names (required unless the strategy has exactly one), for the period `--period`
    names, else the row's period column, else the period its end date falls in, else the
    strategy's only period;
  * each key result → an entry of that goal's `key_results` (title, metric, baseline,
    target, current, weight, check-ins); the first key result is also the goal's
    `outcome`, which strat requires;
  * a key result's metric is an existing Metric whose id or name the metric column (or
    the key result's title) gives; otherwise a new Metric is written beside the goals,
    named after the key result: unit from the unit column (`%` when the numbers are
    written as percentages, else `number`), `type: leading` (what a team moves),
    `better` from the direction of its target;
  * owners are matched by e-mail, then by name, to Person ids; the goal belongs to the
    team (or department) its team column names, else to its owner (`person`);
  * progress history (check-in rows) → `checkins` of the key result, oldest first;
  * cells for which strat has no field are kept as `x-` keys, as written.
The documents are rendered, read back and validated by `strat.importcsv.render_checked`
and linted with the repository's strategy: anything the lint would call an error refuses
the import (with the line of the objective or key result it comes from).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strat import importcsv
from strat.importcsv import (GOAL_STATUS, PLACEHOLDERS, ImportPlan, NumberText, Planned, Problem, Repository,
                             Target, norm_header, render_checked, slugify, split_number)
from strat.importokr_cells import Cells, days_between
from strat.importokr_formats import Format
from strat.importokr_sheet import KeyResultRow, ObjectiveRow, Row, Sheet, fold, one_line, read_sheet
from strat.load import LoadResult, parse_bytes
from strat.model import Model

MAX_ID_FROM_TITLE = 60


@dataclass(frozen=True, slots=True)
class Options:
    fmt: Format
    objective: str | None = None
    period: str | None = None
    decimal: str = "auto"  # auto | point | comma
    date_format: str = "auto"  # auto | dmy | mdy
    encoding: str | None = None


@dataclass(slots=True)
class Targets:
    goals: Target
    metrics: Target


@dataclass(slots=True)
class Counts:
    goals: int = 0
    key_results: int = 0
    checkins: int = 0
    new_metrics: int = 0
    matched_metrics: int = 0


@dataclass(slots=True)
class OkrPlan(ImportPlan):
    counts: Counts = field(default_factory=Counts)


def open_targets(start: Path, out: Path | None) -> tuple[Repository, Targets, list[Any]]:
    """The repository around `start`, where goals and new metrics go (strategy/goals/
    and strategy/metrics/, or both in `out`), and config problems."""
    repo, goals, problems = importcsv.open_repository(start, out, "Goal")
    metrics = goals
    if out is None and repo.root is not None:
        metrics = importcsv.make_target(start, None, "Metric", repo.root, repo.strategy)
        metrics.read = goals.read
    return repo, Targets(goals, metrics), problems


def plan_import(raw: bytes, name: str, options: Options, repo: Repository, targets: Targets) -> OkrPlan:
    plan = OkrPlan()
    model = repo.model
    if model is None:
        plan.problems.append(Problem(0, "no strategy here: run strat import inside a strategy repository (strat init "
                                        "makes one), so owners, the objective and the periods can be looked up"))
        return plan
    sheet = read_sheet(raw, options.fmt, options.encoding)
    plan.notes.extend(sheet.notes)
    plan.rows = sheet.rows
    plan.problems.extend(sheet.problems)
    plan.warnings.extend(sheet.skipped)
    mapper = _Mapper(model, options, sheet, targets)
    mapper.sheet_name = name
    plan.problems.extend(mapper.setup())
    if any(p.line == 0 for p in plan.problems) or (not sheet.objectives and plan.problems):
        return plan
    planned: list[tuple[Planned, str]] = []
    for objective in sheet.objectives:
        planned.extend(mapper.goal(objective))
    plan.problems.extend(mapper.problems)
    plan.notes.extend(mapper.notes)
    plan.counts = mapper.counts
    if planned and repo.loaded is not None:
        errors, warnings, note = _lint(repo, [(p, lint_path) for p, lint_path in planned])
        plan.problems.extend(errors)
        plan.warnings.extend(warnings)
        if note:
            plan.notes.append(note)
    plan.problems[:] = sorted(dict.fromkeys(plan.problems), key=lambda p: p.line)
    if not plan.problems:
        plan.files = [p for p, _ in planned]
    return plan


class _Mapper(Cells):
    def __init__(self, model: Model, options: Options, sheet: Sheet, targets: Targets) -> None:
        super().__init__(model, options.decimal, options.date_format, sheet.delimiter)
        self.options, self.sheet, self.targets = options, sheet, targets
        self.fmt = options.fmt
        self.notes: list[str] = []
        self.counts = Counts()
        self.objective = ""
        self.period: str | None = None
        self.used = set(model.by_id)
        self.new_metrics: dict[str, tuple[str, str]] = {}  # folded name → (metric id, unit)
        self.status = {**GOAL_STATUS, **self.fmt.status_words}
        self.sheet_name = "the export"
        self._metric_docs: dict[str, tuple[str, str]] = {}  # new metric id → (name, unit), until rendered
        self._pending_metrics: list[tuple[Planned, str] | None] = []

    # - once per file

    def setup(self) -> list[Problem]:
        problems: list[Problem] = []
        objectives = sorted(d.id for d in self.model.of_kind("Objective") if isinstance(d.id, str))
        wanted = self.options.objective
        if wanted is None:
            if len(objectives) == 1:
                self.objective = objectives[0]
            else:
                listed = ", ".join(objectives) or "none"
                problems.append(Problem(0, f"--objective is required: the strategy has {len(objectives)} business "
                                           f"objectives ({listed}); name the one these goals serve"))
        else:
            found, problem = self.refs.resolve(("Objective",), wanted)
            if found is None:
                problems.append(Problem(0, f"--objective: {problem}"))
            else:
                self.objective = found
        if self.options.period is not None:
            found, problem = self.refs.period(self.options.period)
            if found is None:
                problems.append(Problem(0, f"--period: {problem}"))
            self.period = found
        problems.extend(self.decide(self._rows()))
        return problems

    def _rows(self) -> list[Row]:
        rows: list[Row] = []
        for objective in self.sheet.objectives:
            rows.append(objective.row)
            for kr in objective.key_results:
                rows.append(kr.row)
                rows.extend(c.row for c in kr.checkins)
        return rows

    def goal(self, objective: ObjectiveRow) -> list[tuple[Planned, str]]:
        row = objective.row
        before = len(self.problems)
        owner = self._owner(row, objective_row=not objective.implicit)
        data: dict[str, Any] = {"kind": "Goal"}
        ident = self._new_id(objective.title, row.line, "Goal")
        if ident:
            data["id"] = ident
        data["title"] = objective.title
        if owner:
            data["owner"] = owner
        team_cell = row.cells.get("team")
        if team_cell and team_cell.lower() not in PLACEHOLDERS:
            self._holder(row, team_cell, data)
        elif owner:
            data["person"] = owner
        data["parent"] = self.objective
        period = self._period(objective)
        if period:
            data["period"] = period
        key_results = [kr for kr in (self._key_result(kr) for kr in objective.key_results) if kr is not None]
        if not objective.key_results:
            self._problem(row.line, f"the objective `{objective.title}` has no key results: a strat goal needs an "
                                    "outcome (a metric, its baseline and target)")
        if key_results:
            first = key_results[0]
            data["outcome"] = {k: first[k] for k in ("metric", "baseline", "target", "current") if k in first}
        status = row.cells.get("status")
        if status and not objective.implicit:
            word = self.status.get(norm_header(status))
            if word is not None:
                data["status"] = word
            if word is None or norm_header(status) != word:
                data["x-status"] = status
        if key_results:
            data["key_results"] = key_results
        if not objective.implicit:
            for key, value in [("x-description", row.cells.get("description"))] + row.extras:
                if value is not None and key not in data:
                    data[key] = value
        if len(self.problems) > before or not ident:
            self._pending_metrics = []
            return []
        self.counts.goals += 1
        self.counts.key_results += len(key_results)
        self.counts.checkins += sum(len(kr.get("checkins", ())) for kr in key_results)
        out = [self._render("Goal", data, row.line, self.targets.goals)]
        out.extend(self._pending_metrics)
        self._pending_metrics = []
        return [o for o in out if o is not None]

    def _key_result(self, kr: KeyResultRow) -> dict[str, Any] | None:
        row = kr.row
        before = len(self.problems)
        self._owner(row, objective_row=False, required=False)
        metric, unit = self._metric(kr)
        points = unit == "%"
        data: dict[str, Any] = {"title": kr.title}
        if metric:
            data["metric"] = metric
        for fld in ("baseline", "target"):
            value = self._number(row, fld, points)
            if value is not None:
                data[fld] = value
            elif fld not in row.cells or row.cells[fld].lower() in PLACEHOLDERS:
                what = "baseline (start value)" if fld == "baseline" else "target"
                self._problem(row.line, f"the key result `{kr.title}` has no {what}")
        if "baseline" in data and data.get("baseline") == data.get("target"):
            self._problem(row.line, f"the key result `{kr.title}` has its target equal to its baseline "
                                    f"({row.cells.get('target')}): nothing to move")
        current = self._number(row, "current", points)
        weight = self._number(row, "weight", False)
        checkins = sorted((c for c in (self._checkin(c.row, points) for c in kr.checkins) if c is not None),
                          key=lambda c: str(c["date"]))
        if current is None and checkins:
            current = checkins[-1]["value"]
        if current is not None:
            data["current"] = current
        if weight is not None:
            if isinstance(weight, (int, float)) and weight > 0:
                data["weight"] = weight
            else:
                self._problem(row.line, f"weight `{row.cells.get('weight')}` is not a number above 0")
        if checkins:
            data["checkins"] = checkins
        for key, cell in row.extras:
            data.setdefault(key, cell)
        if len(self.problems) > before:
            return None
        if metric and metric in self._metric_docs:
            self._pending_metrics.append(self._render_metric(metric, kr, data, unit))
        return data

    def _metric(self, kr: KeyResultRow) -> tuple[str | None, str]:
        """The metric id and its unit: an existing Metric the metric cell (or the title)
        names, or one this import writes."""
        row = kr.row
        named = one_line(row.cells.get("metric") or "") or kr.title
        for text in (named, kr.title):
            doc = self._known_metric(text)
            if doc is not None and isinstance(doc.id, str):
                self.counts.matched_metrics += 1
                return doc.id, str(doc.data.get("unit", "")).strip()
        key = fold(named)
        if key in self.new_metrics:
            return self.new_metrics[key]
        unit_cell = one_line(row.cells.get("unit") or "")
        percents = any(str(row.cells.get(f, "")).strip().endswith("%") for f in ("baseline", "target", "current"))
        unit = unit_cell or ("%" if percents else "number")
        ident = self._new_id(named, row.line, "Metric")
        if not ident:
            return None, unit
        self.new_metrics[key] = (ident, unit)
        self._metric_docs[ident] = (named, unit)
        return ident, unit

    def _known_metric(self, text: str) -> Any:
        """The Metric whose id, name or id-slug is `text` exactly (no did-you-mean: a
        key result that names no metric gets its own)."""
        if not text:
            return None
        ids = self.refs.ids.get("Metric", set())
        for candidate in (text, text.lower(), slugify(text)):
            if candidate in ids:
                return self.model.get(candidate, "Metric")
        folded = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()
        matches = self.refs.names.get("Metric", {}).get(folded, ())
        return self.model.get(next(iter(matches)), "Metric") if len(matches) == 1 else None

    def _render_metric(self, ident: str, kr: KeyResultRow, measure: dict[str, Any], unit: str
                       ) -> tuple[Planned, str] | None:
        name, _ = self._metric_docs.pop(ident)
        better = "up" if measure["target"] > measure["baseline"] else "down"
        data: dict[str, Any] = {"kind": "Metric", "id": ident, "name": name, "unit": unit, "type": "leading",
                                "better": better}
        owner = self._owner(kr.row, objective_row=False, required=False, report=False)
        if owner:
            data["owner"] = owner
        data["description"] = f"Measured in {self.fmt.title} as the key result \u201c{kr.title}\u201d."
        self.counts.new_metrics += 1
        return self._render("Metric", data, kr.row.line, self.targets.metrics)

    def _checkin(self, row: Row, points: bool) -> dict[str, Any] | None:
        before = len(self.problems)
        date = self._date(row, "checkin_date")
        if date is None and "checkin_date" not in row.cells:
            self._problem(row.line, "a check-in with no date")
        fld = "checkin_value" if "checkin_value" in row.cells else "current"
        value = self._number(row, fld, points)
        if value is None and fld not in row.cells:
            self._problem(row.line, "a check-in with no value")
        data: dict[str, Any] = {"date": date, "value": value}
        # a confidence strat can use is a number from 0 to 1 (or a percentage); anything
        # else (a tool's "On track", a 1-10 score) is kept as written
        cell = row.cells.get("confidence")
        if cell and cell.lower() not in PLACEHOLDERS:
            confidence = self._number(row, "confidence", False) if isinstance(split_number(cell), NumberText) else None
            if confidence is not None and 0 <= confidence <= 1:
                data["confidence"] = confidence
            elif len(self.problems) == before or confidence is None:
                data["x-confidence"] = cell
        note = row.cells.get("checkin_note")
        if note:
            data["note"] = note
        # who checked in: the check-in-by column, else the row's owner (the person who
        # wrote the update, in the exports that list check-ins as rows)
        by = self._person(row, "checkin_by") if row.cells.get("checkin_by") else self._owner(row, True, False)
        if by:
            data["by"] = by
        for key, extra in row.extras:
            data.setdefault(key, extra)
        return None if len(self.problems) > before else data

    # - cells

    def _period(self, objective: ObjectiveRow) -> str | None:
        if self.options.period is not None:
            return self.period
        row = objective.row
        cell = row.cells.get("period")
        if cell and cell.lower() not in PLACEHOLDERS:
            found, problem = self.refs.period(one_line(cell))
            if found:
                return found
            self._problem(row.line, f"{row.headers.get('period', 'period')}: {problem}; or give --period")
            return None
        end = self._date(row, "end_date")
        periods = list(self.model.periods.values())
        if end:
            holding = [p for p in periods if str(p.start) <= end <= str(p.end)]
            if holding:
                return min(holding, key=lambda p: (str(p.end) != end, days_between(p.start, p.end))).id
        if len(periods) == 1:
            return periods[0].id
        hint = f" (its end date {end} falls in none)" if end else ""
        self._problem(row.line, f"no period for `{objective.title}`{hint}: give --period (the strategy's periods: "
                                f"{', '.join(p.id for p in periods) or 'none'})")
        return None

    def _new_id(self, title: str, line: int, kind: str) -> str | None:
        base = slugify(title, MAX_ID_FROM_TITLE)
        if not base:
            self._problem(line, f"cannot make an id from `{title}` (no letters or digits)")
            return None
        doc = self.model.by_id.get(base)
        if doc is not None and kind == "Goal":
            self._problem(line, f"id `{base}` (from the title) is already used by the {doc.kind} at {doc.path}: "
                                "was this objective imported before? Rename or remove one of them")
            return None
        ident, n = base, 2
        while ident in self.used:
            ident, n = f"{base}-{n}", n + 1
        self.used.add(ident)
        return ident

    def _render(self, kind: str, data: dict[str, Any], line: int, target: Target) -> tuple[Planned, str] | None:
        ident = str(data["id"])
        text, problems = render_checked(kind, data, target.schema_folder, self.sheet_name, line,
                                        target.lint_path(ident))
        text = _plain_dates(text, target.lint_path(ident))
        rel = target.rel(ident)
        if target.read(rel) is not None:
            problems.append(f"{target.shown(ident)} already exists")
        for problem in problems:
            self._problem(line, problem)
        if problems:
            return None
        return Planned(line, ident, rel, target.shown(ident), text, None), target.lint_path(ident)


_QUOTED_DATE = re.compile(r'^(\s*(?:- )?date: )"(\d{4}-\d{2}-\d{2})"$', re.MULTILINE)


def _plain_dates(text: str, path: str) -> str:
    """Check-in dates written as the repository writes them (`date: 2027-01-31`, not
    quoted), when strat reads the result as the same document."""
    plain = _QUOTED_DATE.sub(r"\1\2", text)
    if plain == text:
        return text
    before, _ = parse_bytes(text.encode("utf-8"), path)
    after, found = parse_bytes(plain.encode("utf-8"), path)
    same = (before is not None and after is not None and not found
            and [d.data for d in before.documents] == [d.data for d in after.documents])
    return plain if same else text


def _lint(repo: Repository, planned: list[tuple[Planned, str]]) -> tuple[list[Problem], list[Problem], str | None]:
    """Lint the strategy with the new files in it: errors in them refuse the import
    (at the line each file comes from), warnings are shown, info findings counted."""
    from strat.importcsv_lint import lint_new_files

    found_errors, found_warnings, note = lint_new_files(repo, {path: item for item, path in planned})
    errors = [Problem(item.line, f"{d.code} {d.message} ({item.shown}:{d.location.line}; strat lint would fail)")
              for item, d in found_errors]
    warnings = [Problem(item.line, f"{d.code} {d.message} ({item.shown}:{d.location.line})")
                for item, d in found_warnings]
    return errors, warnings, note
