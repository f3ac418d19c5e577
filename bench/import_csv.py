"""`strat import csv --dry-run` of a large goal sheet, against Python's `csv` module.

Run (from the repository root, in the environment where strat is installed):

    python bench/import_csv.py                       # 200,000 rows into a 10,000-goal repository
    python bench/import_csv.py --rows 20000 --rounds 1 --json
    python bench/import_csv.py --repo /tmp/repo10k   # an existing bench repository (bench/gen.py)
    python bench/import_csv.py --code before=/work/main/cli --code after=$PWD/cli

It generates (bench/gen.py, `--goals`, `--today 2026-03-02`) a strategy repository, or
takes `--repo`, and writes a goal sheet of `--rows` rows as a team's OKR export looks:
`Key Result, Owner, Team, Objective ID, Quarter, KPI, Baseline, Target, Current, Status,
Due date, Notes`, objectives and metrics by id, numbers with thousands separators and
percentages, dates day first, and a free-text column kept as `x-notes`. Every row
converts; titles repeat now and then (ids get -2, -3).

Two scenarios. The default (issue 14's row) imports the sheet in a folder outside any
repository: owners and teams are given by id (nothing can be looked up), and there is no
strategy to lint the result with, so the figure is the sheet's own cost: reading, mapping,
rendering and checking every file. `--into-repo` imports it into the bench repository,
owners by e-mail or id and teams by name, looked up in its strategy, and the files linted
with it: that adds a lint of the repository and the new files (the cost of `strat lint`
over both, 10,000 goals and the sheet's), so use it with fewer `--rows`.

Each round times, as subprocesses (wall clock, CPU = user + system, peak RSS from
`os.wait4`), in this order:

* the floor: Python's `csv` module reading the same file (`csv.reader` over every row,
  start-up included);
* `strat import csv SHEET --kind goal --dry-run` (stdout, the files' preview, counted and
  dropped) with each `--code LABEL=PATH` (PYTHONPATH; default: the strat this Python
  imports). The row limit of a version that has one (`MAX_ROWS`, `MAX_CSV_BYTES` of
  `strat.importcsv`) is lifted for the run, so an older version can be timed on the same
  sheet.

`--rounds N` rounds (default 3) are interleaved; the median of each figure is printed.
Targets (issue 14): ≤ 15 s and ≤ 300 MB peak RSS at 200,000 rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent

LAUNCH = """\
import importlib, sys
for module in ("strat.importcsv", "strat.importcsv_read"):
    try:
        m = importlib.import_module(module)
    except ImportError:
        continue
    for name in ("MAX_ROWS", "MAX_CSV_BYTES"):
        if hasattr(m, name):
            setattr(m, name, 10 ** 12)
from strat.cli import main
sys.argv = ["strat", *sys.argv[1:]]
main()
"""

FLOOR = """\
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as handle:
    n = sum(1 for _ in csv.reader(handle))
print(n)
"""


def repo_ids(root: Path) -> dict[str, list]:
    """People (id, e-mail), teams (id, name), objectives, metrics (id, unit) of a bench repository."""
    import yaml

    out: dict[str, list] = {"Person": [], "Team": [], "Objective": [], "Metric": []}
    for kind, folder in (("Person", "people"), ("Team", "teams"), ("Objective", "objectives"),
                         ("Metric", "metrics")):
        for path in sorted((root / "strategy" / folder).glob("*.yaml")):
            for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
                if isinstance(doc, dict) and doc.get("kind") == kind:
                    out[kind].append(doc)
    return out


def write_sheet(path: Path, rows: int, ids: dict[str, list], seed: int = 1, by_id: bool = False) -> None:
    """The sheet; `by_id`: owners and teams by id (a sheet for an import outside a repository)."""
    rng = random.Random(seed)
    people = [(p["id"], None if by_id else p.get("email")) for p in ids["Person"]]
    teams = [t["id" if by_id else "name"] for t in ids["Team"]]
    objectives = [o["id"] for o in ids["Objective"] if str(o["id"]).endswith("2026-h1")]
    metrics = [(m["id"], str(m.get("unit", "")), m.get("better") == "down") for m in ids["Metric"]]
    verbs = ("Increase", "Reduce", "Grow", "Cut", "Lift", "Bring down", "Raise", "Shrink")
    things = ("setup time", "first response", "invoice errors", "repeat visits", "card payments", "churned accounts",
              "quote turnaround", "route changes", "support tickets", "weekly active teams", "NPS", "sync failures")
    statuses = ("On track", "At risk", "In progress", "Not started", "Off track", "Done")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Key Result", "Owner", "Team", "Objective ID", "Quarter", "KPI", "Baseline", "Target",
                      "Current", "Status", "Due date", "Notes"])
        for i in range(rows):
            person, email = rng.choice(people)
            metric, unit, down = rng.choice(metrics)
            title = f"{rng.choice(verbs)} {rng.choice(things)} for segment {i // 3}"
            base = rng.uniform(10, 5000)
            target = base * (rng.uniform(0.5, 0.9) if down else rng.uniform(1.05, 1.6))
            if unit == "%":
                start = rng.uniform(20, 70)
                end = start - rng.uniform(2, 15) if down else start + rng.uniform(2, 25)
                baseline, goal = f"{start:.1f}%", f"{end:.1f}%"
            else:
                baseline, goal = f"{base:,.0f}", f"{target:,.0f}"
            out.writerow([title, email if i % 2 and email else person, rng.choice(teams), rng.choice(objectives),
                          "2026-H1", metric, baseline, goal, "", rng.choice(statuses),
                          f"{rng.randint(1, 28):02d}/{rng.choice((3, 4, 5, 6)):02d}/2026",
                          f"Imported from the planning sheet, row {i + 2}; see the team's board"])


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    started = time.perf_counter()
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        size = 0
        while True:
            chunk = proc.stdout.read(1 << 20)
            if not chunk:
                break
            size += len(chunk)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
        del null
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{tail}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "stdout_mb": size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--goals", type=int, default=10_000, help="size of the generated repository")
    parser.add_argument("--repo", type=Path, help="an existing bench repository (else one is generated)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", action="append", default=[], metavar="LABEL=PATH",
                        help="a strat source folder to time (PYTHONPATH); repeatable")
    parser.add_argument("--into-repo", action="store_true",
                        help="import into the repository (names and e-mails looked up, the result linted with it)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    codes = [tuple(c.split("=", 1)) for c in args.code] or [("strat", "")]
    with tempfile.TemporaryDirectory(prefix="import-csv-") as temp:
        root = args.repo
        if root is None:
            sys.path.insert(0, str(HERE))
            import gen

            root = Path(temp) / "repo"
            gen.generate(root, args.goals, seed=1, today=date(2026, 3, 2))
        root = root.resolve()
        sheet = Path(temp) / "okrs.csv"
        write_sheet(sheet, args.rows, repo_ids(root), by_id=not args.into_repo)
        where = root if args.into_repo else Path(temp) / "outside"
        where.mkdir(exist_ok=True)
        sheet_mb = sheet.stat().st_size / 1e6
        figures: dict[str, list[dict[str, float]]] = {"floor": [], **{label: [] for label, _ in codes}}
        for _ in range(args.rounds):
            figures["floor"].append(run([sys.executable, "-c", FLOOR, str(sheet)], where))
            for label, path in codes:
                env = dict(os.environ)
                if path:
                    env["PYTHONPATH"] = path
                figures[label].append(run([sys.executable, "-c", LAUNCH, "import", "csv", str(sheet), "--kind",
                                           "goal", "--dry-run"], where, env))
    floor_cpu = statistics.median(f["cpu_s"] for f in figures["floor"])
    rows = []
    for label, runs in figures.items():
        row = {"what": label, **{k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]}}
        row["cpu_x_floor"] = round(row["cpu_s"] / floor_cpu, 1) if floor_cpu else None
        rows.append(row)
    if args.json:
        print(json.dumps({"rows": args.rows, "sheet_mb": round(sheet_mb, 1),
                          "load": os.getloadavg(), "results": rows}, indent=2))
        return
    print(f"strat import csv --dry-run, {args.rows:,} goal rows; load average {os.getloadavg()[0]:.1f}; "
          f"{sheet_mb:.1f} MB; medians of {args.rounds}")
    print(f"{'what':<12} {'wall s':>8} {'CPU s':>8} {'× floor':>8} {'peak MB':>8} {'stdout MB':>10}")
    for r in rows:
        print(f"{r['what']:<12} {r['wall_s']:>8} {r['cpu_s']:>8} {r['cpu_x_floor']:>8} {r['rss_mb']:>8.0f} "
              f"{r['stdout_mb']:>10}")
    print("floor: Python's csv module reading the same file; targets: ≤ 15 s, ≤ 300 MB")


if __name__ == "__main__":
    main()
