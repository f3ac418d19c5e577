"""Benchmark the git-native commands on a large history.

    python bench/git.py --files 10000 --commits 2000

Generates (with bench/gen.py) a strategy repository with `--files` goal files, then adds
`--commits` commits of check-ins and target moves, and times, each as a subprocess:

* `strat diff HEAD~50 HEAD` (entity changes and the lint comparison of both sides),
* `strat diff HEAD~50 HEAD --no-lint` (entity changes only),
* `strat history ID` for the goal changed most often, and for one changed once,
* `strat diff HEAD~1 HEAD` (a typical pull request).

Target (issue 5): `strat diff HEAD~50 HEAD` and `strat history ID` each under 2 s.

    python bench/git.py --diff-lint [--goals 10000] [--rounds 3] [--before /path/to/other/cli]

Issue 14's row "`strat diff HEAD~1 HEAD` with lint comparison, 10,000 goals" (target
≤ 2 s, on by default at any size): a `--goals` repository (bench/gen.py) plus one commit
that moves one goal's target, then `--rounds` interleaved rounds of, each a subprocess
timed in CPU (user + system, git included) and wall: the floor (PyYAML's C loader
`load_all` over the same files, as bench/lint.py), `strat diff HEAD~1 HEAD --lint
--numbers` (the default) with an empty lint cache (cold), after a `strat lint` of the
working tree (= HEAD), and after a `strat lint` of each commit's files (HEAD~1's, then
HEAD's: what a pre-commit hook leaves).
Each round uses a fresh cache folder (STRAT_CACHE_DIR). `--before DIR`: the same rows
with PYTHONPATH=DIR (another checkout's `cli`) in the same rounds, for before/after.
Every run's output must be the same.
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


def diff_lint_rows(goals: int, rounds: int, before: Path | None, out: Path | None) -> dict[str, object]:
    """Issue 14's diff row (see the module's docstring): medians of CPU and wall seconds."""
    import os
    import re
    import statistics

    from lint import run_floor, timed_cpu  # bench/lint.py

    temp = None
    root = out or Path(temp := tempfile.mkdtemp(prefix="strat-bench-diff-"))
    try:
        gen.generate(root, goals, today=gen.ANCHOR - timedelta(days=3))
        goal = sorted((root / "strategy" / "goals").rglob("*.yaml"))[goals // 2]
        text = goal.read_text(encoding="utf-8")
        match = re.search(r"^  target: (\S+)$", text, re.M)
        assert match, goal
        moved = text[:match.start(1)] + gen.scalar(round(float(match.group(1)) * 1.1, 2)) + text[match.end(1):]
        goal.write_text(moved, encoding="utf-8")
        gen.commit(root, "Move one target", gen.ANCHOR - timedelta(days=2), [goal.relative_to(root).as_posix()])
        codes = {"after": None, **({"before": str(before)} if before else {})}
        rows: dict[str, list[tuple[float, float]]] = {}
        outputs: set[str] = set()
        # --lint --numbers: the default now, said for code from before the 3,000-file limit went
        diff = [*strat_command(), "diff", "HEAD~1", "HEAD", "--lint", "--numbers", "--format", "json"]
        lint_cmd = [*strat_command(), "lint", "--format", "json"]
        saved = {k: os.environ.get(k) for k in ("STRAT_CACHE_DIR", "PYTHONPATH")}
        try:
            for _ in range(rounds):
                floor = run_floor(root)
                rows.setdefault("floor", []).append((floor["cpu_seconds"], floor["seconds"]))
                for code, path in codes.items():
                    if path:
                        os.environ["PYTHONPATH"] = path
                    elif saved["PYTHONPATH"] is None:
                        os.environ.pop("PYTHONPATH", None)
                    else:
                        os.environ["PYTHONPATH"] = saved["PYTHONPATH"]
                    for label in ("cold", "after strat lint", "after strat lint of both"):
                        cache_dir = tempfile.mkdtemp(prefix="strat-bench-cache-")
                        os.environ["STRAT_CACHE_DIR"] = cache_dir
                        try:
                            if label == "after strat lint of both":  # as a pre-commit hook leaves it
                                goal.write_text(text, encoding="utf-8")
                                subprocess.run(lint_cmd, cwd=root, capture_output=True, check=False)
                                goal.write_text(moved, encoding="utf-8")
                            if label != "cold":
                                subprocess.run(lint_cmd, cwd=root, capture_output=True, check=False)
                            wall, cpu, proc = timed_cpu(diff, root)
                        finally:
                            shutil.rmtree(cache_dir, ignore_errors=True)
                        assert proc.returncode == 0, proc.stderr
                        outputs.add(proc.stdout)
                        rows.setdefault(f"{code}: {label}", []).append((cpu, wall))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        medians = {k: {"cpu_seconds": statistics.median(c for c, _ in v), "seconds": statistics.median(w for _, w in v)}
                   for k, v in rows.items()}
        return {"goals": goals, "rounds": rounds, "same_output": len(outputs) == 1, "rows": medians,
                "load_average": os.getloadavg()}
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)


def print_diff_lint(f: dict[str, object]) -> None:
    rows = f["rows"]
    assert isinstance(rows, dict)
    floor = rows["floor"]
    print(f"strat diff HEAD~1 HEAD with lint comparison, {f['goals']:,} goals (one target moved); medians of "
          f"{f['rounds']} interleaved rounds; load average {', '.join(f'{x:.1f}' for x in f['load_average'])}; "
          f"same output everywhere: {f['same_output']}\n")
    print(f"{'run':<42}{'cpu s':>8}{'x floor':>9}{'wall s':>8}{'x floor':>9}  target <= 2 s")
    for label, r in rows.items():
        verdict = "-" if label == "floor" else ("PASS" if r["cpu_seconds"] <= TARGET_S else "FAIL")
        print(f"{label:<42}{r['cpu_seconds']:>8.2f}{r['cpu_seconds'] / floor['cpu_seconds']:>9.2f}"
              f"{r['seconds']:>8.2f}{r['seconds'] / floor['seconds']:>9.2f}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=2_000)
    parser.add_argument("--out", type=Path, help="keep the generated repository here")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--diff-lint", action="store_true", help="issue 14's diff row only (see above)")
    parser.add_argument("--goals", type=int, default=10_000, help="--diff-lint: goals in the repository")
    parser.add_argument("--rounds", type=int, default=3, help="--diff-lint: interleaved rounds")
    parser.add_argument("--before", type=Path, help="--diff-lint: also time the code in this folder (PYTHONPATH)")
    args = parser.parse_args(argv)
    if args.diff_lint:
        found = diff_lint_rows(args.goals, args.rounds, args.before, args.out)
        if args.json:
            print(json.dumps(found, indent=2))
        else:
            print_diff_lint(found)
        return 0

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
