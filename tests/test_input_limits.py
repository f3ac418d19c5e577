"""Bounded input: `strat checkin --csv` and `strat import csv` refuse a file past their
documented limits (bytes: before reading it; rows: as soon as the row past the limit is
read), with bounded memory; and a check-in into a goal whose file cannot be read says
what is wrong with which file, not "no goal with id"."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import strat
from helpers import copy_base, run_cli
from strat.checkin import MAX_CHECKIN_CSV_BYTES, MAX_CHECKIN_ROWS
from strat.importcsv import MAX_CSV_BYTES, MAX_ROWS

CLI_DIR = str(Path(strat.__file__).resolve().parent.parent)
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [CLI_DIR, os.environ.get("PYTHONPATH")]))}

COMMANDS = {
    "checkin": (["checkin", "--csv"], MAX_CHECKIN_CSV_BYTES),
    "import": (["import", "csv", "--kind", "goal"], MAX_CSV_BYTES),
}


def _run_measured(root: Path, args: list[str]) -> tuple[int, str, float, int]:
    """(exit status, stderr, seconds, peak resident memory in MB) of a strat process. A
    small Python process starts it and reads its peak: the child of a fork of this big
    test process would count the parent's pages as its own."""
    script = ("import resource, subprocess, sys\n"
              "done = subprocess.run(sys.argv[1:])\n"
              "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
              "sys.stdout.write(f'{done.returncode} {peak}')\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script, sys.executable, "-m", "strat", *args], cwd=root, env=ENV,
                          text=True, capture_output=True, timeout=300)
    code, peak_kb = (int(part) for part in done.stdout.split())
    return code, done.stderr, time.monotonic() - started, peak_kb // 1024


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_200_mb_csv_is_refused_at_once(tmp_path: Path, command: str) -> None:
    root = copy_base(tmp_path / "repo")
    big = root / "big.csv"
    with open(big, "wb") as handle:  # sparse: 200 MB without writing them
        handle.write(b"goal,value\n")
        handle.truncate(200_000_000)
    args, limit = COMMANDS[command]
    if command == "import":
        args = [*args[:2], "big.csv", *args[2:]]
    else:
        args = [*args, "big.csv"]
    code, err, seconds, _ = _run_measured(root, args)
    assert code == 2 and f"larger than {limit // 1_000_000} MB" in err, err
    assert seconds < 10


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_endless_stream_is_refused_with_bounded_memory(tmp_path: Path, command: str) -> None:
    """/dev/zero has no size to look at: it is read in chunks and refused past the limit."""
    root = copy_base(tmp_path / "repo")
    args, limit = COMMANDS[command]
    args = [*args[:2], "/dev/zero", *args[2:]] if command == "import" else [*args, "/dev/zero"]
    code, err, seconds, peak_mb = _run_measured(root, args)
    assert code == 2 and f"larger than {limit // 1_000_000} MB" in err, err
    assert peak_mb < 4 * limit // 1_000_000 + 150, f"{peak_mb} MB"


def test_checkin_rows_past_the_limit_are_refused(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    rows = "goal,date,value\n" + "faster-activation,2026-11-20,0.4\n" * (MAX_CHECKIN_ROWS + 1)
    (root / "rows.csv").write_text(rows)
    before = (root / "strategy/goals/faster-activation.yaml").read_bytes()
    result = run_cli(["checkin", "--csv", "rows.csv"], cwd=root)
    assert result.exit_code == 1 and f"more than {MAX_CHECKIN_ROWS:,} check-ins" in result.stderr
    assert f"rows.csv:{MAX_CHECKIN_ROWS + 2}:" in result.stderr  # the row past the limit
    assert (root / "strategy/goals/faster-activation.yaml").read_bytes() == before


def test_import_rows_past_the_limit_are_refused(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    rows = "id,title,owner\n" + "".join(f"g{i},Goal {i},cwu\n" for i in range(MAX_ROWS + 1))
    (root / "rows.csv").write_text(rows)
    result = run_cli(["import", "csv", "rows.csv", "--kind", "goal"], cwd=root)
    assert result.exit_code == 1 and f"more than {MAX_ROWS:,} rows" in result.stderr
    assert not (root / "strategy/goals/g0.yaml").exists()


GOAL = "strategy/goals/faster-activation.yaml"
UNREADABLE = [
    ("too large", b"kind: Goal\nid: faster-activation\n# " + b"x" * (3 * 1024 * 1024) + b"\n", "E005"),
    ("not UTF-8", b"kind: Goal\nid: faster-activation\ntitle: caf\xe9\n", "E003"),
    ("not YAML", b"kind: Goal\nid: faster-activation\ntitle: [unclosed\n", "E001"),
]


@pytest.mark.parametrize("name, content, code", UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_checkin_into_a_goal_whose_file_cannot_be_read_names_the_file(tmp_path: Path, name: str, content: bytes,
                                                                       code: str) -> None:
    root = copy_base(tmp_path / "repo", {GOAL: content})
    result = run_cli(["checkin", "faster-activation", "--value", "0.4", "--date", "2026-11-20"], cwd=root)
    assert result.exit_code == 1
    assert "could not be read" in result.stderr and f"{GOAL}: {code}" in result.stderr, result.stderr
    assert (root / GOAL).read_bytes() == content
