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
  (`plan_checkins`: compose the goal's file, splice, re-read and verify).

The target: a check-in whose own cost does not grow with the goal's history, < 1 s at
50,000 check-ins (it was 48 s with ruamel.yaml composing the whole file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkins", default="50000", help="comma-separated sizes (default 50000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
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
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'check-ins':>10} {'file MB':>8} {'wall s':>8} {'cpu s':>8} {'load s':>8} {'plan s':>8}")
    for r in results:
        print(f"{r['checkins']:>10,} {r['file_mb']:>8} {r['wall_s']:>8} {r['cpu_s']:>8} {r['load_s']:>8} {r['plan_s']:>8}")
    print("load: reading the strategy (parse + schemas, as strat lint); plan: the check-in itself")


if __name__ == "__main__":
    main()
