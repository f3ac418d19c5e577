"""Measure benchmark: `strat measure` on 200 metrics over a DuckDB fact table of 10 million
events, against the same queries run directly in DuckDB.

Run (from the repository root, in the environment where strat and DuckDB are installed):

    python bench/measure.py                          # 10 million events, 200 metrics
    python bench/measure.py --events 1000000 --metrics 50 --json
    python bench/measure.py --out /tmp/measure-repo  # keep the repository

It builds, in a temporary folder (or --out DIR), a git repository with the test suite's
base strategy, `strat.yaml` naming one DuckDB connection (`duckdb:///data/events.duckdb`),
and a DuckDB database generated inside DuckDB (`range()` and `random()`, seeded): a table
`events` (day, kind, account_id, amount, duration_ms, ok) of --events rows spread evenly
over the --history days up to --today, in time order as a fact table is appended. It adds
--metrics Metric files, each with a `query` that aggregates one kind of event by day over
the window `:start`..`:end`: ten shapes in turn (a count, distinct accounts, a sum, an
average, a success share, a 95th percentile, a paid share, events per account, a median, a
count of large events), on the 20 kinds of event.

Then it times, each wall clock, `strat measure … --format json` as a subprocess:

* "cold": the first run, `--since D --today T-1` (T = --today; the window is the
  --window days ending on T-1): no metric has a reading, each writes --window readings into a new Readings file;
* "again": the same command without --since, the same day: every metric's latest reading
  is that day, so no query runs and nothing is written (all of it is strat's own time);
* "next day": `--today T`, as the daily schedule runs: one day's query for every metric,
  one reading each;

and, before "cold" and "next day", the same SQL with the same windows run directly in
DuckDB in this process (one read-only connection, `fetchall()`): the floor.

Each is run --runs times (default 3) from the same committed state, and the best wall time
and the best CPU time are kept (CPU time: the child's user + system time for strat, this
process's for the direct queries, DuckDB's threads included; on a busy machine it is the
steadier figure).

strat's own share of a run is everything but the queries: (strat's wall time - the direct
queries' time) / strat's wall time, start-up included. The target: under 10 % of the cold
run. The JSON report of each strat run is checked (every row written on the cold run,
nothing on "again", one reading a metric the next day), so the figures are of real work.

strat is run as the `strat` executable next to sys.executable (else `python -m strat`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BASE = HERE.parent / "tests" / "cases" / "base"
TARGET_SHARE = 0.10
KINDS = 20

# (name, unit, aggregate over the day's events of one kind)
SHAPES: list[tuple[str, str, str]] = [
    ("events", "count", "count(*)"),
    ("active-accounts", "count", "count(DISTINCT account_id)"),
    ("amount", "USD", "round(sum(amount), 2)"),
    ("average-amount", "USD", "round(avg(amount), 2)"),
    ("success-rate", "%", "round(avg(CASE WHEN ok THEN 100.0 ELSE 0 END), 2)"),
    ("p95-duration", "ms", "quantile_cont(duration_ms, 0.95)"),
    ("paid-share", "ratio", "round(sum(amount) FILTER (WHERE ok) / nullif(sum(amount), 0), 4)"),
    ("events-per-account", "count", "round(count(*) / count(DISTINCT account_id), 3)"),
    ("median-duration", "ms", "median(duration_ms)"),
    ("large-events", "count", "count(*) FILTER (WHERE amount > 500)"),
]


def strat_command() -> list[str]:
    exe = Path(sys.executable).with_name("strat")
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe)]
    return [sys.executable, "-m", "strat"]


def metric_sql(index: int) -> tuple[str, str, str]:
    """(id, unit, SQL) of metric `index`."""
    name, unit, aggregate = SHAPES[index % len(SHAPES)]
    kind = (index // len(SHAPES)) % KINDS
    ident = f"m{index:03d}-{name}-kind-{kind}"
    sql = (f"SELECT day, {aggregate} AS value\nFROM events\n"
           f"WHERE kind = {kind} AND day BETWEEN :start AND :end\nGROUP BY day\nORDER BY day")
    return ident, unit, sql


def build(root: Path, events: int, metrics: int, history: int, today: dt.date, seed: int) -> dict[str, Any]:
    import duckdb

    shutil.copytree(BASE, root)
    (root / "data").mkdir()
    (root / "strat.yaml").write_text(
        'connections:\n  default: {url: "duckdb:///data/events.duckdb", timeout_seconds: 600}\n', encoding="utf-8")
    (root / ".gitignore").write_text("/data/\n", encoding="utf-8")
    folder = root / "strategy" / "metrics" / "bench"
    folder.mkdir(parents=True)
    for i in range(metrics):
        ident, unit, sql = metric_sql(i)
        body = "".join(f"      {line}\n" for line in sql.splitlines())
        (folder / f"{ident}.yaml").write_text(
            f"kind: Metric\nid: {ident}\nname: Metric {i}\nunit: \"{unit}\"\ntype: leading\nbetter: up\n"
            f"query:\n  sql: |\n{body}", encoding="utf-8")
    first = today - dt.timedelta(days=history - 1)
    start = time.perf_counter()
    con = duckdb.connect(str(root / "data" / "events.duckdb"))
    try:
        con.execute("SELECT setseed(?)", [(seed % 1000) / 1000])
        con.execute(f"""
            CREATE TABLE events AS
            SELECT
              DATE '{first.isoformat()}' + CAST(i * {history} // {events} AS INTEGER) AS day,
              CAST(floor(random() * {KINDS}) AS SMALLINT) AS kind,
              CAST(floor(random() * 50000) AS INTEGER) AS account_id,
              round(random() * random() * 1000, 2) AS amount,
              CAST(floor(-ln(1 - random()) * 800) AS INTEGER) AS duration_ms,
              random() < 0.97 AS ok
            FROM range({events}) t(i)""")
        rows = con.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
    finally:
        con.close()
    generated = time.perf_counter() - start
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "-c", "commit.gpgsign=false", "commit", "-q", "-m", "bench"],
                   check=True, env=env)
    size = (root / "data" / "events.duckdb").stat().st_size
    return {"events": rows, "metrics": metrics, "generate_s": round(generated, 2), "database_mb": round(size / 1e6, 1)}


def direct(root: Path, metrics: int, windows: list[tuple[dt.date, dt.date]]) -> dict[str, Any]:
    """The same SQL, the same windows, straight through DuckDB (the floor): wall and CPU
    seconds (the CPU time of this process, DuckDB's threads included)."""
    import duckdb

    con = duckdb.connect(str(root / "data" / "events.duckdb"), read_only=True)
    rows = 0
    try:
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(metrics):
            _, _, sql = metric_sql(i)
            first, last = windows[i]
            sql = sql.replace(":start", "$start").replace(":end", "$end")
            rows += len(con.execute(sql, {"start": first, "end": last}).fetchall())
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        con.close()
    return {"seconds": seconds, "cpu": cpu, "rows": rows}


def run_strat(root: Path, args: list[str]) -> dict[str, Any]:
    """`strat measure ARGS --format json` as a subprocess: wall and CPU seconds (user +
    system of the child, from getrusage), and its report."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([*strat_command(), "measure", *args, "--format", "json"], cwd=root,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"strat measure exited {proc.returncode}:\n{proc.stderr[-3000:]}\n{proc.stdout[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu": cpu, "report": json.loads(proc.stdout)}


def new_readings(report: dict[str, Any]) -> int:
    """Readings written, summed over the metrics of a `strat measure --format json` report."""
    return sum(len(metric["new"]) for metric in report["metrics"])


def share(strat_s: float, floor_s: float) -> float:
    return max(0.0, strat_s - floor_s) / strat_s if strat_s > 0 else 0.0


def reset(root: Path) -> None:
    """The strategy folder as committed: the readings of the run before are gone."""
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "--", "strategy"], check=True)
    subprocess.run(["git", "-C", str(root), "clean", "-fdq", "--", "strategy"], check=True)


def commit(root: Path, message: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "-c", "commit.gpgsign=false", "commit", "-q", "-m", message],
                   check=True, env=env)


def timed(root: Path, runs: int, metrics: int, windows: list[tuple[dt.date, dt.date]] | None,
          args: list[str]) -> dict[str, Any]:
    """Best of `runs` (wall and CPU apart), each from the committed state: the direct queries
    (none when `windows` is None: strat runs no query) then strat."""
    best: dict[str, Any] = {}
    for _ in range(runs):
        reset(root)
        floor = direct(root, metrics, windows) if windows is not None else {"seconds": 0.0, "cpu": 0.0, "rows": 0}
        run = run_strat(root, args)
        for key, value in (("queries_s", floor["seconds"]), ("queries_cpu_s", floor["cpu"]),
                           ("strat_s", run["seconds"]), ("strat_cpu_s", run["cpu"])):
            best[key] = min(best.get(key, value), value)
        best["rows"], best["readings_written"] = floor["rows"], new_readings(run["report"])
        best["metrics_reported"] = len(run["report"]["metrics"])
    for key in ("queries_s", "queries_cpu_s", "strat_s", "strat_cpu_s"):
        best[key] = round(best[key], 3)
    best["own_s"] = round(max(0.0, best["strat_s"] - best["queries_s"]), 3)
    best["share"] = round(share(best["strat_s"], best["queries_s"]), 3)
    best["cpu_share"] = round(share(best["strat_cpu_s"], best["queries_cpu_s"]), 3)
    return best


def figures(args: argparse.Namespace) -> dict[str, Any]:
    today: dt.date = args.today
    yesterday = today - dt.timedelta(days=1)
    since = yesterday - dt.timedelta(days=args.window - 1)
    temp = None
    if args.out:
        root = Path(args.out)
        if root.exists() and any(root.iterdir()):
            raise SystemExit(f"--out {root}: not empty")
        if root.exists():
            root.rmdir()  # copytree makes it
    else:
        temp = tempfile.mkdtemp(prefix="strat-bench-measure-")
        root = Path(temp) / "repo"
    try:
        made = build(root, args.events, args.metrics, args.history, today, args.seed)
        runs: dict[str, dict[str, Any]] = {}
        # Cold: no metric has a reading; --window days up to yesterday, into new Readings files.
        runs["cold"] = timed(root, args.runs, args.metrics, [(since, yesterday)] * args.metrics,
                             ["--since", since.isoformat(), "--today", yesterday.isoformat()])
        commit(root, "the cold run's readings")
        # Again, the same day: every metric's latest reading is that day, so no query runs.
        runs["again"] = timed(root, args.runs, args.metrics, None, ["--today", yesterday.isoformat()])
        # The next day, as the daily schedule runs it: one day for every metric.
        runs["next day"] = timed(root, args.runs, args.metrics, [(today, today)] * args.metrics,
                                 ["--today", today.isoformat()])
        version = subprocess.run([*strat_command(), "--version"], capture_output=True, text=True).stdout.strip()
        out: dict[str, Any] = {
            **made, "window_days": args.window, "history_days": args.history, "today": today.isoformat(),
            "runs_each": args.runs, "strat": version, "python": platform.python_version(),
            "machine": platform.machine(), "cpus": os.cpu_count(), "target_share": TARGET_SHARE, "runs": runs}
        r = runs
        out["checks"] = {"every metric measured": r["cold"]["metrics_reported"] == args.metrics,
                         "cold writes every row": r["cold"]["readings_written"] == r["cold"]["rows"] > 0,
                         "again writes nothing": r["again"]["readings_written"] == 0,
                         "next day writes one a metric": r["next day"]["readings_written"] == args.metrics}
        out["ok"] = r["cold"]["share"] < TARGET_SHARE and all(out["checks"].values())
        return out
    finally:
        if temp and not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
        elif temp:
            print(f"kept {root}", file=sys.stderr)


def table(f: dict[str, Any]) -> str:
    lines = [
        f"strat measure benchmark: {f['events']:,} events ({f['database_mb']} MB DuckDB, generated in "
        f"{f['generate_s']} s), {f['metrics']} metrics, a {f['window_days']}-day first window; best of "
        f"{f['runs_each']}; {f['strat']}, Python {f['python']}, {f['cpus']} CPUs",
        "",
        "| run | strat measure s | same queries in DuckDB s | strat's own s | own share (wall) "
        "| strat CPU s | queries CPU s | own share (CPU) | readings written |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run in f["runs"].items():
        lines.append(f"| {name} | {run['strat_s']:.2f} | {run['queries_s']:.2f} | {run['own_s']:.2f} "
                     f"| {run['share']:.1%} | {run['strat_cpu_s']:.2f} | {run['queries_cpu_s']:.2f} "
                     f"| {run['cpu_share']:.1%} | {run['readings_written']:,} |")
    cold = f["runs"]["cold"]
    verdict = "met" if cold["share"] < f["target_share"] else "NOT met"
    lines += ["", f"Target: strat's own share of the cold run < {f['target_share']:.0%}: {verdict} "
              f"({cold['share']:.1%} of the wall time, {cold['cpu_share']:.1%} of the CPU time)."]
    lines += [f"Check: {name}: {'yes' if ok else 'NO'}" for name, ok in f["checks"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000, help="rows of the fact table (default 10,000,000)")
    parser.add_argument("--metrics", type=int, default=200, help="metrics with a query (default 200)")
    parser.add_argument("--window", type=int, default=90, help="days the cold run measures (default 90)")
    parser.add_argument("--history", type=int, default=365, help="days the events span (default 365)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 12, 7),
                        help="the day measured up to (default 2026-12-07)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the data (default 1)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, the best kept (default 3)")
    parser.add_argument("--out", help="build the repository in this (new or empty) folder and keep it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the table")
    args = parser.parse_args(argv)
    if args.window > args.history:
        parser.error("--window may not be longer than --history")
    f = figures(args)
    print(json.dumps(f, indent=2) if args.json else table(f))
    return 0 if f["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
