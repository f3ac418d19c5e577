"""`strat site build` before and after: the same build with two strat source trees,
alternately, in one run, against the plain-MkDocs floor of `bench/site.py`.

    python bench/site_ab.py --before /work/main/cli --after cli --goals 2000 --runs 3

Generates (and repairs, as `bench/site.py` does) one repository per size, then runs, each
as a subprocess and interleaved (before, after, floor; before, after, floor; ...):
`strat site build` with `PYTHONPATH=<before>`, the same with `PYTHONPATH=<after>`, and the
floor (`mkdocs build` of the Markdown `strat site render` wrote, `bench/site.py`'s
`floor_config`). Prints, per command, the best wall and CPU seconds (user + system of
the process and its children, from wait4: the steadier figure on a busy machine), peak
RSS, the ratio after/before and each build's CPU against the floor's, the load average,
and whether the two builds wrote the same files byte for byte (`--compare`).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402

import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_site", HERE / "site.py")
assert _spec is not None and _spec.loader is not None
bench_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_site)


def run(cmd: list[str], cwd: Path, pythonpath: str | None) -> dict[str, Any]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-2:]
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "exit": os.waitstatus_to_exitcode(status), "tail": tail}


def same_files(a: Path, b: Path) -> list[str]:
    """Relative paths that differ (or exist on one side only)."""
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(n for n in names
                  if not ((a / n).is_file() and (b / n).is_file() and filecmp.cmp(a / n, b / n, shallow=False)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="strat source tree (the folder holding strat/) before")
    parser.add_argument("--after", required=True, help="strat source tree after")
    parser.add_argument("--goals", default="2000", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--out", help="work folder (kept); default a temporary one, deleted")
    parser.add_argument("--compare", action="store_true", help="compare the two builds' files byte for byte")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor")
    args = parser.parse_args(argv)
    before, after = (str(Path(p).resolve()) for p in (args.before, args.after))
    base = Path(args.out).resolve() if args.out else Path(tempfile.mkdtemp(prefix="strat-site-ab-"))
    python = [sys.executable, "-m"]
    today = gen.ANCHOR.isoformat()
    try:
        for goals in args.goals:
            work = base / f"goals-{goals}"
            repo = work / "repo"
            if not (repo / ".git").is_dir():
                bench_site.prepare(repo, goals, 1, gen.ANCHOR, [*python, "strat"])
            docs, floor_site, config = work / "rendered" / "docs", work / "floor-site", work / "floor-mkdocs.yml"
            if not args.no_floor and not config.exists():
                import yaml

                run([*python, "strat", "site", "render", str(docs.parent), "--today", today], repo, after)
                config.write_text(yaml.safe_dump(bench_site.floor_config(repo, docs, floor_site), sort_keys=False),
                                  encoding="utf-8")
            commands = {
                "before": ([*python, "strat", "site", "build", "--out", str(work / "before"), "--today", today],
                           repo, before, work / "before"),
                "after": ([*python, "strat", "site", "build", "--out", str(work / "after"), "--today", today],
                          repo, after, work / "after"),
            }
            if not args.no_floor:
                commands["floor"] = ([*python, "mkdocs", "build", "-q", "-f", str(config)], work, None, floor_site)
            results: dict[str, list[dict[str, Any]]] = {k: [] for k in commands}
            for _ in range(args.runs):
                for key, (cmd, cwd, path, out) in commands.items():
                    if out.exists() and key == "floor":
                        shutil.rmtree(out)
                    results[key].append(run(cmd, cwd, path))
                    if results[key][-1]["exit"]:
                        print(f"{key} failed: {results[key][-1]['tail']}", file=sys.stderr)
            print(f"{goals:,} goals, best of {args.runs}, load average {os.getloadavg()[0]:.1f} "
                  f"(1 min) at the end")
            print(f"  {'run':<8}{'wall s':>9}{'cpu s':>9}{'peak MB':>9}  all cpu s")
            best = {}
            for key, rs in results.items():
                b = min(rs, key=lambda r: r["cpu"])
                best[key] = b
                print(f"  {key:<8}{min(r['wall'] for r in rs):>9.1f}{b['cpu']:>9.1f}"
                      f"{max(r['rss_mb'] for r in rs):>9.0f}  " + ", ".join(f"{r['cpu']:.1f}" for r in rs))
            print(f"  after/before CPU {best['after']['cpu'] / best['before']['cpu']:.2f}x")
            if "floor" in best:
                for key in ("before", "after"):
                    print(f"  {key}/floor CPU {best[key]['cpu'] / best['floor']['cpu']:.2f}x")
            if args.compare:
                diff = same_files(work / "before", work / "after")
                print(f"  files differing between the two builds: {len(diff)} {diff[:5]}")
    finally:
        if not args.out:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
