"""Issue 14's table in one command: every row with its floor, measured in the same run.

    python bench/issue14.py                       # every row but site50k (long)
    python bench/issue14.py --rows all            # site50k too (many minutes, ~2 GB)
    python bench/issue14.py --rows lint,tree --runs 3 --json
    python bench/issue14.py --quick               # small sizes: a smoke run of the harness

Rows (`--rows`, comma-separated; default all but site50k):

* lint: `strat lint` cold (empty lint cache) / nothing changed / one file changed, each
  against PyYAML's C loader over the same files (bench/lint.py `run_cache_rows`);
* tree: `strat tree --format json`, `strat tree` (text) and `strat roi` against `strat
  lint` on the same repository, without the cache (`--no-cache` on both) and with a warm
  one (target <= 1.1x);
* checkin: `strat checkin --csv` of 1,000 rows into the 10,000-goal repository (<= 5 s);
* diff: `strat diff HEAD~1 HEAD --lint` on it (one commit of check-ins; <= 2 s);
* site2k: `strat site build`, 2,000 goals, against the site floor (bench/site_floor.py:
  plain mkdocs-material, one page per goal with its YAML in a code block, index-only
  navigation, search on; <= 2x, <= 160 MB);
* site10k: `strat site build`, 10,000 goals (<= 50 s, <= 600 MB);
* site50k: 50,000 goals (<= 5.5x the site10k time of the same run, <= 2 GB, no page over
  2 MB);
* import: `strat import csv --kind goal --dry-run`, 200,000 rows (<= 15 s, <= 300 MB).

Every command runs as a subprocess; wall seconds, CPU seconds (user + system, children
included) and peak RSS come from os.wait4. `--runs N` runs each row's commands N times,
interleaved with its floor, and keeps the medians (peak RSS: the largest). Ratios are
printed for wall and CPU; a ratio target is judged on CPU (steadier on a busy machine),
a time target on wall. The lint cache lives in a temporary folder (STRAT_CACHE_DIR).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402
import lint as lint_bench  # noqa: E402
from site_floor import write_floor  # noqa: E402


def _load(name: str, file: str) -> Any:
    """bench/site.py under another name: `site` is the standard library's module."""
    spec = importlib.util.spec_from_file_location(name, HERE / file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


site_bench = _load("bench_site", "site.py")
run = site_bench.run  # wall, CPU, peak RSS (os.wait4) of one subprocess

ALL_ROWS = ("lint", "tree", "checkin", "diff", "site2k", "site10k", "site50k", "import")
DEFAULT_ROWS = tuple(r for r in ALL_ROWS if r != "site50k")
SIZES = {  # full, --quick
    "goals": (10_000, 300), "checkin_rows": (1_000, 50), "site2k": (2_000, 100), "site10k": (10_000, 200),
    "site50k": (50_000, 400), "import_rows": (200_000, 2_000),
}


def strat_command() -> list[str]:
    return lint_bench.strat_command()


def medians(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The median wall and CPU of several runs of one command; the largest peak RSS."""
    failed = [r for r in results if r["exit"] not in (0, 1)]
    return {"seconds": statistics.median(r["seconds"] for r in results),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in results),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
            "exit": failed[0]["exit"] if failed else results[-1]["exit"],
            "stderr_tail": failed[0].get("stderr_tail", "") if failed else "",
            "all_seconds": [round(r["seconds"], 2) for r in results]}


def row(name: str, measured: dict[str, Any], target: str, ok: bool | None, floor: dict[str, Any] | None = None,
        floor_label: str = "", **extra: Any) -> dict[str, Any]:
    out = {"row": name, "wall_s": measured["seconds"], "cpu_s": measured["cpu_seconds"],
           "peak_rss_mb": measured["peak_rss_mb"], "exit": measured["exit"], "target": target,
           "verdict": None if ok is None else ("PASS" if ok else "MISS"), **extra}
    if floor is not None:
        out.update(floor=floor_label, floor_wall_s=floor["seconds"], floor_cpu_s=floor["cpu_seconds"],
                   ratio_wall=measured["seconds"] / floor["seconds"] if floor["seconds"] else None,
                   ratio_cpu=measured["cpu_seconds"] / floor["cpu_seconds"] if floor["cpu_seconds"] else None)
    if measured["exit"] not in (0, 1):
        out["verdict"] = "FAIL"
        out["note"] = measured.get("stderr_tail", "")
    return out


# --- the repositories ------------------------------------------------------------------------

def lint_repo(work: Path, goals: int, today: date) -> dict[str, Any]:
    """The N-goal repository of bench/gen.py (generated two days before `today`) plus one
    commit of check-ins the day before (for diff); the check-in CSV is dated `today`."""
    root = work / f"repo-{goals}"
    counts = gen.generate(root, goals, today=today - timedelta(days=2))
    gen.add_commits(root, 1, start=today - timedelta(days=1))
    return {"root": root, "counts": counts}


# --- rows ------------------------------------------------------------------------------------

def lint_rows(repo: dict[str, Any], runs: int) -> list[dict[str, Any]]:
    c = lint_bench.run_cache_rows(strat_command(), repo["root"], runs)
    floor = c["floor"]
    label = "PyYAML C load_all"
    out = []
    for key, name, limit in (("cold", "lint cold", lint_bench.TARGET_COLD_OVER_FLOOR),
                             ("unchanged", "lint unchanged", lint_bench.TARGET_UNCHANGED_OVER_FLOOR),
                             ("one_changed", "lint one file changed", lint_bench.TARGET_ONE_CHANGED_OVER_FLOOR)):
        m = c[key]
        out.append(row(name, m, f"<= {limit:g}x floor", m["cpu_over_floor"] <= limit and c["same_findings"],
                       floor, label))
    return out


def tree_rows(repo: dict[str, Any], runs: int, today: date) -> list[dict[str, Any]]:
    """tree (JSON and text) and roi against lint, no cache and warm cache, interleaved."""
    root, strat = repo["root"], strat_command()
    day = ["--today", today.isoformat()]
    commands = {"lint": ["lint", "--format", "json", *day], "tree --format json": ["tree", "--format", "json", *day],
                "tree": ["tree", *day], "roi": ["roi"]}
    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for _ in range(runs):
        for cache in ("no cache", "warm cache"):
            extra = ["--no-cache"] if cache == "no cache" else []
            if cache == "warm cache":
                for args in commands.values():  # every command's reads in the cache first
                    run([*strat, *args], root)
            for name, args in commands.items():
                results.setdefault((name, cache), []).append(run([*strat, *args, *extra], root))
    out = []
    for cache in ("no cache", "warm cache"):
        floor = medians(results[("lint", cache)])
        for name in ("tree --format json", "tree", "roi"):
            m = medians(results[(name, cache)])
            ratio = m["cpu_seconds"] / floor["cpu_seconds"] if floor["cpu_seconds"] else None
            out.append(row(f"{name}, {cache}", m, "<= 1.1x lint", None if ratio is None else ratio <= 1.1,
                           floor, f"strat lint, {cache}"))
    return out


def checkin_csv(root: Path, rows: int, today: date, skip: set[str]) -> Path:
    """A check-in CSV of `rows` goals of the repository (not the deliberately broken ones):
    goal, value (the goal's last value moved 1%), date, confidence."""
    import yaml

    found = []
    for path in sorted((root / "strategy" / "goals").rglob("*.yaml")):
        if path.relative_to(root).as_posix() in skip:
            continue
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        checkins = data.get("checkins") or []
        last = checkins[-1].get("value") if checkins else (data.get("outcome") or {}).get("baseline")
        if isinstance(last, (int, float)) and not isinstance(last, bool):
            found.append((data["id"], round(last * 1.01, 3)))
        if len(found) == rows:
            break
    file = root.parent / f"checkins-{rows}.csv"
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["goal", "value", "date", "confidence"])
        for ident, value in found:
            writer.writerow([ident, value, today.isoformat(), 0.7])
    return file


def checkin_row(repo: dict[str, Any], rows: int, runs: int, today: date) -> list[dict[str, Any]]:
    root, strat = repo["root"], strat_command()
    file = checkin_csv(root, rows, today, set(repo["counts"]["error_files"]))
    results = []
    for _ in range(runs):
        run([*strat, "lint", "--format", "json"], root)  # the lint cache as a pre-commit hook leaves it
        results.append(run([*strat, "checkin", "--csv", str(file)], root))
        gen_git(root, "checkout", "-q", "--", "strategy")
    m = medians(results)
    return [row(f"checkin --csv, {rows:,} rows", m, "<= 5 s", m["seconds"] <= 5 and m["exit"] == 0)]


def gen_git(root: Path, *args: str) -> None:
    import subprocess

    subprocess.run([*gen.GIT, "-C", str(root), *args], check=True, env=gen._git_env(None))


def diff_row(repo: dict[str, Any], runs: int) -> list[dict[str, Any]]:
    root, strat = repo["root"], strat_command()
    results = [run([*strat, "diff", "HEAD~1", "HEAD", "--lint", "--format", "json"], root) for _ in range(runs)]
    floor = medians([run([*strat, "lint", "--format", "json"], root) for _ in range(runs)])
    m = medians(results)
    compared = None
    try:
        compared = json.loads(results[-1]["stdout"])["lint"]["compared"]
    except (KeyError, ValueError, TypeError):
        pass
    return [row("diff HEAD~1 HEAD --lint", m, "<= 2 s", m["seconds"] <= 2 and compared is True, floor,
                "strat lint (warm cache)", lint_compared=compared)]


def site_build(work: Path, goals: int, runs: int, today: date, floor: bool) -> dict[str, Any]:
    """`strat site build` of a lint-clean N-goal repository (bench/site.py `prepare`), and
    the site floor built from the same goal files, interleaved."""
    strat, mkdocs = strat_command(), site_bench.tool("mkdocs", "mkdocs")
    base = work / f"site-{goals}"
    repo = base / "repo"
    site_bench.prepare(repo, goals, 1, today, strat)
    floor_files = write_floor(repo, base / "floor") if floor else None
    out = base / "strat-site"
    builds, floors = [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        builds.append(run([*strat, "site", "build", "--out", str(out), "--today", today.isoformat()], repo))
        if floor_files:
            shutil.rmtree(floor_files["site"], ignore_errors=True)
            floors.append(run([*mkdocs, "build", "-q", "-f", str(floor_files["config"])], base))
    largest = max((p.stat().st_size for p in out.rglob("*.html")), default=0) / 1e6 if out.exists() else None
    return {"build": medians(builds), "floor": medians(floors) if floors else None, "largest_page_mb": largest,
            "floor_pages": floor_files["pages"] if floor_files else None}


def site_rows(work: Path, which: list[str], sizes: dict[str, int], runs: int, today: date) -> list[dict[str, Any]]:
    out = []
    ten: dict[str, Any] | None = None
    for name in which:
        goals = sizes[name]
        s = site_build(work, goals, runs, today, floor=name == "site2k")
        m = s["build"]
        big = {"largest_page_mb": round(s["largest_page_mb"] or 0, 2)}
        if name == "site2k":
            ratio = m["cpu_seconds"] / s["floor"]["cpu_seconds"]
            out.append(row(f"site build, {goals:,} goals", m, "<= 2x floor, <= 160 MB",
                           ratio <= 2 and m["peak_rss_mb"] <= 160, s["floor"],
                           f"site floor, {s['floor_pages']:,} pages", **big))
        elif name == "site10k":
            ten = m
            out.append(row(f"site build, {goals:,} goals", m, "<= 50 s, <= 600 MB",
                           m["seconds"] <= 50 and m["peak_rss_mb"] <= 600, **big))
        else:
            ok = m["peak_rss_mb"] <= 2048 and (s["largest_page_mb"] or 0) <= 2
            if ten is not None:
                ok = ok and m["seconds"] <= 5.5 * ten["seconds"]
            out.append(row(f"site build, {goals:,} goals", m, "<= 5.5x site10k, <= 2 GB, page <= 2 MB", ok,
                           ten, "site build, site10k row" if ten else "", **big))
    return out


def import_row(repo: dict[str, Any], rows: int, runs: int) -> list[dict[str, Any]]:
    """bench/import_csv.py's sheet and run: `strat import csv --kind goal --dry-run` of a goal
    sheet (owners and teams by id) in a folder outside any repository, with strat's row and
    size limits (10,000 rows, 10 MB: documented) lifted for the run, as that benchmark does."""
    import_bench = _load("import_bench", "import_csv.py")
    where = repo["root"].parent / "import-outside"
    where.mkdir(exist_ok=True)
    file = where / f"import-{rows}.csv"
    import_bench.write_sheet(file, rows, import_bench.repo_ids(repo["root"]), by_id=True)
    launch = [sys.executable, "-c", import_bench.LAUNCH]
    results = [run([*launch, "import", "csv", str(file), "--kind", "goal", "--dry-run"], where) for _ in range(runs)]
    m = medians(results)
    return [row(f"import csv --dry-run, {rows:,} rows", m, "<= 15 s, <= 300 MB",
                m["seconds"] <= 15 and m["peak_rss_mb"] <= 300 and m["exit"] == 0)]


# --- the run ---------------------------------------------------------------------------------

def figures(args: argparse.Namespace) -> dict[str, Any]:
    pick = 1 if args.quick else 0
    sizes = {k: v[pick] for k, v in SIZES.items()}
    if args.goals:
        sizes["goals"] = args.goals
    wanted = [r for r in ALL_ROWS if r in args.rows]
    work = Path(args.out).resolve() if args.out else Path(tempfile.mkdtemp(prefix="strat-bench-14-"))
    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        repo = None
        if {"lint", "tree", "checkin", "diff", "import"} & set(wanted):
            repo = lint_repo(work, sizes["goals"], args.today)
        steps: list[tuple[str, Callable[[], list[dict[str, Any]]]]] = [
            ("lint", lambda: lint_rows(repo, args.runs)),
            ("tree", lambda: tree_rows(repo, args.runs, args.today)),
            ("diff", lambda: diff_row(repo, args.runs)),
            ("checkin", lambda: checkin_row(repo, sizes["checkin_rows"], args.runs, args.today)),
            ("import", lambda: import_row(repo, sizes["import_rows"], args.runs)),
        ]
        for name, step in steps:
            if name in wanted:
                rows += step()
        site = [r for r in ("site2k", "site10k", "site50k") if r in wanted]
        if site:
            rows += site_rows(work, site, sizes, args.runs, args.today)
    finally:
        if not args.out and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return {"rows": rows, "sizes": sizes, "quick": args.quick, "runs": args.runs, "today": args.today.isoformat(),
            "seconds": round(time.perf_counter() - started, 1), "load_average": {"before": load_before,
                                                                                "after": os.getloadavg()},
            "python": platform.python_version(), "cpus": os.cpu_count(), "strat": strat_command(),
            "work": str(work) if args.out or args.keep else f"{work} (deleted)"}


def table(f: dict[str, Any]) -> str:
    load = f["load_average"]
    lines = [f"issue 14 rows{' (--quick sizes)' if f['quick'] else ''}: medians of {f['runs']} run(s); "
             f"Python {f['python']}, {f['cpus']} CPUs; load average {load['before'][0]:.1f} before, "
             f"{load['after'][0]:.1f} after; {f['seconds']:.0f} s in all",
             "",
             f"{'row':<36}{'wall s':>8}{'CPU s':>8}{'RSS MB':>8}  {'floor':<30}{'floor s':>8}{'CPU s':>7}"
             f"{'x wall':>8}{'x CPU':>7}  {'target':<42}verdict"]
    for r in f["rows"]:
        floor = r.get("floor")
        fl = (f"{floor:<30.30}{r['floor_wall_s']:>8.2f}{r['floor_cpu_s']:>7.2f}"
              f"{r['ratio_wall']:>8.2f}{r['ratio_cpu']:>7.2f}") if floor else f"{'-':<30}{'':>8}{'':>7}{'':>8}{'':>7}"
        lines.append(f"{r['row']:<36.36}{r['wall_s']:>8.2f}{r['cpu_s']:>8.2f}{r['peak_rss_mb']:>8.0f}  {fl}  "
                     f"{r['target']:<42}{r['verdict'] or 'n/a'}")
        if r.get("note"):
            lines.append(f"    exit {r['exit']}: {r['note']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default=",".join(DEFAULT_ROWS),
                        type=lambda s: list(ALL_ROWS) if s == "all" else [x.strip() for x in s.split(",") if x.strip()],
                        help=f"comma-separated rows, or all (default: {','.join(DEFAULT_ROWS)})")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of the harness")
    parser.add_argument("--runs", type=int, default=1, help="interleaved runs of each row, medians kept (default 1)")
    parser.add_argument("--goals", type=int, help="goals of the repository of the lint, tree, checkin, diff and "
                                                  "import rows (default 10,000; 300 with --quick)")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(),
                        help="the generator's and the commands' today (default: the real today, which the "
                             "commands that take no --today use too)")
    parser.add_argument("--out", help="work in this folder and keep it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    args = parser.parse_args(argv)
    unknown = [r for r in args.rows if r not in ALL_ROWS]
    if unknown or args.runs < 1:
        parser.error(f"unknown row(s) {unknown}; rows: {', '.join(ALL_ROWS)}" if unknown else "--runs >= 1")
    cache, before = tempfile.mkdtemp(prefix="strat-bench-cache-"), os.environ.get("STRAT_CACHE_DIR")
    os.environ["STRAT_CACHE_DIR"] = cache  # never the user's lint cache
    try:
        f = figures(args)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if before is None:
            os.environ.pop("STRAT_CACHE_DIR", None)
        else:
            os.environ["STRAT_CACHE_DIR"] = before
    print(json.dumps(f, indent=2, default=str) if args.json else table(f))
    return 0 if all(r["verdict"] != "FAIL" for r in f["rows"]) else 1


if __name__ == "__main__":
    sys.exit(main())
