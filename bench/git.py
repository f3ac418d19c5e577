"""Benchmark the git-native commands on a large history.

    python bench/git.py --files 10000 --commits 2000

Generates (with bench/gen.py) a strategy repository with `--files` goal files, then adds
`--commits` commits of check-ins and target moves, and times, each as a subprocess:

* `strat diff HEAD~50 HEAD` (entity changes and the lint comparison of both sides),
* `strat diff HEAD~50 HEAD --no-lint` (entity changes only),
* `strat history ID` for the goal changed most often, and for one changed once,
* `strat diff HEAD~1 HEAD` (a typical pull request).

Target (issue 5): `strat diff HEAD~50 HEAD` and `strat history ID` each under 2 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen  # noqa: E402

TARGET_S = 2.0


def strat_command() -> list[str]:
    exe = Path(sys.executable).with_name("strat")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "strat"]


def timed(cmd: list[str], cwd: Path, runs: int = 3) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Best of `runs` wall-clock times."""
    best = float("inf")
    proc = None
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
    assert proc is not None
    return best, proc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=2_000)
    parser.add_argument("--out", type=Path, help="keep the generated repository here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    temp = None
    root = args.out or Path(temp := tempfile.mkdtemp(prefix="strat-bench-git-"))
    try:
        start = time.perf_counter()
        gen.generate(root, args.files, today=gen.ANCHOR - timedelta(days=args.commits + 1))
        generated = time.perf_counter() - start
        start = time.perf_counter()
        history = gen.add_commits(root, args.commits, step_days=1)
        committed = time.perf_counter() - start
        log = subprocess.run(["git", "-C", str(root), "log", "--format=", "--name-only"], capture_output=True,
                             text=True, check=True).stdout
        touched = Counter(line for line in log.splitlines() if line.startswith("strategy/goals/"))
        busiest_path, busiest_n = touched.most_common(1)[0]
        once_path = next(p for p, n in sorted(touched.items()) if n == 1)

        def goal_id(path: str) -> str:
            text = (root / path).read_text(encoding="utf-8")
            return next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("id:"))

        strat = strat_command()
        rows = []
        for label, args_ in (
            ("strat diff HEAD~50 HEAD", ["diff", "HEAD~50", "HEAD", "--format", "json"]),
            ("strat diff HEAD~50 HEAD --no-lint", ["diff", "HEAD~50", "HEAD", "--no-lint", "--format", "json"]),
            ("strat diff HEAD~50 HEAD --lint (forced)", ["diff", "HEAD~50", "HEAD", "--lint", "--format", "json"]),
            ("strat diff HEAD~1 HEAD", ["diff", "HEAD~1", "HEAD", "--format", "json"]),
            (f"strat history (changed {busiest_n}x)", ["history", goal_id(busiest_path), "--format", "json"]),
            ("strat history (changed once)", ["history", goal_id(once_path), "--format", "json"]),
        ):
            seconds, proc = timed([*strat, *args_], root, runs=1 if "--lint" in args_ else 3)
            detail = proc.stderr.strip().splitlines()[-1] if proc.returncode else ""
            if proc.returncode == 0:
                payload = json.loads(proc.stdout)
                if "changes" in payload and "lint" in payload:
                    lint = payload["lint"]
                    detail = (f"{len(payload['changes'])} entities changed; lint "
                              + ("compared" if lint["compared"] else "not compared"))
                else:
                    detail = f"{len(payload['changes'])} changes found"
            rows.append({"run": label, "seconds": seconds, "exit": proc.returncode, "detail": detail,
                         "target_met": seconds < TARGET_S if label == "strat diff HEAD~50 HEAD" or "history" in label
                         else None})
        figures = {"goal_files": args.files, "commits": history["commits"] + 1, "generate_seconds": generated,
                   "commit_seconds": committed, "rows": rows}
        if args.json:
            print(json.dumps(figures, indent=2))
        else:
            print(f"{args.files:,} goal files, {history['commits'] + 1:,} commits "
                  f"(generated in {generated:.1f} s, history in {committed:.1f} s); best of 3 runs each\n")
            print(f"{'run':<40}{'seconds':>9}{'exit':>6}  {'target < 2 s':<13} detail")
            for r in rows:
                verdict = {True: "PASS", False: "FAIL", None: "-"}[r["target_met"]]
                print(f"{r['run']:<40}{r['seconds']:>9.2f}{r['exit']:>6}  {verdict:<13} {r['detail']}")
        return 0
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
