"""Lint benchmark: strat lint on a synthetic 10,000-goal repository, against check-jsonschema.

Run (from the repository root, in the environment where strat is installed):

    python bench/lint.py --files 10000

It generates a strategy repository with `bench/gen.py` (seeded, so the same
--files/--seed/--today give byte-identical files and the same commit hash) in a temporary
folder (or --out DIR), makes one git commit, then times, each as a subprocess, wall clock:

* `strat lint <repo>/strategy --format json`, first run ("cold": the first strat run on
  this repository; the OS file cache is warm since the files were just written) and a
  second run on the unchanged repository. The JSON is parsed: the exit status and the
  number of findings show it did real work (about 1% of goal files carry an error).
* `check-jsonschema --schemafile schemas/goal.schema.json` on all goal files in one
  process (the peer: schema checks only, goal files only, no line numbers). Before the
  timed run it is checked on one valid and one invalid file (exit 0 and 1), and after it,
  that it reported exactly the goal files with injected schema errors, so the relative
  `$ref` to defs.schema.json is known to resolve.
* `strat --version`, best of 5.
* With `--readings N` (the issue 11 target: `--readings 200`), a second repository, the
  same one plus daily Readings of N metrics over `--readings-years` years (3: about
  1,095 readings a metric), and `strat lint` on both, three interleaved runs each, best
  of three, wall clock and CPU time (user + system of the strat process, steadier on a
  busy machine). Target: with readings / without <= 1.3. Both repositories have at least
  N metrics, so the only difference is the Readings files.

It prints a table of seconds, files per second and ratios, and the verdicts for the
targets "strat lint cold >= 3x faster than check-jsonschema" (total wall time; strat also
reads the non-goal files, so per-file figures are shown as well) and
"strat --version < 0.3 s". `--json` prints the figures as JSON instead.

strat is run as the `strat` executable next to sys.executable (else `python -m strat`);
check-jsonschema is looked up next to sys.executable, then on PATH; if missing, its row is
skipped with a note.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402  (bench/gen.py, next to this file)

GOAL_SCHEMA = REPO / "schemas" / "goal.schema.json"
TARGET_SPEEDUP = 3.0
TARGET_VERSION_S = 0.3
TARGET_RULES_OVERHEAD = 0.10
TARGET_READINGS_RATIO = 1.3


def strat_command() -> list[str]:
    exe = Path(sys.executable).with_name("strat")
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe)]
    return [sys.executable, "-m", "strat"]


def check_jsonschema_command() -> list[str] | None:
    exe = Path(sys.executable).with_name("check-jsonschema")
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe)]
    found = shutil.which("check-jsonschema")
    return [found] if found else None


def timed(cmd: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    seconds, _, proc, _ = timed_cpu(cmd, cwd)
    return seconds, proc


def timed_cpu(cmd: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str], float]:
    """Wall clock and CPU seconds (user + system of the process and its children, such as
    git) of one subprocess, and its peak resident set size in MB (all from wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        proc = subprocess.CompletedProcess(cmd, child.returncode, out.read().decode("utf-8", "replace"),
                                           err.read().decode("utf-8", "replace"))
    return seconds, usage.ru_utime + usage.ru_stime, proc, usage.ru_maxrss / 1024


def first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


# --- the runs ----------------------------------------------------------------------------

def run_strat_lint(strat: list[str], root: Path, label: str, *extra: str) -> dict[str, Any]:
    seconds, cpu, proc, rss = timed_cpu([*strat, "lint", str(root / "strategy"), "--format", "json", *extra], root)
    out: dict[str, Any] = {"label": label, "seconds": seconds, "cpu_seconds": cpu, "exit": proc.returncode,
                           "peak_rss_mb": rss}
    try:
        payload = json.loads(proc.stdout)
        diags = payload.get("diagnostics", [])
        out["findings"] = len(diags)
        out["summary"] = payload.get("summary", {})
        codes: dict[str, int] = {}
        for d in diags:
            codes[d.get("code", "?")] = codes.get(d.get("code", "?"), 0) + 1
        out["codes"] = dict(sorted(codes.items()))
        out["paths_with_findings"] = sorted({d.get("path") for d in diags})
    except (json.JSONDecodeError, AttributeError):
        out["findings"] = None
        out["note"] = f"output is not the JSON report: {first_line(proc.stderr) or first_line(proc.stdout)}"
    return out


FLOOR_SCRIPT = r"""
import os, sys, time, yaml
root = sys.argv[1]
start = time.perf_counter()
documents = 0
for folder, dirs, files in os.walk(root):
    dirs.sort()
    for name in sorted(files):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(folder, name), "rb") as handle:
                documents += sum(1 for _ in yaml.load_all(handle.read(), Loader=yaml.CSafeLoader))
print(documents, time.perf_counter() - start)
"""
TARGET_COLD_OVER_FLOOR = 1.5
TARGET_UNCHANGED_OVER_FLOOR = 0.25
TARGET_ONE_CHANGED_OVER_FLOOR = 0.5


def run_floor(root: Path) -> dict[str, Any]:
    """The floor of issue 14: PyYAML's C loader `load_all` over the same files, in one
    process (a subprocess, timed like strat: start-up and the import of yaml included)."""
    seconds, cpu, proc, rss = timed_cpu([sys.executable, "-c", FLOOR_SCRIPT, str(root / "strategy")], root)
    documents = int(proc.stdout.split()[0]) if proc.returncode == 0 and proc.stdout.split() else None
    return {"label": "floor: PyYAML CSafeLoader load_all", "seconds": seconds, "cpu_seconds": cpu,
            "exit": proc.returncode, "documents": documents, "peak_rss_mb": rss}


def run_cache_rows(strat: list[str], root: Path, rounds: int) -> dict[str, Any]:
    """Issue 14's first three rows, each against the floor measured in the same run: strat
    lint cold (an empty lint cache), the same again with nothing changed (the cache warm),
    and with one goal file changed; plus lint without the cache. `rounds` interleaved
    rounds (floor, no cache, cold, unchanged, one changed), medians kept. The cache folder
    is a fresh temporary one each round (STRAT_CACHE_DIR), never the user's."""
    goal = sorted((root / "strategy" / "goals").rglob("*.yaml"))[len(list((root / "strategy" / "goals")
                                                                          .rglob("*.yaml"))) // 2]
    original = goal.read_bytes()
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("floor", "no_cache", "cold", "unchanged", "one_changed")}
    same = True
    old_env = os.environ.get("STRAT_CACHE_DIR")
    try:
        for i in range(rounds):
            cache_dir = tempfile.mkdtemp(prefix="strat-bench-cache-")
            os.environ["STRAT_CACHE_DIR"] = cache_dir
            try:
                rows["floor"].append(run_floor(root))
                rows["no_cache"].append(run_strat_lint(strat, root, "strat lint --no-cache", "--no-cache"))
                rows["cold"].append(run_strat_lint(strat, root, "strat lint, cold (empty cache)"))
                rows["unchanged"].append(run_strat_lint(strat, root, "strat lint, nothing changed"))
                goal.write_bytes(original + f"\n# changed in round {i}\n".encode())
                rows["one_changed"].append(run_strat_lint(strat, root, "strat lint, one file changed"))
            finally:
                goal.write_bytes(original)
                shutil.rmtree(cache_dir, ignore_errors=True)
            same = same and all(rows[k][-1].get("codes") == rows["no_cache"][-1].get("codes")
                                for k in ("cold", "unchanged", "one_changed"))
    finally:
        if old_env is None:
            os.environ.pop("STRAT_CACHE_DIR", None)
        else:
            os.environ["STRAT_CACHE_DIR"] = old_env

    def median(runs: list[dict[str, Any]]) -> dict[str, Any]:
        ordered = sorted(runs, key=lambda r: r["seconds"])
        mid = dict(ordered[len(ordered) // 2])
        mid.pop("paths_with_findings", None)
        mid["all"] = [round(r["seconds"], 3) for r in runs]
        mid["all_cpu"] = [round(r["cpu_seconds"], 3) for r in runs]
        mid["cpu_seconds"] = sorted(r["cpu_seconds"] for r in runs)[len(runs) // 2]
        mid["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
        return mid

    out: dict[str, Any] = {k: median(v) for k, v in rows.items()}
    floor, floor_cpu = out["floor"]["seconds"], out["floor"]["cpu_seconds"]
    for key in ("no_cache", "cold", "unchanged", "one_changed"):
        out[key]["over_floor"] = out[key]["seconds"] / floor
        out[key]["cpu_over_floor"] = out[key]["cpu_seconds"] / floor_cpu
    out["rounds"] = rounds
    out["same_findings"] = same
    out["changed_file"] = goal.relative_to(root).as_posix()
    out["targets"] = {
        f"cold <= {TARGET_COLD_OVER_FLOOR:g}x the floor": out["cold"]["over_floor"] <= TARGET_COLD_OVER_FLOOR,
        f"nothing changed <= {TARGET_UNCHANGED_OVER_FLOOR:g}x the floor":
            out["unchanged"]["over_floor"] <= TARGET_UNCHANGED_OVER_FLOOR,
        f"one file changed <= {TARGET_ONE_CHANGED_OVER_FLOOR:g}x the floor":
            out["one_changed"]["over_floor"] <= TARGET_ONE_CHANGED_OVER_FLOOR,
        "same findings with and without the cache": same,
    }
    return out


def cache_lines(c: dict[str, Any]) -> list[str]:
    lines = [f"issue 14 rows: medians of {c['rounds']} interleaved round(s); one file changed = "
             f"{c['changed_file']} (a comment appended)",
             f"  {'run':<38}{'wall s':>8}{'x floor':>9}{'cpu s':>8}{'x floor':>9}  exit, findings; all wall"]
    floor = c["floor"]
    lines.append(f"  {floor['label']:<38}{floor['seconds']:>8.2f}{1:>9.2f}{floor['cpu_seconds']:>8.2f}{1:>9.2f}  "
                 f"{floor['exit']}, {floor['documents']} documents; {', '.join(f'{t:.2f}' for t in floor['all'])}")
    for key in ("no_cache", "cold", "unchanged", "one_changed"):
        r = c[key]
        lines.append(f"  {r['label']:<38}{r['seconds']:>8.2f}{r['over_floor']:>9.2f}{r['cpu_seconds']:>8.2f}"
                     f"{r['cpu_over_floor']:>9.2f}  {r['exit']}, {r.get('findings')}; "
                     f"{', '.join(f'{t:.2f}' for t in r['all'])}")
    for name, ok in c["targets"].items():
        lines.append(f"  [{verdict(ok)}] {name}")
    return lines


def run_check_jsonschema(cj: list[str], root: Path, goal_files: list[str], expected_bad: set[str],
                         any_valid: str, any_invalid: str | None) -> dict[str, Any]:
    base = [*cj, "--schemafile", str(GOAL_SCHEMA), "-o", "json"]
    out: dict[str, Any] = {"label": "check-jsonschema", "files": len(goal_files)}
    version = subprocess.run([*cj, "--version"], capture_output=True, text=True)
    out["version"] = version.stdout.strip()

    # Sanity, untimed: a valid file passes (so the $ref to defs.schema.json resolves) and
    # an invalid one fails with exit 1.
    ok = subprocess.run([*base, any_valid], cwd=root, capture_output=True, text=True)
    sanity = {"valid_file_exit": ok.returncode}
    if any_invalid:
        bad = subprocess.run([*base, any_invalid], cwd=root, capture_output=True, text=True)
        sanity["invalid_file_exit"] = bad.returncode
    out["sanity"] = sanity
    if ok.returncode != 0:
        out["note"] = f"check-jsonschema fails on a valid goal file: {first_line(ok.stdout + ok.stderr)}"

    # Timed: every goal file in one process; batches only if the argument list is too long.
    batches = [goal_files]
    while True:
        try:
            seconds, failing, exits, parse_errors = 0.0, set(), [], 0
            for batch in batches:
                t, proc = timed([*base, *batch], root)
                seconds += t
                exits.append(proc.returncode)
                try:
                    report = json.loads(proc.stdout)
                    failing.update(e["filename"] for e in report.get("errors", []))
                    parse_errors += len(report.get("parse_errors", []))
                except json.JSONDecodeError:
                    out["note"] = f"unexpected output: {first_line(proc.stdout + proc.stderr)}"
            break
        except OSError as exc:
            if exc.errno != errno.E2BIG:
                raise
            size = max(1, len(batches[0]) // 2)
            batches = [goal_files[i:i + size] for i in range(0, len(goal_files), size)]
    out.update(seconds=seconds, processes=len(batches), exit=max(exits), failing_files=len(failing),
               parse_errors=parse_errors)
    out["reports_exactly_the_injected_schema_errors"] = failing == expected_bad
    if failing != expected_bad:
        out["missed"] = sorted(expected_bad - failing)[:10]
        out["unexpected"] = sorted(failing - expected_bad)[:10]
    return out


def run_version(strat: list[str], root: Path, runs: int = 5) -> dict[str, Any]:
    times, exit_code, text = [], 0, ""
    for _ in range(runs):
        t, proc = timed([*strat, "--version"], root)
        times.append(t)
        exit_code, text = proc.returncode, proc.stdout.strip()
    return {"label": "strat --version", "seconds": min(times), "all": times, "exit": exit_code, "output": text}


def run_readings(strat: list[str], without: Path, with_readings: Path, runs: int = 3) -> dict[str, Any]:
    """`strat lint` on the repository without and with readings: one untimed run of each
    first (so neither is the first run on its files), then `runs` interleaved pairs; the
    best of each, wall clock and CPU, and their ratios."""
    warm = [run_strat_lint(strat, root, "warm-up") for root in (without, with_readings)]
    pairs = [(run_strat_lint(strat, without, "strat lint, no readings"),
              run_strat_lint(strat, with_readings, "strat lint, with readings")) for _ in range(runs)]
    out: dict[str, Any] = {}
    for i, key in enumerate(("without", "with")):
        these = [p[i] for p in pairs]
        best = min(these, key=lambda r: r["seconds"])
        best.pop("paths_with_findings", None)
        best.update(cpu_seconds=min(r["cpu_seconds"] for r in these), all=[r["seconds"] for r in these],
                    all_cpu=[r["cpu_seconds"] for r in these], findings_first_run=warm[i].get("findings"))
        out[key] = best
    out["ratio"] = out["with"]["seconds"] / out["without"]["seconds"]
    out["cpu_ratio"] = out["with"]["cpu_seconds"] / out["without"]["cpu_seconds"]
    out["same_findings"] = warm[0].get("paths_with_findings") == warm[1].get("paths_with_findings") \
        and warm[0].get("codes") == warm[1].get("codes")
    return out


# --- report ------------------------------------------------------------------------------

def verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "FAIL")


def figures(args: argparse.Namespace) -> dict[str, Any]:
    strat = strat_command()
    cj = check_jsonschema_command()
    temp = None
    if args.out:
        root = Path(args.out).resolve()
        if root.exists() and any(root.iterdir()):
            sys.exit(f"--out {root} is not empty; give a new or empty folder")
    else:
        temp = tempfile.mkdtemp(prefix="strat-bench-")
        root = Path(temp)
    readings_root = None
    if args.readings:
        readings_root = root.with_name(root.name + "-readings")
        if readings_root.exists() and any(readings_root.iterdir()):
            sys.exit(f"{readings_root} (the repository with readings) is not empty; give a new --out")
    try:
        start = time.perf_counter()
        counts = gen.generate(root, args.files, args.seed, today=args.today, min_metrics=args.readings)
        gen_seconds = time.perf_counter() - start
        total_files = counts["files"]
        readings: dict[str, Any] | None = None
        if readings_root is not None:
            r_counts = gen.generate(readings_root, args.files, args.seed, today=args.today, readings=args.readings,
                                    readings_years=args.readings_years)
            readings = run_readings(strat, root, readings_root)
            readings.update(path=str(readings_root) if args.out or args.keep else f"{readings_root} (deleted)",
                            metrics=args.readings, years=args.readings_years, readings=r_counts["readings"],
                            readings_files=r_counts["readings_files"], files=r_counts["files"],
                            documents=r_counts["documents"], commit=r_counts.get("commit"))

        cache_rows = run_cache_rows(strat, root, args.cache_rounds)
        cold = run_strat_lint(strat, root, "strat lint (cold, first run)")
        # The rules' share is a difference of two similar times, so it is measured as the
        # best of three interleaved runs of each (a single run on a busy machine is noise).
        pairs = [(run_strat_lint(strat, root, "strat lint (unchanged, best of 3)"),
                  run_strat_lint(strat, root, "strat lint --ignore A (best of 3)", "--ignore", "A"))
                 for _ in range(3)]
        second = min((p[0] for p in pairs), key=lambda r: r["seconds"])
        no_rules = min((p[1] for p in pairs), key=lambda r: r["seconds"])
        for run in (cold, second, no_rules):
            run["files"] = total_files

        goal_files = sorted(p.relative_to(root).as_posix() for p in (root / "strategy" / "goals").rglob("*.yaml"))
        injected = counts["error_files"]
        schema_bad = {p for p, kind in injected.items() if kind in ("wrong_type", "unknown_field")}
        if cj:
            valid = next(p for p in goal_files if p not in injected)
            invalid = next(iter(sorted(schema_bad)), None)
            peer = run_check_jsonschema(cj, root, goal_files, schema_bad, valid, invalid)
        else:
            peer = {"label": "check-jsonschema", "skipped": True,
                    "note": "check-jsonschema not found next to sys.executable or on PATH "
                            "(pip install check-jsonschema); row skipped"}
        version = run_version(strat, root)

        found = set(cold.get("paths_with_findings", []))
        ratios: dict[str, Any] = {}
        if cold.get("seconds"):
            ratios["second_over_cold"] = second["seconds"] / cold["seconds"]
        if no_rules.get("seconds") and second.get("seconds"):
            ratios["rules_overhead"] = second["seconds"] / no_rules["seconds"] - 1
        if peer.get("seconds") and cold.get("seconds"):
            ratios["check_jsonschema_over_strat_cold"] = peer["seconds"] / cold["seconds"]
            ratios["per_file_check_jsonschema_over_strat_cold"] = (
                (peer["seconds"] / peer["files"]) / (cold["seconds"] / total_files))
        strat_worked = cold.get("exit") in (0, 1) and cold.get("findings") is not None
        speed_ok = None
        if strat_worked and "check_jsonschema_over_strat_cold" in ratios:
            speed_ok = ratios["check_jsonschema_over_strat_cold"] >= TARGET_SPEEDUP
        version_ok = version["seconds"] < TARGET_VERSION_S if version["exit"] == 0 else False
        rules_ok = ratios["rules_overhead"] <= TARGET_RULES_OVERHEAD if "rules_overhead" in ratios else None
        targets = {
            f"strat lint cold >= {TARGET_SPEEDUP:g}x faster than check-jsonschema": speed_ok,
            f"strat --version < {TARGET_VERSION_S:g} s": version_ok,
            f"alignment rules add <= {TARGET_RULES_OVERHEAD:.0%} to strat lint": rules_ok,
        }
        if readings is not None:
            ratios["readings"] = readings["ratio"]
            ratios["readings_cpu"] = readings["cpu_ratio"]
            targets[f"strat lint with readings <= {TARGET_READINGS_RATIO:g}x without"] = \
                readings["ratio"] <= TARGET_READINGS_RATIO and readings["same_findings"]
        for run in (cold, second, no_rules):
            run.pop("paths_with_findings", None)
        return {
            "repository": {
                "path": str(root) if args.out or args.keep else f"{root} (deleted)",
                "goal_files": len(goal_files), "files": total_files, "documents": counts["documents"],
                "seed": args.seed, "today": counts["today"], "commit": counts.get("commit"),
                "generate_seconds": gen_seconds,
                "counts": {k: v for k, v in counts.items() if k not in ("error_files", "commit", "today")},
                "injected_error_files_with_a_strat_finding": f"{len(found & set(injected))}/{len(injected)}",
            },
            "environment": {"python": platform.python_version(), "platform": platform.platform(),
                            "cpus": os.cpu_count(), "strat": version.get("output"),
                            "strat_command": strat, "check_jsonschema": peer.get("version")},
            "runs": {"strat_cold": cold, "strat_second": second, "strat_no_rules": no_rules,
                     "check_jsonschema": peer, "strat_version": version},
            "readings": readings,
            "cache": cache_rows,
            "ratios": ratios,
            "targets": targets,
        }
    finally:
        if temp and not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
            if readings_root is not None:
                shutil.rmtree(readings_root, ignore_errors=True)


def cache_figures(args: argparse.Namespace) -> dict[str, Any]:
    """Only issue 14's rows, on a repository generated here (or --repo)."""
    strat = strat_command()
    if args.repo:
        return {**run_cache_rows(strat, Path(args.repo).resolve(), args.cache_rounds), "repository": args.repo,
                "environment": _environment(strat)}
    temp = None
    if args.out:
        root = Path(args.out).resolve()
    else:
        temp = tempfile.mkdtemp(prefix="strat-bench-")
        root = Path(temp)
    try:
        counts = gen.generate(root, args.files, args.seed, today=args.today)
        return {**run_cache_rows(strat, root, args.cache_rounds), "repository": str(root),
                "files": counts["files"], "documents": counts["documents"], "environment": _environment(strat)}
    finally:
        if temp and not args.keep:
            shutil.rmtree(temp, ignore_errors=True)


def _environment(strat: list[str]) -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "load_average": load,
            "strat_command": strat}


def readings_figures(args: argparse.Namespace) -> dict[str, Any]:
    """Only the readings comparison: both repositories generated, lint timed on each."""
    strat = strat_command()
    temp = None
    if args.out:
        root = Path(args.out).resolve()
    else:
        temp = tempfile.mkdtemp(prefix="strat-bench-")
        root = Path(temp)
    readings_root = root.with_name(root.name + "-readings")
    for folder in (root, readings_root):
        if folder.exists() and any(folder.iterdir()):
            sys.exit(f"{folder} is not empty; give a new or empty --out")
    try:
        gen.generate(root, args.files, args.seed, today=args.today, min_metrics=args.readings)
        counts = gen.generate(readings_root, args.files, args.seed, today=args.today, readings=args.readings,
                              readings_years=args.readings_years)
        r = run_readings(strat, root, readings_root)
        r.update(path=str(readings_root) if args.out or args.keep else f"{readings_root} (deleted)",
                 metrics=args.readings, years=args.readings_years, readings=counts["readings"],
                 readings_files=counts["readings_files"], files=counts["files"], documents=counts["documents"],
                 commit=counts.get("commit"), goal_files=args.files)
        return r
    finally:
        if temp and not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
            shutil.rmtree(readings_root, ignore_errors=True)


def table(f: dict[str, Any]) -> str:
    repo, runs, ratios = f["repository"], f["runs"], f["ratios"]
    c = repo["counts"]
    lines = [
        f"strat lint benchmark: {repo['goal_files']:,} goal files; {repo['files']:,} files / "
        f"{repo['documents']:,} documents in all ({c['teams']} teams, {c['people']:,} people, {c['metrics']} metrics, "
        f"{c['objectives']} objectives, {c['plans']} plans, {c['initiatives']:,} initiatives, {c['decisions']} decisions)",
        f"seed {repo['seed']}, today {repo['today']}, commit {str(repo['commit'])[:12]}, generated in "
        f"{repo['generate_seconds']:.1f} s at {repo['path']}",
        f"injected errors: {c['errors']} in {sum(c['errors'].values())} goal files",
        f"{f['environment']['strat']}, {f['environment']['check_jsonschema'] or 'check-jsonschema missing'}, "
        f"Python {f['environment']['python']}, {f['environment']['cpus']} CPUs",
        "",
        f"{'run':<40}{'seconds':>9}{'files/s':>10}{'ms/file':>9}{'files':>8}{'exit':>6}  result",
    ]

    def row(run: dict[str, Any], result: str) -> str:
        if run.get("skipped"):
            return f"{run['label']:<40}{'-':>9}{'-':>10}{'-':>9}{'-':>8}{'-':>6}  {run['note']}"
        files = run.get("files")
        secs = run["seconds"]
        rate = f"{files / secs:,.0f}" if files else "-"
        per = f"{1000 * secs / files:.2f}" if files else "-"
        return (f"{run['label']:<40}{secs:>9.2f}{rate:>10}{per:>9}{(f'{files:,}' if files else '-'):>8}"
                f"{run.get('exit', '-'):>6}  {result}")

    for key in ("strat_cold", "strat_second", "strat_no_rules"):
        run = runs[key]
        if run.get("findings") is None:
            result = run.get("note", "no report")
        else:
            s = run["summary"]
            result = (f"{run['findings']} findings ({s.get('error', 0)} errors, {s.get('warning', 0)} warnings, "
                      f"{s.get('info', 0)} info): " + ", ".join(f"{k} {v}" for k, v in run["codes"].items()))
        lines.append(row(run, result))
    peer = runs["check_jsonschema"]
    if peer.get("skipped"):
        lines.append(row(peer, ""))
    else:
        exact = "exactly the injected schema errors" if peer["reports_exactly_the_injected_schema_errors"] \
            else f"NOT the injected set (missed {peer.get('missed')}, unexpected {peer.get('unexpected')})"
        result = (f"{peer['failing_files']} files failing, {exact}; {peer['processes']} process(es); "
                  f"sanity exit valid={peer['sanity'].get('valid_file_exit')} "
                  f"invalid={peer['sanity'].get('invalid_file_exit')}")
        if peer.get("note"):
            result += f"; {peer['note']}"
        lines.append(row({**peer, "label": "check-jsonschema (goal files only)"}, result))
    v = runs["strat_version"]
    lines.append(f"{'strat --version (best of 5)':<40}{v['seconds']:>9.3f}{'':>10}{'':>9}{'':>8}{v['exit']:>6}  "
                 f"{v['output']}  (all: {', '.join(f'{t:.3f}' for t in v['all'])})")
    lines += ["", "ratios"]
    if "check_jsonschema_over_strat_cold" in ratios:
        lines.append(f"  check-jsonschema time / strat cold time        {ratios['check_jsonschema_over_strat_cold']:6.2f}x"
                     f"   (per file: {ratios['per_file_check_jsonschema_over_strat_cold']:.2f}x; strat reads "
                     f"{repo['files']:,} files, check-jsonschema {repo['goal_files']:,})")
    if "second_over_cold" in ratios:
        lines.append(f"  strat second run / strat cold run              {ratios['second_over_cold']:6.2f}")
    if "rules_overhead" in ratios:
        lines.append(f"  alignment rules' share (second / no rules - 1) {ratios['rules_overhead']:6.1%}")
    r = f.get("readings")
    if r:
        lines += [""] + readings_lines(r)
    if f.get("cache"):
        lines += [""] + cache_lines(f["cache"])
    lines += ["", "targets"]
    for name, ok in f["targets"].items():
        lines.append(f"  [{verdict(ok)}] {name}")
    lines.append(f"  injected-error goal files with a strat finding: {repo['injected_error_files_with_a_strat_finding']}")
    return "\n".join(lines)


def readings_lines(r: dict[str, Any]) -> list[str]:
    lines = [f"readings: {r['metrics']} metrics x {r['years']} years of daily readings = {r['readings']:,} "
                      f"readings in {r['readings_files']} files beside the same repository ({r['files']:,} files, "
                      f"commit {str(r['commit'])[:12]}, at {r['path']})"]
    for key, label in (("without", "strat lint, no readings (best of 3)"),
                       ("with", "strat lint, with readings (best of 3)")):
        run = r[key]
        lines.append(f"  {label:<40}{run['seconds']:>7.2f} s wall {run['cpu_seconds']:>7.2f} s CPU  exit "
                     f"{run['exit']}, {run.get('findings')} findings  (all wall: "
                     f"{', '.join(f'{t:.2f}' for t in run['all'])}; CPU: "
                     f"{', '.join(f'{t:.2f}' for t in run['all_cpu'])})")
    lines.append(f"  with / without: {r['ratio']:.2f}x wall, {r['cpu_ratio']:.2f}x CPU; same findings: "
                 f"{'yes' if r['same_findings'] else 'NO'}")
    ok = r["ratio"] <= TARGET_READINGS_RATIO and r["same_findings"]
    lines.append(f"  [{verdict(ok)}] strat lint with readings <= {TARGET_READINGS_RATIO:g}x without")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000, help="number of Goal files to generate (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generator (default 1)")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(),
                        help="the generator's today, YYYY-MM-DD (default: the real today, so staleness and "
                             "review dates look current; pass it to reproduce a repository byte for byte)")
    parser.add_argument("--out", help="generate into this (new or empty) folder and keep it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the table")
    parser.add_argument("--readings", type=int, default=0, metavar="N",
                        help="also time lint with daily Readings of N metrics (the target: 200) against the same "
                             "repository without them; the second repository is --out DIR + '-readings'")
    parser.add_argument("--readings-years", type=int, default=3, help="years of daily readings (default 3)")
    parser.add_argument("--readings-only", action="store_true",
                        help="with --readings: only that comparison (no check-jsonschema, no --version)")
    parser.add_argument("--cache-rounds", type=int, default=3, metavar="N",
                        help="interleaved rounds of issue 14's rows (floor, cold, unchanged, one file changed; "
                             "default 3, medians)")
    parser.add_argument("--cache-only", action="store_true",
                        help="only issue 14's rows against the floor (no check-jsonschema, no --version)")
    parser.add_argument("--repo", help="with --cache-only: an existing generated repository (bench/gen.py) "
                                       "instead of generating one")
    args = parser.parse_args(argv)
    # strat's lint cache goes to a temporary folder: never the user's, and cold means empty.
    own_cache = tempfile.mkdtemp(prefix="strat-bench-cache-")
    os.environ["STRAT_CACHE_DIR"] = own_cache
    try:
        return _main(parser, args)
    finally:
        shutil.rmtree(own_cache, ignore_errors=True)


def _main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.cache_only:
        c = cache_figures(args)
        print(json.dumps(c, indent=2) if args.json else "\n".join(cache_lines(c)))
        return 0
    if args.readings_only:
        if not args.readings:
            parser.error("--readings-only needs --readings N")
        r = readings_figures(args)
        print(json.dumps(r, indent=2) if args.json else "\n".join(readings_lines(r)))
        return 0
    f = figures(args)
    print(json.dumps(f, indent=2) if args.json else table(f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
