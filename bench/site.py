"""Site benchmark: `strat site build` on synthetic 2,000-, 10,000- and 50,000-goal
repositories, against a plain MkDocs build of the same Markdown (the floor).

Run (from the repository root, in the environment where strat is installed):

    python bench/site.py                    # 2,000, 10,000 and 50,000 goals (the last takes long)
    python bench/site.py --goals 2000,10000 # the sizes given
    python bench/site.py --json             # the figures as JSON

For each size it generates a strategy repository with `bench/gen.py` (seeded: the same
--goals/--seed/--today give the same files), repairs the ~1% of goal files the generator
spoils on purpose (`strat site build` refuses a strategy with lint errors; the repair is
checked by a `strat lint` run with no error), commits, then times, each as a subprocess,
wall clock, with its peak memory (the child's maximum resident set size, from wait4):

* `strat site build --out DIR --today T`: lint, render the pages, run MkDocs (mkdocs-
  material) through its Python API, all in one process. This is the figure the targets
  are about.
* `strat site render DIR --today T`: lint and render the Markdown only (informative: how
  much of the build is strat's own work).
* The floor: `mkdocs build` on exactly the Markdown `strat site render` wrote, with the
  repository's mkdocs.yml plus what strat sets itself that changes MkDocs' work (the
  navigation, `not_in_nav` for entity pages, `theme.font: false`, the extra stylesheet;
  the navigation and `not_in_nav` come from strat's own functions, so they match). Same
  pages, same sizes, same theme, features and extensions: the differences are strat's
  own work (lint, render, and its page-title template override) and one saving: on its
  generated pages strat stores its raw HTML blocks in Python-Markdown's stash without the
  two HTML parses plain MkDocs runs to find them (`strat.site.rawblocks`; same HTML byte
  for byte), and spares mkdocs-material's search indexer the blocks it would skip
  (`strat.site.searchview`; same index); pages of a known shape skip Python-Markdown
  altogether (`strat.site.fastpage`) and the indexer tokenizes with strat's own
  expression (`strat.site.fastsearch`), which is why strat's build can come in under
  the floor.

It prints a table of seconds, CPU seconds (user + system of the process), pages, output
size, the largest HTML page (issue 14: no page over 2 MB, whatever the strategy's size)
and peak memory, the ratio of strat's
build to the floor, and the verdicts for the targets "our build at most 1.3x the floor",
"5,000 goals in under 60 s" and "5,000 goals in under 500 MB of output" (MB = 10^6 bytes,
disk usage as `du` counts it). `--runs N` runs the three commands N times, interleaved
(build, render, floor, build, ...) so that a busy machine slows each about as much, and
keeps the best time of each; peak memory is the largest of the runs.

strat is run as the `strat` executable next to sys.executable (else `python -m strat`),
MkDocs as the `mkdocs` executable next to it (else `python -m mkdocs`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402  (bench/gen.py, next to this file)

TARGET_RATIO = 1.3
TARGET_SECONDS = 60.0
TARGET_MB = 500.0
TARGET_GOALS = 5000  # the size the absolute targets are about
TARGET_PAGE_MB = 2.0  # issue 14: no HTML page over 2 MB, at any size


def tool(name: str, module: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe)]
    return [sys.executable, "-m", module]


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command; wall-clock seconds, CPU seconds (user + system, its children
    included), exit status, peak RSS of the process (MB) and the tail of its stderr."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return {"seconds": seconds, "exit": proc.returncode, "peak_rss_mb": usage.ru_maxrss / 1024,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "stdout": stdout, "stderr_tail": "\n".join(stderr.strip().splitlines()[-3:])}


def best(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of several runs of one command, with all their times."""
    fastest = min(results, key=lambda r: (r["exit"] != 0, r["seconds"]))
    return {**fastest, "all_seconds": [r["seconds"] for r in results],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in results)}


def folder_size(folder: Path) -> dict[str, Any]:
    """Files, HTML pages, apparent bytes, disk usage (512-byte blocks, as du counts) and
    the largest HTML page."""
    files = pages = size = disk = 0
    largest, largest_page = 0, ""
    for current, _dirs, names in os.walk(folder):
        for name in names:
            st = os.lstat(os.path.join(current, name))
            files += 1
            pages += name.endswith(".html")
            size += st.st_size
            disk += st.st_blocks * 512
            if name.endswith(".html") and st.st_size > largest:
                largest, largest_page = st.st_size, os.path.relpath(os.path.join(current, name), folder)
    return {"files": files, "html_pages": pages, "mb": size / 1e6, "du_mb": disk / 1e6,
            "largest_page_mb": largest / 1e6, "largest_page": largest_page}


def markdown_size(folder: Path) -> dict[str, Any]:
    sizes = [p.stat().st_size for p in folder.rglob("*.md")]
    return {"pages": len(sizes), "mb": sum(sizes) / 1e6, "mean_kb": (sum(sizes) / len(sizes) / 1e3) if sizes else 0,
            "max_kb": max(sizes, default=0) / 1e3}


# --- the repository ------------------------------------------------------------------------

_ID = re.compile(r"^\s*(?:- )?id: (\S+)\s*$", re.M)
_REF_LINES = (re.compile(r"^(owner: )(\S+)$", re.M), re.compile(r"^(parent: )(\S+)$", re.M),
              re.compile(r"^(  metric: )(\S+)$", re.M))
_OUTCOME_NUMBER = r"^  {}: (-?[0-9.]+)$"


def _fix_typo(wrong: str, ids: set[str]) -> str | None:
    """gen.py misspells an id by dropping one letter (or, failing that, adding an x)."""
    if wrong.endswith("x") and wrong[:-1] in ids:
        return wrong[:-1]
    found = sorted(y for y in ids if len(y) == len(wrong) + 1
                   and any(y[:k] + y[k + 1:] == wrong for k in range(len(y))))
    return found[0] if found else None


def repair(root: Path, error_files: dict[str, str]) -> dict[str, Any]:
    """Undo the generator's deliberate errors, so the strategy builds. wrong_type gets a
    target beyond the current value in the direction the goal already moved."""
    ids: set[str] = set()
    for path in (root / "strategy").rglob("*.yaml"):
        ids.update(_ID.findall(path.read_text(encoding="utf-8")))
    unfixed = []
    for rel, kind in sorted(error_files.items()):
        path = root / rel
        text = path.read_text(encoding="utf-8")
        if kind == "unknown_field":
            text = text.replace("\ncustomer_progres:", "\ncustomer_progress:")
        elif kind == "wrong_type":
            base = re.search(_OUTCOME_NUMBER.format("baseline"), text, re.M)
            now = re.search(_OUTCOME_NUMBER.format("current"), text, re.M)
            if base is None or now is None:
                unfixed.append(rel)
                continue
            b, c = float(base.group(1)), float(now.group(1))
            target = b + 2 * (c - b) if c != b else b * 1.1 + 1
            text = text.replace("\n  target: 45%\n", f"\n  target: {gen.scalar(round(target, 3))}\n")
        elif kind == "unknown_ref":
            for pattern in _REF_LINES:
                match = pattern.search(text)
                if match and match.group(2) not in ids:
                    right = _fix_typo(match.group(2), ids)
                    if right is None:
                        unfixed.append(rel)
                    else:
                        text = text[:match.start(2)] + right + text[match.end(2):]
        path.write_text(text, encoding="utf-8")
    return {"repaired": len(error_files) - len(unfixed), "unfixed": unfixed}


def lint_errors(strat: list[str], root: Path, today: date) -> tuple[int, dict[str, int], list[str]]:
    """(errors, summary, the first few error lines) of `strat lint --format json`."""
    proc = subprocess.run([*strat, "lint", "--format", "json", "--today", today.isoformat()], cwd=root,
                          capture_output=True, text=True)
    report = json.loads(proc.stdout)
    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    return len(errors), report["summary"], [f"{d['path']}:{d['line']} {d['code']} {d['message']}" for d in errors[:5]]


def prepare(root: Path, goals: int, seed: int, today: date, strat: list[str]) -> dict[str, Any]:
    start = time.perf_counter()
    counts = gen.generate(root, goals, seed, today=today, git=True)
    generated = time.perf_counter() - start
    fixed = repair(root, counts["error_files"])
    errors, summary, first = lint_errors(strat, root, today)
    if errors or fixed["unfixed"]:
        sys.exit(f"bench/site.py: the repaired {goals}-goal repository still has lint errors, so it cannot be built: "
                 f"{first or fixed['unfixed']}")
    gen.commit(root, "Repair the deliberate errors for the site benchmark", when=today)
    keep = ("goals", "initiatives", "teams", "people", "departments", "metrics", "objectives", "plans", "decisions",
            "files", "documents")
    return {"counts": {k: counts[k] for k in keep if k in counts}, "generate_seconds": generated,
            "repaired_error_files": fixed["repaired"], "lint_summary": summary}


def floor_config(repo: Path, docs: Path, site: Path) -> dict[str, Any]:
    """The repository's mkdocs.yml with what `strat site build` sets itself that changes
    MkDocs' work, computed by strat's own functions so the two cannot drift apart: the
    navigation (index pages, hand-written pages, the reference section), entity pages
    kept out of the navigation, no web fonts, the stylesheet. Not strat's `custom_dir`
    template override (a page-title block): that is strat's own work. The benchmark's
    repositories have no hand-written pages."""
    import yaml

    from strat.site import build as site_build  # private helpers, on purpose: the same configuration

    raw = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8")) or {}
    theme = dict(raw.get("theme") or {"name": "material"})
    theme["font"] = False
    rendered = {p.relative_to(docs).as_posix(): "" for p in docs.rglob("*") if p.is_file()}
    return {**raw, "docs_dir": str(docs), "site_dir": str(site), "theme": theme,
            "nav": site_build._nav(raw.get("nav"), rendered, []),
            "not_in_nav": site_build._not_in_nav(raw.get("not_in_nav")),
            "extra_css": [*(raw.get("extra_css") or []), "stylesheets/strat.css"]}


# --- one size ------------------------------------------------------------------------------

def measure(goals: int, base: Path, args: argparse.Namespace, strat: list[str], mkdocs: list[str]) -> dict[str, Any]:
    import yaml

    work = base / f"goals-{goals}"
    repo = work / "repo"
    prepared = prepare(repo, goals, args.seed, args.today, strat)
    today = ["--today", args.today.isoformat()]

    out, docs, floor_site = work / "strat-site", work / "rendered" / "docs", work / "floor-site"
    config = work / "floor-mkdocs.yml"
    commands = {
        "strat_build": ([*strat, "site", "build", "--out", str(out), *today], repo, out),
        "strat_render": ([*strat, "site", "render", str(docs.parent), *today], repo, docs.parent),
        "floor": ([*mkdocs, "build", "-q", "-f", str(config)], work, floor_site),
    }
    # Interleaved (build, render, floor; build, render, floor; ...) so that a busy machine
    # slows each about as much; the best run of each is kept.
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key in commands}
    for _ in range(args.runs):
        for key, (cmd, cwd, folder) in commands.items():
            if folder.exists():
                shutil.rmtree(folder)
            runs[key].append(run(cmd, cwd))
            if key == "strat_render" and not config.exists() and runs[key][-1]["exit"] == 0:
                config.write_text(yaml.safe_dump(floor_config(repo, docs, floor_site), sort_keys=False),
                                  encoding="utf-8")
    build, render, floor = (best(runs[key]) for key in commands)

    result: dict[str, Any] = {"goals": goals, **prepared}
    for key, r, folder in (("strat_build", build, out), ("strat_render", render, None), ("floor", floor, floor_site)):
        r.pop("stdout", None)
        if r["exit"] == 0 and folder is not None:
            r["output"] = folder_size(folder)
        result[key] = r
    result["markdown"] = markdown_size(docs) if render["exit"] == 0 else None
    ok = build["exit"] == 0 and floor["exit"] == 0
    result["ratio"] = build["seconds"] / floor["seconds"] if ok else None
    result["cpu_ratio"] = build["cpu_seconds"] / floor["cpu_seconds"] if ok and floor["cpu_seconds"] else None
    return result


def figures(args: argparse.Namespace) -> dict[str, Any]:
    strat = tool("strat", "strat")
    mkdocs = tool("mkdocs", "mkdocs")
    temp = None
    if args.out:
        base = Path(args.out).resolve()
        if base.exists() and any(base.iterdir()):
            sys.exit(f"--out {base} is not empty; give a new or empty folder")
        base.mkdir(parents=True, exist_ok=True)
    else:
        temp = tempfile.mkdtemp(prefix="strat-bench-site-")
        base = Path(temp)
    try:
        sizes = [measure(n, base, args, strat, mkdocs) for n in args.goals]
    finally:
        if temp and not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
    versions = {}
    for name, cmd in (("strat", [*strat, "--version"]), ("mkdocs", [*mkdocs, "--version"])):
        versions[name] = subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    try:
        from importlib.metadata import version

        versions["mkdocs-material"] = version("mkdocs-material")
    except Exception:  # not installed in this Python: the build would have failed anyway
        versions["mkdocs-material"] = None

    targets: dict[str, bool | None] = {}
    for s in sizes:
        targets[f"{s['goals']:,} goals: strat site build <= {TARGET_RATIO:g}x the plain MkDocs floor"] = \
            None if s["ratio"] is None else s["ratio"] <= TARGET_RATIO
    big = next((s for s in sizes if s["goals"] == TARGET_GOALS), None)
    ok = big is not None and big["strat_build"]["exit"] == 0
    targets[f"{TARGET_GOALS:,} goals built in < {TARGET_SECONDS:g} s"] = \
        (big["strat_build"]["seconds"] < TARGET_SECONDS) if ok else None
    targets[f"{TARGET_GOALS:,} goals: output < {TARGET_MB:g} MB"] = \
        (big["strat_build"]["output"]["du_mb"] < TARGET_MB) if ok else None
    for s in sizes:
        if s["strat_build"]["exit"] == 0:
            targets[f"{s['goals']:,} goals: no HTML page over {TARGET_PAGE_MB:g} MB"] = \
                s["strat_build"]["output"]["largest_page_mb"] <= TARGET_PAGE_MB
    return {
        "environment": {"python": platform.python_version(), "platform": platform.platform(),
                        "cpus": os.cpu_count(), **versions, "strat_command": strat, "mkdocs_command": mkdocs},
        "settings": {"seed": args.seed, "today": args.today.isoformat(), "runs": args.runs,
                     "path": str(base) if args.out or args.keep else f"{base} (deleted)"},
        "sizes": sizes,
        "targets": targets,
    }


# --- report ------------------------------------------------------------------------------

def verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "FAIL")


def table(f: dict[str, Any]) -> str:
    env, settings = f["environment"], f["settings"]
    lines = [
        "strat site benchmark: `strat site build` against plain `mkdocs build` of the same Markdown (the floor)",
        f"{env['strat']}, {env['mkdocs']}, mkdocs-material {env['mkdocs-material']}, Python {env['python']}, "
        f"{env['cpus']} CPUs; seed {settings['seed']}, today {settings['today']}, best of {settings['runs']}; "
        f"{settings['path']}",
    ]
    for s in f["sizes"]:
        c, md = s["counts"], s["markdown"]
        lines += ["",
                  f"{s['goals']:,} goals: {c['files']:,} files / {c['documents']:,} documents ({c['teams']} teams, "
                  f"{c['people']:,} people, {c['initiatives']:,} initiatives, {c['metrics']} metrics, "
                  f"{c['objectives']} objectives); generated in {s['generate_seconds']:.1f} s, "
                  f"{s['repaired_error_files']} spoilt goal files repaired, lint: "
                  f"{s['lint_summary'].get('error', 0)} errors, {s['lint_summary'].get('warning', 0)} warnings",
                  (f"  Markdown: {md['pages']:,} pages, {md['mb']:.1f} MB, mean {md['mean_kb']:.1f} kB, "
                   f"largest {md['max_kb']:.0f} kB" if md else "  Markdown: not rendered"),
                  f"  {'run':<34}{'seconds':>9}{'CPU s':>8}{'pages':>8}{'output MB':>11}{'du MB':>8}"
                  f"{'largest MB':>12}{'peak RSS MB':>13}{'exit':>6}"]
        for key, label in (("strat_build", "strat site build"), ("strat_render", "strat site render (lint+render)"),
                           ("floor", "mkdocs build (floor)")):
            r = s[key]
            o = r.get("output")
            times = "" if len(r["all_seconds"]) < 2 else "  (all: " + ", ".join(f"{t:.1f}" for t in r["all_seconds"]) + ")"
            pages, mb, du, big = ((str(o["html_pages"]), f"{o['mb']:.1f}", f"{o['du_mb']:.1f}",
                                   f"{o['largest_page_mb']:.2f}") if o else ("-", "-", "-", "-"))
            lines.append(f"  {label:<34}{r['seconds']:>9.2f}{r['cpu_seconds']:>8.1f}{pages:>8}{mb:>11}{du:>8}{big:>12}"
                         f"{r['peak_rss_mb']:>13.0f}{r['exit']:>6}{times}")
            if o:
                lines.append(f"    largest page: {o['largest_page']}")
            if r["exit"] != 0:
                lines.append(f"    {r['stderr_tail']}")
        if s["ratio"] is not None:
            lines.append(f"  ratio strat site build / floor: {s['ratio']:.2f}x "
                         f"(strat's own work: {s['strat_build']['seconds'] - s['floor']['seconds']:+.1f} s); in CPU time "
                         + (f"{s['cpu_ratio']:.2f}x" if s.get("cpu_ratio") is not None else "n/a"))
    lines += ["", "targets"]
    for name, ok in f["targets"].items():
        lines.append(f"  [{verdict(ok)}] {name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--goals", default="2000,10000,50000",
                        type=lambda s: [int(x) for x in s.split(",") if x.strip()],
                        help="comma-separated numbers of goals (default 2000,10000,50000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generator (default 1)")
    parser.add_argument("--today", type=date.fromisoformat, default=gen.ANCHOR,
                        help=f"the generator's and the build's today, YYYY-MM-DD (default {gen.ANCHOR})")
    parser.add_argument("--runs", type=int, default=1, help="time each build N times and keep the best (default 1)")
    parser.add_argument("--out", help="work in this (new or empty) folder and keep it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the table")
    args = parser.parse_args(argv)
    if args.runs < 1 or not args.goals or min(args.goals) < 1:
        parser.error("--runs and every --goals number must be at least 1")
    f = figures(args)
    print(json.dumps(f, indent=2) if args.json else table(f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
