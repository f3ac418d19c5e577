"""`strat measure`: run each metric's query and append the readings the repository lacks.

The run is data (`MeasureRun`: per metric its window, new readings, restatements and
problems); `strat.measure_report` formats it; `strat.cli` only parses options.

Decisions (user-facing; the how-to "Feed metrics from your warehouse" repeats them):

* **Window.** From the day after the metric's latest reading (from any of its Readings
  files) to `--today` (default: today); with `--since DATE`, from that day. A metric with no
  reading and no `--since` looks back `DEFAULT_LOOKBACK_DAYS` (365) days. A metric whose
  latest reading is today is up to date and its query does not run. The query gets the
  window as `:start` and `:end` (dates, both included).
* **Rows.** Each row must be exactly (a date, a number): a DATE, a TIMESTAMP at any time of
  day (its date is taken) or a `YYYY-MM-DD` text; an integer, a decimal or a finite float
  (not NULL, not a boolean, not text). A bad row is a finding naming the metric, the row (1 =
  first row returned) and what is wrong, and nothing is written for that metric (exit 1).
  Two rows of one date with different values are a bad row too. Rows dated outside the
  window (before its start, or after `--today`: the future) are ignored and counted in the
  report, not written.
* **New readings** are written to the Readings file that holds the metric's latest reading,
  one flow line each (`- {date: D, value: V}`) in date order, indented like its neighbours;
  every other byte of the file stays (comments, CRLF, BOM). A metric with no Readings file
  gets `<strategy>/readings/<metric>.yaml` (id `<metric>-readings`), with the editor's schema
  line like every other file. Values are written in plain decimal notation (no exponent;
  38450000, not 38450000.0).
* **Restatements.** A value that differs from a stored reading of the same date is listed
  (old → new) and the run exits 1; with `--restate` the stored line's value is replaced in
  place (and the run exits 0). A reading equal to the stored one is skipped: a second run adds
  nothing.
* **Connections.** A metric's `query.connection` (default `default`) that names no connection
  under `connections` in `strat.yaml` is reported by `strat measure` as a finding at the
  metric's `connection:` line, with a did-you-mean (`strat lint` does not read connections: a
  repository can be linted where no warehouse is configured). A connection that cannot be
  opened fails every metric that uses it; a failing query fails its metric; the others go on.
* **All or nothing on disk.** Every file is written through one `strat.write.transaction`
  (one fsync a file written, not a reading); the edits are planned with the lock held
  against the files as they are then. The strategy is read once, before the queries; with
  the lock held, the size, modification time and inode of every strategy file are compared
  with those taken before that read, and any difference (another writer landed, a file
  appeared) reads it again. Each edited file is verified by reading its new bytes with
  strat's loader and comparing them with the data as loaded, plus the schema of its
  Readings documents (`strat.validate`, with `strat.fastcheck` for the long lists).
* **Files that cannot be loaded.** `strat measure` reports, before its own lines and in
  `strat lint`'s format (`path:line:col: CODE severity message`), every error of the load
  that may hide a metric or its readings: a file strat could not read at all (E001 not
  YAML, E003 not UTF-8, E005 over a limit, E006 unsafe path, E007 refused YAML feature),
  a document it could not place (E004 no `kind`, S101 unknown kind), and every error in
  a file that holds a Metric or a Readings document (but R205, a date read twice with two
  values, which is `strat lint`'s; a differing value is a restatement here). Any of them,
  and the run exits 1 (also with `--dry-run`). The other metrics are measured and written as usual; a metric
  whose Metric document, or one of whose Readings documents, has a schema error is not
  measured (failed: its readings could be wrong or missing). A METRIC named on the
  command line that is not loaded while some file could not be read is failed too (exit
  1, not 2: it may be in that file). Errors elsewhere (a goal's) are `strat lint`'s to
  report. Caveat: readings in a file that could not be read are unseen; fix the file
  before the next run, or a reading measured again lands in another Readings file
  (strat lint then reports a date read twice with two values, R205).
* **Secrets.** Every message passes `strat.connections.redact` with the secrets of every URL
  used (the whole URL when it came from the environment).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Mapping

from strat.config import Config
from strat.diagnostics import Diagnostic, Severity
from strat.connections import (DEFAULT_CONNECTION, ConnectionProblem, connections, redact, resolve_url,
                               url_secrets)
from strat.measure_write import MeasureWriteProblem, plan_changes
from strat.refs import did_you_mean

DEFAULT_LOOKBACK_DAYS = 365
# Findings after which strat does not know what a file or document holds.
UNREAD_CODES = ("E001", "E003", "E004", "E005", "E006", "E007", "S101")


class MeasureUsage(Exception):
    """A METRIC argument that names no metric with a query (exit 2)."""


@dataclass(frozen=True, slots=True)
class Change:
    """A reading to write: a new one, or a restatement (`old` is the stored value)."""

    date: str
    value: str  # as written into the file
    number: float
    old: float | None = None
    where: str = ""  # file:line of the stored reading (restatements)


@dataclass(slots=True)
class MetricRun:
    metric: str
    where: str  # file:line of the metric's query
    connection: str
    start: str | None = None
    end: str | None = None
    previous: tuple[str, float] | None = None  # the latest reading before this run
    rows: list[tuple[str, str, float]] = field(default_factory=list)  # checked (date, text, number)
    new: list[Change] = field(default_factory=list)
    restatements: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: int = 0  # rows dated outside the window
    file: str | None = None  # the Readings file written (or that would be)
    up_to_date: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.problems)


@dataclass(slots=True)
class MeasureRun:
    runs: list[MetricRun]
    today: str
    dry_run: bool = False
    restate: bool = False
    written: list[str] = field(default_factory=list)  # files written
    problems: list[str] = field(default_factory=list)  # not about one metric (the write itself)
    load_errors: list[Diagnostic] = field(default_factory=list)  # files (or documents) not loaded

    @property
    def exit_code(self) -> int:
        if self.problems or self.load_errors or any(r.failed for r in self.runs):
            return 1
        if not self.restate and any(r.restatements for r in self.runs):
            return 1
        return 0


def _quiet(_: str) -> None:
    pass


def measure(root: Path, folder: Path, config: Config, *, metrics: tuple[str, ...] = (),
            since: dt.date | None = None, today: dt.date | None = None, dry_run: bool = False,
            restate: bool = False, environ: Mapping[str, str] | None = None,
            progress: Callable[[str], None] = _quiet, notify: Callable[[str], None] = _quiet) -> MeasureRun:
    """Run the queries of `metrics` (default: every metric with a query) and write the new
    readings (unless `dry_run`). Raises MeasureUsage for a METRIC that has no query."""
    from strat.progress import measures

    today = today or dt.date.today()
    environ = os.environ if environ is None else environ
    loaded = load(root, folder, config, today)
    result = MeasureRun([], today.isoformat(), dry_run, restate)
    result.load_errors = load_errors(loaded.model, loaded.diagnostics)
    unread = [d for d in result.load_errors if d.code in UNREAD_CODES]
    chosen, missing = _chosen(loaded.model, metrics, unread)
    result.runs.extend(missing)
    broken = _broken_metrics(loaded.model)
    series = measures(loaded.ctx)
    known = connections(config)
    secrets: list[str] = []
    by_connection: dict[str, list[Any]] = {}
    for doc in chosen:
        if doc.id in broken:
            loc = doc.location(("query", "sql"))
            result.runs.append(MetricRun(doc.id, f"{loc.path}:{loc.line}", "-", problems=[
                f"not measured: {broken[doc.id]} has errors (listed above; see `strat lint`)"]))
            continue
        name = doc.data["query"].get("connection", DEFAULT_CONNECTION)
        by_connection.setdefault(name if isinstance(name, str) else DEFAULT_CONNECTION, []).append(doc)
    done = 0
    for name, docs in by_connection.items():
        runs = [_start(doc, name, series.series(doc.id), since, today) for doc in docs]
        result.runs.extend(runs)
        conn = known.get(name)
        if conn is None:
            for doc, run in zip(docs, runs):
                close = did_you_mean(name, list(known))
                hint = f"; did you mean `{close[0]}`?" if close else (
                    "; strat.yaml names none" if not known else f"; strat.yaml names {', '.join(sorted(known))}")
                loc = doc.location(("query", "connection")) if "connection" in doc.data["query"] else \
                    doc.location(("query",), key=True)
                run.where = f"{loc.path}:{loc.line}"
                run.problems.append(f"connection `{name}` is not under `connections` in strat.yaml{hint}")
            done += len(docs)
            continue
        todo = [(doc, run) for doc, run in zip(docs, runs) if not run.up_to_date]
        done += len(docs) - len(todo)
        if not todo:
            continue
        try:
            url = resolve_url(conn, environ)
        except ConnectionProblem as problem:
            for _, run in todo:
                run.problems.append(str(problem))
            done += len(todo)
            continue
        secrets += url_secrets(url, whole=conn.url_env is not None)
        done = _run_connection(root, conn, url, todo, secrets, done, len(chosen), progress)
    for run in result.runs:
        run.problems = [redact(p, secrets) for p in run.problems]
    if not any(run.rows for run in result.runs if not run.failed):
        return result
    _plan_and_write(root, folder, config, today, result, notify, loaded)
    return result


@dataclass(slots=True)
class Loaded:
    """The strategy as `strat measure` read it once: the model, the rule context, the
    load's findings, every file read (by path) and the signature of the files it read."""

    model: Any
    ctx: Any
    diagnostics: list[Diagnostic]
    files: dict[str, Any]
    signature: tuple[tuple[str, int, int, int], ...]


def signature(root: Path, folder: Path) -> tuple[tuple[str, int, int, int], ...]:
    """(path, size, modification time in ns, inode) of every strategy file: any write to
    one (strat's own replace a file: a new inode) or a new file changes it."""
    from strat.discover import find_files

    out = []
    for path, rel in find_files(root, folder, []):
        try:
            st = os.stat(path)
        except OSError:
            out.append((rel, -1, -1, -1))
            continue
        out.append((rel, st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


def load(root: Path, folder: Path, config: Config, today: dt.date) -> Loaded:
    """Read and check the strategy as `strat.loaded.load_strategy` does (files, schemas,
    references), once a run. R205 (a date read twice with two values) is left to `strat
    lint`: a differing reading of such a date is listed as a restatement here."""
    from strat.lint import LintOptions, lint
    from strat.rules.context import RuleContext

    before = signature(root, folder)  # taken first: a change while reading shows later
    result = lint(root, folder, config, LintOptions(select=("E", "S", "R"), ignore=("R205",), today=today,
                                                    use_git=False))
    assert result.model is not None
    files = {f.path: f for f in result.loaded.files} if result.loaded else {}
    return Loaded(result.model, RuleContext(result.model, config, today), result.diagnostics, files, before)


def load_errors(model: Any, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The errors of the load that may hide a metric, its query or its readings: a file or
    document strat could not read or place, and any error in a file holding a Metric or a
    Readings document."""
    paths = {d.path for kind in ("Metric", "Readings") for d in model.of_kind(kind)}
    return [d for d in diagnostics if d.severity is Severity.ERROR
            and (d.code in UNREAD_CODES or d.location.path in paths)]


def _broken_metrics(model: Any) -> dict[str, str]:
    """metric id → what is wrong with it: its Metric document, or a Readings document of
    it, failed its schema."""
    out: dict[str, str] = {}
    for doc in model.of_kind("Readings"):
        metric = doc.data.get("metric")
        if not doc.valid and isinstance(metric, str):
            out.setdefault(metric, f"a Readings document of it ({doc.location()})")
    for doc in model.of_kind("Metric"):
        if not doc.valid and isinstance(doc.id, str):
            out[doc.id] = f"its Metric document ({doc.location()})"
    return out


def _chosen(model: Any, names: tuple[str, ...], unread: list[Diagnostic]) -> tuple[list[Any], list[MetricRun]]:
    """The Metric documents to measure, and a failed run for every METRIC named that was
    not loaded while some file could not be read (it may be in it)."""
    with_query = [d for d in model.of_kind("Metric") if isinstance(d.data.get("query"), dict)
                  and isinstance(d.data["query"].get("sql"), str) and isinstance(d.id, str)]
    if not names:
        return with_query, []
    by_id = {d.id: d for d in with_query}
    chosen, seen, missing = [], set(), []
    for name in names:
        if name not in by_id:
            metric = model.get(name, "Metric")
            if metric is not None and not metric.valid and name not in seen:
                seen.add(name)
                chosen.append(metric)  # reported as not measured: its document has errors
                continue
            if metric is None and unread:
                files = sorted({d.location.path for d in unread})
                where = f"{unread[0].location.path}:{unread[0].location.line}" if len(files) == 1 else \
                    "the files above"
                if name not in seen:
                    seen.add(name)
                    missing.append(MetricRun(name, where, "-", problems=[
                        f"no metric `{name}` was loaded; {len(files)} file{'s' if len(files) != 1 else ''} "
                        f"could not be read (it may be in {'one of them' if len(files) != 1 else 'it'}): "
                        f"{', '.join(files[:3])}{' …' if len(files) > 3 else ''}"]))
                continue
            if metric is not None:
                raise MeasureUsage(f"metric `{name}` has no `query`; strat measure runs metrics with a query")
            close = did_you_mean(name, list(by_id) or [d.id for d in model.of_kind("Metric")])
            raise MeasureUsage(f"no metric `{name}`" + (f"; did you mean `{close[0]}`?" if close else ""))
        if name not in seen:
            seen.add(name)
            chosen.append(by_id[name])
    return chosen, missing


def _start(doc: Any, connection: str, readings: tuple[Any, ...], since: dt.date | None, today: dt.date) -> MetricRun:
    loc = doc.location(("query", "sql"))
    run = MetricRun(doc.id, f"{loc.path}:{loc.line}", connection)
    past = [r for r in readings if r.date <= today.isoformat()]
    if past:
        run.previous = (past[-1].date, past[-1].value)
    if since is not None:
        start = since
    elif past:
        start = dt.date.fromisoformat(past[-1].date) + dt.timedelta(days=1)
    else:
        start = today - dt.timedelta(days=DEFAULT_LOOKBACK_DAYS)
    run.start, run.end = start.isoformat(), today.isoformat()
    run.up_to_date = start > today
    return run


def _run_connection(root: Path, conn: Any, url: str, todo: list[tuple[Any, MetricRun]], secrets: list[str],
                    done: int, total: int, progress: Callable[[str], None]) -> int:
    from strat.engines import QueryProblem, open_engine

    try:
        engine = open_engine(url, root, conn.timeout_seconds, secrets)
    except QueryProblem as problem:
        for _, run in todo:
            run.problems.append(f"connection `{conn.name}`: {redact(str(problem), secrets)}")
        return done + len(todo)
    with engine:
        for doc, run in todo:
            done += 1
            progress(f"measuring {done}/{total}: {run.metric}")
            assert run.start and run.end
            try:
                rows = engine.run(doc.data["query"]["sql"], dt.date.fromisoformat(run.start),
                                  dt.date.fromisoformat(run.end))
            except QueryProblem as problem:
                run.problems.append(f"connection `{conn.name}`: {redact(str(problem), secrets)}")
                continue
            check_rows(run, rows)
    return done


# --- rows ------------------------------------------------------------------------------------


def check_rows(run: MetricRun, rows: list[tuple[Any, ...]]) -> None:
    """Keep the rows inside the window as (date, text, number); a bad row is a problem."""
    assert run.start and run.end
    kept: dict[str, tuple[str, float, int]] = {}
    for number, row in enumerate(rows, 1):
        if len(row) != 2:
            run.problems.append(f"row {number}: {len(row)} columns; a row is (date, value)")
            continue
        day, why = _date(row[0])
        text, value, why_value = _number(row[1])
        if day is None or text is None or value is None:
            run.problems.append(f"row {number}: " + "; ".join(w for w in (why, why_value) if w))
            continue
        if not run.start <= day <= run.end:
            run.ignored += 1
            continue
        if day in kept and kept[day][1] != value:
            run.problems.append(f"row {number}: a second value for {day} ({text}; row {kept[day][2]} gave "
                                f"{kept[day][0]})")
            continue
        kept.setdefault(day, (text, value, number))
    if not run.problems:
        run.rows = sorted((day, text, value) for day, (text, value, _) in kept.items())


def _date(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]).isoformat() if len(value.strip()) == 10 else \
                dt.datetime.fromisoformat(value.strip()).date().isoformat(), None
        except ValueError:
            pass
        return None, f"the first column is not a date ({_shown(value)})"
    return None, f"the first column is not a date ({_shown(value)})"


def _number(value: Any) -> tuple[str | None, float | None, str | None]:
    if isinstance(value, bool) or value is None or isinstance(value, (str, bytes)):
        what = "NULL" if value is None else _shown(value)
        return None, None, f"the second column is not a number ({what})"
    try:
        exact = Decimal(value) if isinstance(value, (int, Decimal)) else Decimal(repr(float(value)))
    except (InvalidOperation, TypeError, ValueError):
        return None, None, f"the second column is not a number ({_shown(value)})"
    if not exact.is_finite():
        return None, None, f"the second column is not a finite number ({_shown(value)})"
    number = float(exact)
    if not math.isfinite(number):
        return None, None, f"the second column is too large ({_shown(value)})"
    return number_text(exact), number, None


def number_text(exact: Decimal) -> str:
    """Plain decimal notation: 38450000, 0.412, -3.5 (no exponent, no trailing zeros)."""
    if exact == exact.to_integral_value():
        return str(int(exact))
    text = format(exact.normalize(), "f")
    return text


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- planning against the files and writing ----------------------------------------------------


def compare(run: MetricRun, stored: tuple[Any, ...]) -> None:
    """Split the checked rows into new readings and restatements against the stored readings."""
    by_date: dict[str, list[Any]] = {}
    for reading in stored:
        by_date.setdefault(reading.date, []).append(reading)
    run.new, run.restatements = [], []
    for day, text, value in run.rows:
        have = by_date.get(day)
        if not have:
            run.new.append(Change(day, text, value))
        elif any(r.value != value for r in have):
            old = next(r for r in have if r.value != value)
            run.restatements.append(Change(day, text, value, old.value, f"{old.path}:{old.line}"))


def _plan_and_write(root: Path, folder: Path, config: Config, today: dt.date, result: MeasureRun,
                    notify: Callable[[str], None], loaded: Loaded) -> None:
    """Plan the edits with the lock held, against the files as they are then: the strategy
    read before the queries when no strategy file changed since (the usual case), else
    read again."""
    from contextlib import nullcontext

    from strat.progress import measures
    from strat.write import WriteRefused, transaction

    try:
        holder: Any = nullcontext() if result.dry_run else transaction(root, "strat measure", notify)
        with holder as tx:
            if tx is not None and signature(root, folder) != loaded.signature:
                loaded = load(root, folder, config, today)  # another writer landed: as the files are now
            series = measures(loaded.ctx)
            ok = [run for run in result.runs if not run.failed and run.rows]
            for run in ok:
                compare(run, series.series(run.metric))
            changes, problems = plan_changes(root, folder, loaded.model, series, ok, result.restate, loaded.files)
            for run, problem in problems:
                run.problems.append(problem)
            if problems:
                failed = {id(run) for run, _ in problems}
                ok = [run for run in ok if id(run) not in failed]
                changes, _ = plan_changes(root, folder, loaded.model, series, ok, result.restate, loaded.files)
            if tx is not None and changes:
                tx.write_all(changes)
                result.written = sorted(c.rel for c in changes)
            elif changes:
                result.written = []
    except (WriteRefused, MeasureWriteProblem) as refused:
        result.problems.append(str(refused))


__all__ = ["measure", "load_errors", "UNREAD_CODES", "MeasureRun", "MetricRun", "Change", "MeasureUsage", "check_rows", "compare",
           "number_text", "DEFAULT_LOOKBACK_DAYS"]
