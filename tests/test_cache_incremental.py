"""The lint cache's quick paths (strat.cache.scan's stat index, strat.refmemo's reference
findings, the entries' delta) give the output of a run without the cache after any edit:
random edits to a generated repository (ids renamed while referenced elsewhere, files
deleted, copied (duplicate ids), references and periods changed, lines inserted above
findings, numbers changed, files put back as they were, touched), each followed by a
cached run, an unchanged cached run and a run with --no-cache, compared byte for byte."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import sys
from pathlib import Path

import pytest

import helpers
from strat import cache

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import gen  # noqa: E402

TODAY = "2026-12-07"


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The cache in a temporary folder, and each run as if it started 10 s later than it
    does: the files written by the test are then old enough for their stat to be kept
    (the racy-stat rule), so the stat index is exercised. Every edit below replaces the
    file (a new inode), so no edit can keep the stat the index knows."""
    monkeypatch.setenv("STRAT_CACHE_DIR", str(tmp_path / "cache"))
    real = cache.time.time_ns
    monkeypatch.setattr(cache.time, "time_ns", lambda: real() + 10_000_000_000)


def _lint(root: Path, *extra: str) -> str:
    got = helpers.run_cli(["lint", str(root / "strategy"), "--format", "json", "--today", TODAY, *extra])
    assert "Traceback" not in got.stderr, got.stderr
    return f"{got.exit_code}\n{got.stdout}\n{got.stderr}"


def _replace(path: Path, data: bytes) -> None:
    temp = path.with_name(path.name + ".tmp-edit")
    temp.write_bytes(data)
    os.replace(temp, path)


def _edit(root: Path, rng: random.Random, history: dict[Path, bytes]) -> str:
    files = sorted((root / "strategy").rglob("*.yaml"))
    path = rng.choice(files)
    text = path.read_text(encoding="utf-8")
    ids = sorted({m.group(1) for f in files for m in re.finditer(r"(?m)^id: (\S+)$", f.read_text(encoding="utf-8"))})
    what = rng.choice(["rename-id", "reference", "delete", "copy", "period", "insert-line", "number",
                       "put-back", "touch", "weight", "comment"])
    history.setdefault(path, text.encode())
    if what == "rename-id" and re.search(r"(?m)^id: ", text):
        text = re.sub(r"(?m)^id: (\S+)$", lambda m: f"id: {m.group(1)}-renamed", text, count=1)
    elif what == "reference":
        field = rng.choice(["parent", "owner", "team", "metric", "plan"])
        target = rng.choice([*ids, "no-such-id", "activation"])
        text = re.sub(rf"(?m)^(\s*){field}: \S+$", lambda m: f"{m.group(1)}{field}: {target}", text, count=1)
    elif what == "delete" and path.name != "strategy.yaml":
        path.unlink()
        return f"{what} {path.name}"
    elif what == "copy":
        (path.parent / f"copy-{rng.randrange(1000)}-{path.name}").write_bytes(text.encode())
        return f"{what} {path.name}"
    elif what == "period":
        text = re.sub(r"(?m)^period: \S+$", f"period: {rng.choice(['2026-h1', '2026-h2', '2027-h1', '2031-q9'])}",
                      text, count=1)
    elif what == "insert-line":
        text = "# a line above everything\n" + text if not text.startswith("# yaml") else \
            text.replace("\n", "\n# a line\n", 1)
    elif what == "number":
        text = re.sub(r"(?m)^(\s*)(target|current|baseline): \S+$",
                      lambda m: f"{m.group(1)}{m.group(2)}: {rng.choice([0, 1, 42.5, 99, 1e3])}", text, count=1)
    elif what == "weight":
        text = re.sub(r"(?m)^(\s*)weight: \S+$", lambda m: f"{m.group(1)}weight: {rng.choice([0.1, 0.5, 0.9])}",
                      text, count=1)
    elif what == "put-back" and history:
        back = rng.choice(sorted(history))
        _replace(back, history[back])
        return f"{what} {back.name}"
    elif what == "touch":
        os.utime(path)
        return f"{what} {path.name}"
    else:
        text += f"\n# comment {rng.randrange(10**6)}\n"
    _replace(path, text.encode("utf-8"))
    return f"{what} {path.name}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_cached_equals_no_cache(seed: int, tmp_path: Path, later: None) -> None:
    root = tmp_path / "repo"
    gen.generate(root, 40, seed=seed, today=dt.date.fromisoformat(TODAY), git=True)
    rng = random.Random(seed)
    history: dict[Path, bytes] = {}
    assert _lint(root) == _lint(root, "--no-cache")  # cold
    for step in range(14):
        done = _edit(root, rng, history)
        cached = _lint(root)
        assert cached == _lint(root, "--no-cache"), (step, done)
        assert _lint(root) == cached, (step, done)  # unchanged: the stat index and the whole run
    assert list((tmp_path / "cache" / "index").glob("*.json"))  # the quick paths were there to take
    assert list((tmp_path / "cache" / "refs").glob("*.json"))


def test_an_edit_keeping_size_and_time_is_seen_when_racy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the shifted clock: a file rewritten in place within the same second, with
    the same size and its modification time put back, is still read again (its stat was
    too recent to be kept)."""
    monkeypatch.setenv("STRAT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    gen.generate(root, 10, seed=4, today=dt.date.fromisoformat(TODAY), git=True)
    goal = sorted((root / "strategy" / "goals").rglob("*.yaml"))[0]
    before = goal.stat()
    _lint(root)
    text = goal.read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^id: (\S)", lambda m: "id: " + ("Z" if m.group(1) != "Z" else "Y"), text, count=1)
    assert len(changed) == len(text) and changed != text
    with open(goal, "r+b") as handle:  # the same inode
        handle.write(changed.encode("utf-8"))
    os.utime(goal, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert _lint(root) == _lint(root, "--no-cache")


def test_the_stat_index_is_kept_only_for_old_enough_files(tmp_path: Path, later: None) -> None:
    root = tmp_path / "repo"
    gen.generate(root, 10, seed=5, today=dt.date.fromisoformat(TODAY), git=True)
    _lint(root)
    [index] = (tmp_path / "cache" / "index").glob("*.json")
    import json

    stat = json.loads(index.read_text(encoding="utf-8"))["stat"]
    assert len(stat) == len(list((root / "strategy").rglob("*.yaml")))
    assert all(len(entry) == 5 and len(entry[4]) == 64 for entry in stat.values())


def test_a_finding_pointing_into_a_file_that_moved_is_made_again(tmp_path: Path, later: None) -> None:
    """R203 names the place of the id it points to: when lines are inserted above that id
    (in another file; no id changes), the finding of the unchanged file is made again."""
    root = tmp_path / "repo"
    gen.generate(root, 10, seed=6, today=dt.date.fromisoformat(TODAY), git=True)
    goal = sorted((root / "strategy" / "goals").rglob("*.yaml"))[0]
    metric = sorted((root / "strategy" / "metrics").rglob("*.yaml"))[0]
    metric_id = re.search(r"(?m)^id: (\S+)$", metric.read_text(encoding="utf-8")).group(1)  # type: ignore[union-attr]
    _replace(goal, re.sub(r"(?m)^parent: \S+$", f"parent: {metric_id}", goal.read_text(encoding="utf-8")).encode())
    first = _lint(root)
    assert "R203" in first and first == _lint(root, "--no-cache")
    _replace(metric, b"# one\n# two\n" + metric.read_bytes())
    moved = _lint(root)
    assert moved != first
    assert moved == _lint(root, "--no-cache")


@pytest.mark.parametrize("side", ["index", "delta", "refs"])
@pytest.mark.parametrize("damage", [b"\x80\x04 not json", b"{}", b'{"format": "strat-cache-2", "stat": [1], '
                                    b'"runs": 7, "git": "x", "files": [], "found": 3, "gone": 4}'])
def test_damaged_side_files_are_ignored(side: str, damage: bytes, tmp_path: Path, later: None) -> None:
    root = tmp_path / "repo"
    gen.generate(root, 10, seed=7, today=dt.date.fromisoformat(TODAY), git=True)
    _lint(root)
    goal = sorted((root / "strategy" / "goals").rglob("*.yaml"))[0]
    _replace(goal, goal.read_bytes() + b"\n# one changed\n")
    _lint(root)  # writes a delta
    for path in (tmp_path / "cache" / side).glob("*.json"):
        path.write_bytes(damage)
    _replace(goal, goal.read_bytes() + b"# and again\n")
    expected = _lint(root, "--no-cache")
    assert _lint(root) == expected
    assert _lint(root) == expected
