"""Import benchmark: `strat import viva-goals` of an export with 50 objectives and 200 key results.

Run (from the repository root, in the environment where strat is installed):

    python bench/import_okr.py                        # 50 objectives, 4 key results each
    python bench/import_okr.py --objectives 500 --runs 3
    python bench/import_okr.py --json

It copies the repository's example strategy (`strategy/`, `strat.yaml`, `schemas/`) into
a temporary folder, writes a Viva Goals-shaped CSV export there (`viva_export`: the
objectives, key results under them with a Metric Name on every other one, owners by
e-mail and by name, two check-in rows per key result) and times, best of `--runs`, each
on a fresh copy:

* `strat import viva-goals export.csv --objective grow-new-business --period 2027-h1`
  as a subprocess, wall clock (read, map, render, validate, lint, write);
* `strat lint` of the result (it must exit 0).

The target (issue 15): under 5 s for 50 objectives and 200 key results.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# People of the example strategy, by e-mail and by name (both ways of naming an owner).
OWNERS = ["samuel.adeyemi@fieldwise.io", "Jordan Whitaker", "hannah.fischer@fieldwise.io", "Lena Park",
          "kieran.murphy@fieldwise.io", "Priya Malik", "irina.volkova@fieldwise.io", "Ritu Banerjee"]
TEAMS = ["Scheduling Core", "Mid-Market Sales", "Onboarding & Activation", "Growth Marketing",
         "Technician Mobile", "Platform & Reliability", "Support Operations", "Payments & Invoicing"]
EXISTING_METRICS = ["Weekly active dispatchers", "Qualified trials per month", "Payments attach rate",
                    "Jobs closed in the technician app"]
HEADER = ["ID", "Type", "Title", "Owner", "Teams", "Time Period", "Start Date", "End Date", "Metric Name",
          "Metric Unit", "Start", "Target", "Current Value", "Progress", "Status", "Parent IDs", "CheckIn Date",
          "Check In Note"]


def viva_export(objectives: int = 50, krs_per_objective: int = 4, checkins_per_kr: int = 2) -> str:
    """A Viva Goals Explorer-shaped CSV: each objective row, then its key results, each
    followed by its check-in rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    next_id = 1
    for o in range(objectives):
        oid = next_id
        next_id += 1
        writer.writerow([oid, "Objective", f"Generated objective {o + 1}: customers plan more in Fieldwise",
                         OWNERS[o % len(OWNERS)], TEAMS[o % len(TEAMS)], "H1 2027", "2027-01-01", "2027-06-30",
                         "", "", "", "", "", "30", "On Track", "", "", ""])
        for k in range(krs_per_objective):
            kid = next_id
            next_id += 1
            metric = EXISTING_METRICS[(o + k) % len(EXISTING_METRICS)] if k % 2 else ""
            start, target = 100 + k, 200 + 10 * k
            writer.writerow([kid, "Key Result", f"Objective {o + 1} result {k + 1}: more jobs planned ahead",
                             OWNERS[(o + k) % len(OWNERS)], "", "H1 2027", "2027-01-01", "2027-06-30", metric,
                             "" if metric else "count", start, target, start + 20, "20", "On Track", oid, "", ""])
            for c in range(checkins_per_kr):
                writer.writerow([next_id, "Check-in", "", OWNERS[(o + k) % len(OWNERS)], "", "", "", "", "", "", "",
                                 "", start + 10 * (c + 1), "", "", kid, f"2027-0{c + 1}-15", f"check-in {c + 1}"])
                next_id += 1
    return out.getvalue()


def example_copy(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copytree(REPO / "strategy", dest / "strategy")
    shutil.copytree(REPO / "schemas", dest / "schemas")
    shutil.copy(REPO / "strat.yaml", dest / "strat.yaml")
    subprocess.run(["git", "init", "-q", str(dest)], check=True, capture_output=True)
    return dest


def strat_command() -> list[str]:
    exe = Path(sys.executable).with_name("strat")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "strat"]


def run(objectives: int, krs: int, runs: int) -> dict[str, object]:
    text = viva_export(objectives, krs)
    best_import = best_lint = float("inf")
    written = 0
    with tempfile.TemporaryDirectory(prefix="strat-bench-import-") as tmp:
        for n in range(runs):
            root = example_copy(Path(tmp) / f"run{n}")
            (root / "export.csv").write_text(text, encoding="utf-8")
            before = {p for p in (root / "strategy").rglob("*.yaml")}
            start = time.perf_counter()
            done = subprocess.run(strat_command() + ["import", "viva-goals", "export.csv", "--objective",
                                                     "grow-new-business", "--period", "2027-h1"],
                                  cwd=root, capture_output=True, text=True)
            elapsed = time.perf_counter() - start
            if done.returncode != 0:
                raise SystemExit(f"import failed ({done.returncode}):\n{done.stderr[-3000:]}")
            best_import = min(best_import, elapsed)
            written = len({p for p in (root / "strategy").rglob("*.yaml")} - before)
            start = time.perf_counter()
            lint = subprocess.run(strat_command() + ["lint", "--format", "json"], cwd=root, capture_output=True,
                                  text=True)
            best_lint = min(best_lint, time.perf_counter() - start)
            if lint.returncode != 0:
                raise SystemExit(f"strat lint of the result exited {lint.returncode}:\n{lint.stdout[-3000:]}")
    return {"objectives": objectives, "key_results": objectives * krs, "rows": text.count("\n") - 1,
            "files_written": written, "import_seconds": round(best_import, 2), "lint_seconds": round(best_lint, 2),
            "runs": runs, "target_seconds": 5}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--objectives", type=int, default=50)
    parser.add_argument("--key-results", type=int, default=4, help="per objective")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.objectives, args.key_results, args.runs)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['objectives']} objectives, {figures['key_results']} key results ({figures['rows']} rows): "
          f"import {figures['import_seconds']} s (target < 5 s), {figures['files_written']} files; "
          f"strat lint of the result {figures['lint_seconds']} s, exit 0 (best of {figures['runs']})")


if __name__ == "__main__":
    main()
