"""bench/issue14.py runs end to end: its lint rows on a tiny generated repository, each
with the floor measured in the same run, a ratio and a verdict (not a speed test: the
figures themselves are not judged here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "issue14.py"


def test_quick_lint_rows_print_each_row_with_its_floor(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--rows", "lint", "--goals", "20", "--json",
                           "--out", str(tmp_path / "work")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    rows = {r["row"]: r for r in figures["rows"]}
    assert list(rows) == ["lint cold", "lint unchanged", "lint one file changed"]
    for r in rows.values():
        assert r["exit"] in (0, 1)  # findings or none: the run worked
        assert r["floor"] == "PyYAML C load_all" and r["floor_cpu_s"] > 0 and r["floor_wall_s"] > 0
        assert r["ratio_cpu"] == r["cpu_s"] / r["floor_cpu_s"]
        assert r["peak_rss_mb"] > 10 and r["wall_s"] > 0
        assert r["verdict"] in ("PASS", "MISS")
    assert figures["sizes"]["goals"] == 20 and figures["load_average"]["before"]
