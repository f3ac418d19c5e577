"""`strat import csv`: a spreadsheet export → one YAML file per goal, objective or metric.

Planning is pure: `plan_import` takes the CSV bytes, the options and a view of the
repository (`Repository`, `Target`: what is already defined, where files go) and returns
the planned files ({path: YAML text}) and every problem with the CSV line it comes from.
Nothing is written here; the command hands the files to `strat.write.write_all`, which
writes them all atomically or none.

The work is split by concern: reading the sheet (`strat.importcsv_read`), cell values
(`strat.importcsv_values`), a row as a document's data (`strat.importcsv_rows`),
references (`strat.importcsv_refs`), YAML (`strat.importcsv_render`) and the lint of the
result (`strat.importcsv_lint`); this module plans. A sheet's rows are never all held:
each pass reads them again from the text (`Table.rows`), and what a pass keeps is
compact (a row's id, the first cell that settles the decimal mark). Without a strategy
to lint the result with, the files' texts wait in a temp file until they are printed or
written (`ImportPlan.text`); with one, the lint of the strategy with every new file in
it holds them all (and is most of the cost of a large sheet).

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

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence, overload

from strat.importcsv_lint import _INFO_NOTE, _lint_overlay, lint_with
from strat.importcsv_read import (AMBIGUOUS, COLUMNS, HEADER_SEARCH_ROWS, MAX_CSV_BYTES, MAX_ROWS, TITLE_FIELD, Column,
                                  Options, Problem, Row, Table, _mapping_note, decode, map_header, norm_header,
                                  read_table, sniff)
from strat.importcsv_refs import Refs, _Refs
from strat.importcsv_render import _same, render, render_checked, scalar
from strat.importcsv_rows import (BETTER, BOOLEAN, DATE_FIELDS, GOAL_STATUS, METRIC_TYPE, NUMBER_FIELDS, PLACEHOLDERS,
                                  REF_KINDS, _CONTROL, _Sheet)
from strat.importcsv_values import (CURRENCY_SYMBOLS, MULTIPLIERS, SLUG, DateText, NumberText, date_order_evidence,
                                    date_value, decimal_evidence, number_text, number_value, slugify, split_date,
                                    split_number)
from strat.load import LoadResult
from strat.model import Model

__all__ = ["AMBIGUOUS", "BETTER", "BOOLEAN", "COLUMNS", "CURRENCY_SYMBOLS", "Column", "DATE_FIELDS", "DateText",
           "FOLDERS", "GOAL_STATUS", "HEADER_SEARCH_ROWS", "ImportPlan", "KINDS", "MAX_CSV_BYTES", "MAX_ROWS",
           "METRIC_TYPE", "MULTIPLIERS", "NUMBER_FIELDS", "NumberText", "Options", "PLACEHOLDERS", "Planned", "Problem",
           "REF_KINDS", "Refs", "Repository", "Row", "SLUG", "TITLE_FIELD", "Table", "Target", "date_order_evidence",
           "date_value", "decimal_evidence", "decode", "lint_with", "make_target", "map_header", "norm_header",
           "number_text", "number_value", "open_repository", "plan_import", "read_table", "render", "render_checked",
           "scalar", "slugify", "sniff", "split_date", "split_number"]

KINDS = {"goal": "Goal", "objective": "Objective", "metric": "Metric"}
FOLDERS = {"Goal": "goals", "Objective": "objectives", "Metric": "metrics"}


# --- results ----------------------------------------------------------------------------


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
    files: Sequence[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # refused rows (or the whole file)
    warnings: list[Problem] = field(default_factory=list)  # written anyway: lint warnings
    notes: list[str] = field(default_factory=list)  # how the file was read
    rows: int = 0  # data rows read
    # Without a lint of the result (no strategy here), the files' texts wait in a temp
    # file, not in memory: `Planned.text` is empty and `text()` reads them back.
    spool: Any = field(default=None, repr=False)
    spooled: dict[int, tuple[int, int]] = field(default_factory=dict, repr=False)  # line → (offset, bytes)

    def text(self, item: Planned) -> str:
        """The file's YAML text."""
        where = self.spooled.get(item.line)
        if where is None or self.spool is None:
            return item.text
        self.spool.seek(where[0])
        return self.spool.read(where[1]).decode("utf-8")

    def keep(self, line: int, text: str) -> str:
        """Put a file's text in the spool (what `Planned.text` then holds: nothing)."""
        if self.spool is None:
            import tempfile

            self.spool = tempfile.TemporaryFile()
        data = text.encode("utf-8")
        offset = self.spool.seek(0, 2)
        self.spool.write(data)
        self.spooled[line] = (offset, len(data))
        return ""

    @property
    def by_path(self) -> dict[str, str]:
        return {p.shown: self.text(p) for p in self.files}


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
    plan.rows = table.count
    plan.notes.append(_mapping_note(table.columns))
    if not table.count:
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
    kept: list[int] = []  # without a lint: the lines planned (their Planned made when read, `_Kept`)
    warnings: dict[int, list[str]] = {}
    lints = repo.model is not None and repo.loaded is not None  # the result is linted with the strategy
    while True:
        round_bad: dict[int, list[str]] = {}
        planned = {}
        kept = []
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
            if not lints:
                plan.keep(row.line, text)
                kept.append(row.line)
                continue
            rel = target.rel(ident)
            planned[row.line] = Planned(row.line, ident, rel, target.shown(ident), text,
                                        target.read(rel) if options.force else None, _strings(data))
        warnings = {}
        if planned and lints:
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
    if lints:
        plan.files = [planned[line] for line in sorted(planned) if line not in bad]
    else:
        plan.files = _Kept([line for line in kept if line not in bad], sheet.ids, target, options.force)
    plan.warnings.extend(Problem(line, m) for line in sorted(warnings) if line not in bad for m in warnings[line])
    return plan


class _Kept(Sequence[Planned]):
    """The planned files of a sheet imported without a lint (their texts in the plan's
    spool): each `Planned` is made when it is read, from its line and id, so a large
    sheet's plan holds a number and an id a file, not a record with its paths."""

    def __init__(self, lines: list[int], ids: dict[int, str], target: Target, force: bool) -> None:
        self.lines, self.ids, self.target, self.force = lines, ids, target, force

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, index: int) -> Planned: ...

    @overload
    def __getitem__(self, index: slice) -> list[Planned]: ...

    def __getitem__(self, index: int | slice) -> Planned | list[Planned]:
        if isinstance(index, slice):
            return [self._make(line) for line in self.lines[index]]
        return self._make(self.lines[index])

    def _make(self, line: int) -> Planned:
        ident = self.ids[line]
        rel = self.target.rel(ident)
        return Planned(line, ident, rel, self.target.shown(ident), "", self.target.read(rel) if self.force else None)


def _strings(data: Any) -> frozenset[str]:
    """Every text value in a document (the ids it refers to among them)."""
    if isinstance(data, dict):
        return frozenset().union(*(_strings(v) for k, v in data.items() if k not in ("kind", "id")))
    if isinstance(data, list):
        return frozenset().union(*(_strings(v) for v in data))
    return frozenset((data,)) if isinstance(data, str) else frozenset()


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
    root_real = Path(os.path.realpath(target.write_root))  # once, not once a row

    def read(rel: str) -> bytes | None:
        try:  # the usual answer, with one system call: nothing there
            os.lstat(os.path.join(target.write_root, rel))
        except FileNotFoundError:
            return None
        except OSError:
            pass
        try:
            path = target_path(target.write_root, rel, root_real)
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
