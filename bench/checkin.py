"""Check-in benchmark: `strat checkin` into a goal that already holds N check-ins.

Run (from the repository root, in the environment where strat is installed):

    python bench/checkin.py                       # 50,000 check-ins (the issue's size)
    python bench/checkin.py --checkins 1000,10000,50000 --runs 3
    python bench/checkin.py --json

For each size it copies the test suite's base strategy into a temporary folder, gives
the goal `faster-activation` N check-ins (block style, one a day, ending before today),
and times, best of `--runs`:

* `strat checkin faster-activation --value … --date …` as a subprocess, wall clock and
  the child's CPU time (user + system; on a busy machine the CPU time is the steadier
  figure), each run on a fresh copy of the file;
* in-process, the two stages of that command: reading the strategy (`load_checked`, the
  same parse and schema validation `strat lint` does) and planning the check-in
  (`plan_checkins`: compose the goal's file, splice, re-read and verify; for a long
  history, on the file with the old check-ins cut out: `strat.checkin_cut`).

The target: a check-in whose own cost does not grow with the goal's history, < 1 s at
50,000 check-ins (it was 48 s with ruamel.yaml composing the whole file).

A batch (issue 14): `--batch` (or `--batch-only`) adds the row "`strat checkin --csv` of
`--batch-rows` rows (default 1,000) into the `--batch-goals`-goal bench repository"
(default 10,000; bench/gen.py, `--today 2026-03-02`). The CSV checks in random valid
goals (the generator's deliberately broken files left out) on 2026-03-02, one row each,
with a confidence and, on every third row, a note. Each round restores the files
(`git checkout`) and runs the command as a subprocess with a lint cache primed by a
first run (as in a repository where `strat lint` ran), for each `--code LABEL=PATH`
(PYTHONPATH; default: the strat this Python imports), interleaved; medians of
`--runs`. Wall, CPU (user + system) and peak RSS from `os.wait4`. Target: ≤ 5 s wall.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = HERE.parent / "tests" / "cases" / "base"
GOAL = "strategy/goals/faster-activation.yaml"


def make_repo(root: Path, checkins: int) -> bytes:
    shutil.copytree(BASE, root)
    (root / "strat.yaml").write_text("")
    head = (BASE / GOAL).read_text(encoding="utf-8").split("checkins:")[0]
    start = dt.date.today() - dt.timedelta(days=checkins + 30)
    lines = ["checkins:\n"]
    for i in range(checkins):
        day = start + dt.timedelta(days=i)
        lines.append(f"  - date: {day.isoformat()}\n    value: 0.{i % 90 + 10}\n")
    content = (head + "".join(lines)).encode("utf-8")
    (root / GOAL).write_bytes(content)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return content


def strat_command() -> list[str]:
    exe = Path(sys.executable).parent / "strat"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "strat"]


def time_subprocess(root: Path, content: bytes) -> tuple[float, float]:
    (root / GOAL).write_bytes(content)
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*strat_command(), "checkin", "faster-activation", "--value", "0.5", "--date", day],
                          cwd=root, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"strat checkin failed: {done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_stages(root: Path, content: bytes) -> tuple[float, float]:
    from strat.checkin import Request, load_checked, plan_checkins

    (root / GOAL).write_bytes(content)
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    started = time.perf_counter()
    model, found = load_checked(root.resolve(), (root / "strategy").resolve())
    loaded = time.perf_counter()
    plan = plan_checkins(root.resolve(), model, [Request("faster-activation", "0.5", day)], dt.date.today(), found)
    planned = time.perf_counter()
    assert not plan.problems, plan.problems
    return loaded - started, planned - loaded


BATCH_DAY = dt.date(2026, 3, 2)


def make_batch(root: Path, goals: int, rows: int) -> Path:
    """A bench repository (bench/gen.py) and a CSV of `rows` check-ins into its valid goals."""
    sys.path.insert(0, str(HERE))
    import gen

    counts = gen.generate(root, goals, seed=1, today=BATCH_DAY)
    broken = set(counts["error_files"])
    ids = []
    for path in sorted((root / "strategy" / "goals").rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        if rel in broken:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("id: "):
                ids.append(line[4:].strip())
                break
    rng = random.Random(7)
    sheet = root.parent / "checkins.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as handle:
        handle.write("goal,date,value,confidence,note\n")
        for i, goal in enumerate(rng.sample(ids, rows)):
            note = "weekly number from the warehouse" if i % 3 == 0 else ""
            handle.write(f"{goal},{BATCH_DAY.isoformat()},{rng.uniform(1, 90):.1f},{rng.randint(3, 9) / 10},{note}\n")
    return sheet


def run_batch(root: Path, sheet: Path, path: str, cache: Path) -> dict[str, float]:
    subprocess.run(["git", "checkout", "-q", "--", "strategy"], cwd=root, check=True)
    env = dict(os.environ, STRAT_CACHE_DIR=str(cache))
    if path:
        env["PYTHONPATH"] = path
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "strat", "checkin", "--csv", str(sheet)], cwd=root, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        err.seek(0)
        message = err.read()[-3000:].decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"strat checkin --csv failed:\n{message}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def batch(args: argparse.Namespace) -> list[dict[str, object]]:
    codes = [tuple(c.split("=", 1)) for c in args.code] or [("strat", "")]
    with tempfile.TemporaryDirectory(prefix="checkin-batch-") as temp:
        root = Path(temp) / "repo"
        sheet = make_batch(root, args.batch_goals, args.batch_rows)
        figures: dict[str, list[dict[str, float]]] = {label: [] for label, _ in codes}
        caches = {label: Path(temp) / f"cache-{i}" for i, (label, _) in enumerate(codes)}
        for label, path in codes:  # prime each version's lint cache (as after a `strat lint`)
            run_batch(root, sheet, path, caches[label])
        for _ in range(args.runs):
            for label, path in codes:
                figures[label].append(run_batch(root, sheet, path, caches[label]))
    out = []
    for label, runs in figures.items():
        row: dict[str, object] = {"what": f"checkin --csv {args.batch_rows:,} rows, {args.batch_goals:,} goals",
                                  "code": label}
        row.update({k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]})
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkins", default="50000", help="comma-separated sizes (default 50000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--batch", action="store_true", help="also the batch row (issue 14)")
    parser.add_argument("--batch-only", action="store_true", help="only the batch row")
    parser.add_argument("--batch-rows", type=int, default=1000)
    parser.add_argument("--batch-goals", type=int, default=10_000)
    parser.add_argument("--code", action="append", default=[], metavar="LABEL=PATH",
                        help="batch row: a strat source folder to time (PYTHONPATH); repeatable")
    args = parser.parse_args()
    if args.batch_only:
        rows = batch(args)
        if args.json:
            print(json.dumps({"load": os.getloadavg(), "batch": rows}, indent=2))
            return
        print(f"load average {os.getloadavg()[0]:.1f}; medians of {args.runs}")
        print(f"{'what':<42} {'code':<10} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}")
        for r in rows:
            print(f"{r['what']:<42} {r['code']:<10} {r['wall_s']:>8} {r['cpu_s']:>8} {r['rss_mb']:>8.0f}")
        print("target: ≤ 5 s wall")
        return
    results = []
    for size in [int(s) for s in args.checkins.split(",")]:
        with tempfile.TemporaryDirectory() as temp:
            root = Path(temp) / "repo"
            content = make_repo(root, size)
            runs = [time_subprocess(root, content) for _ in range(args.runs)]
            stages = [time_stages(root, content) for _ in range(args.runs)]
            results.append({
                "checkins": size, "file_mb": round(len(content) / 1e6, 2),
                "wall_s": round(min(w for w, _ in runs), 3), "cpu_s": round(min(c for _, c in runs), 3),
                "load_s": round(min(s[0] for s in stages), 3), "plan_s": round(min(s[1] for s in stages), 3),
            })
    batch_rows = batch(args) if args.batch else []
    if args.json:
        print(json.dumps(results + batch_rows, indent=2))
        return
    print(f"{'check-ins':>10} {'file MB':>8} {'wall s':>8} {'cpu s':>8} {'load s':>8} {'plan s':>8}")
    for r in results:
        print(f"{r['checkins']:>10,} {r['file_mb']:>8} {r['wall_s']:>8} {r['cpu_s']:>8} {r['load_s']:>8} {r['plan_s']:>8}")
    print("load: reading the strategy (parse + schemas, as strat lint); plan: the check-in itself")
    for r in batch_rows:
        print(f"{r['what']} [{r['code']}]: wall {r['wall_s']} s, CPU {r['cpu_s']} s, peak {r['rss_mb']:.0f} MB "
              "(target ≤ 5 s wall)")


if __name__ == "__main__":
    main()
