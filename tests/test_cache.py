"""The lint cache (strat.cache): the same output with and without it, cold and warm;
damaged, foreign, oversize and planted packs; a cache folder inside the repository; two
runs sharing it; `--no-cache`, `strat cache info` and `strat cache clear`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import helpers
from strat import cache

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from test_cases import build_case  # noqa: E402

CASE = helpers.CASES / "lint" / "every-rule-fires-once"
SCHEMA_CASE = helpers.CASES / "lint" / "s104-wrong-type"  # files with schema findings


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("STRAT_CACHE_DIR", str(where))
    return where


def _packs(where: Path) -> list[Path]:
    return sorted((where / "packs").glob("*.json")) if (where / "packs").is_dir() else []


def _outputs(root: Path, *extra: str) -> dict[str, str]:
    """Every command that reads through the cache, with stable output (fixed --today)."""
    folder = str(root / "strategy")
    runs = {
        "lint-json": ["lint", folder, "--format", "json", "--today", helpers.TODAY, *extra],
        "lint-text": ["lint", folder, "--no-color", "--today", helpers.TODAY, *extra],
        "lint-sarif": ["lint", folder, "--format", "sarif", "--today", helpers.TODAY, *extra],
    }
    out = {name: helpers.run_cli(args, cwd=root) for name, args in runs.items()}
    out["tree"] = helpers.run_cli(["tree", "--format", "json", "--today", helpers.TODAY, *extra], cwd=root)
    out["roi"] = helpers.run_cli(["roi", "--format", "json", *extra], cwd=root)
    out["diff"] = helpers.run_cli(["diff", "HEAD", "--format", "json", "--today", helpers.TODAY, *extra], cwd=root)
    for name, result in out.items():
        assert "Traceback" not in result.stderr, (name, result.stderr)
    return {name: f"{r.exit_code}\n{r.stdout}\n{r.stderr}" for name, r in out.items()}


@pytest.mark.parametrize("source", ["example", "case"])
def test_same_output_without_cold_and_warm(source: str, tmp_path: Path, cache_dir: Path) -> None:
    root = REPO if source == "example" else build_case(CASE, tmp_path / "repo")
    without = _outputs(root, "--no-cache")
    assert _packs(cache_dir) == []  # --no-cache writes nothing
    cold = _outputs(root)
    packs = _packs(cache_dir)
    assert len(packs) == 1
    written = packs[0].stat().st_mtime_ns
    warm = _outputs(root)
    assert packs[0].stat().st_mtime_ns == written  # nothing changed: the pack is not rewritten
    assert cold == without
    assert warm == without
    assert any('"code"' in text for text in without.values())


def _lint(root: Path, *extra: str) -> helpers.CliResult:
    return helpers.run_cli(["lint", str(root / "strategy"), "--format", "json", "--today", helpers.TODAY, *extra])


def _pack(where: Path) -> dict[str, Any]:
    [path] = _packs(where)
    return json.loads(path.read_text(encoding="utf-8"))


def _write_pack(where: Path, pack: dict[str, Any] | bytes) -> None:
    [path] = _packs(where)
    path.write_bytes(pack if isinstance(pack, bytes) else json.dumps(pack).encode())


def _index_path(where: Path) -> Path:
    [path] = _packs(where)
    return where / "index" / path.name


def _index(where: Path) -> dict[str, Any]:
    return json.loads(_index_path(where).read_text(encoding="utf-8"))


def _write_index(where: Path, index: dict[str, Any] | bytes) -> None:
    _index_path(where).write_bytes(index if isinstance(index, bytes) else json.dumps(index).encode())


def test_an_entry_is_used_for_the_same_bytes_only(tmp_path: Path, cache_dir: Path) -> None:
    """A planted message for a file's very bytes shows (the cache folder is the user's own
    and trusted like it); the same entry after the file changed is not used."""
    root = build_case(SCHEMA_CASE, tmp_path / "repo")
    reference = _lint(root, "--no-cache").stdout
    _lint(root)
    pack = _pack(cache_dir)
    rel, entry = next((rel, e) for rel, e in pack["files"].items() if e["diagnostics"] or any(
        d[4] for d in e["documents"]))
    for item in entry["diagnostics"] + [f for d in entry["documents"] for f in d[4]]:
        item[2] = "PLANTED " + item[2]
    _write_pack(cache_dir, pack)
    _index_path(cache_dir).unlink()  # no whole-run result, no known stat: the files' entries make this run
    assert "PLANTED" in _lint(root).stdout  # the entry was used: nothing parsed or validated
    target = root / rel
    target.write_bytes(target.read_bytes() + b"\n# changed\n")
    changed = _lint(root)
    assert "PLANTED" not in changed.stdout
    assert changed.stdout == _lint(root, "--no-cache").stdout == reference


@pytest.mark.parametrize("damage", ["not-json", "truncated", "empty", "other-version", "other-schemas",
                                    "wrong-shapes", "other-path", "deep", "oversize"])
def test_a_damaged_or_foreign_pack_is_ignored(damage: str, tmp_path: Path, cache_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_case(SCHEMA_CASE, tmp_path / "repo")
    reference = _lint(root, "--no-cache")
    _lint(root)
    _index_path(cache_dir).unlink()  # no whole-run result: the run reads the files' entries
    raw = _packs(cache_dir)[0].read_bytes()
    pack = json.loads(raw)
    if damage == "not-json":
        _write_pack(cache_dir, b"\x80\x04\x95 not json, a pickle would start like this")
    elif damage == "truncated":
        _write_pack(cache_dir, raw[: len(raw) // 2])
    elif damage == "empty":
        _write_pack(cache_dir, b"")
    elif damage == "other-version":
        _write_pack(cache_dir, {**pack, "strat": "0.0.0-other"})
    elif damage == "other-schemas":
        _write_pack(cache_dir, {**pack, "schemas": "0" * 64})
    elif damage == "wrong-shapes":
        for i, entry in enumerate(pack["files"].values()):
            if i % 4 == 0:
                entry["documents"] = [[0, ["not", "a", "mapping"], [1, 1], True, []]]
            elif i % 4 == 1:
                entry["diagnostics"] = [["S104", "error", "x", entry and "elsewhere.yaml", 1, 1, "", []]]
            elif i % 4 == 2:
                entry["documents"] = "nothing"
            else:
                entry["empty_tail"] = "x"
        _write_pack(cache_dir, pack)
    elif damage == "other-path":  # entries moved to other paths: each names its own file in its findings
        names = list(pack["files"])
        pack["files"] = dict(zip(names, list(pack["files"].values())[1:] + list(pack["files"].values())[:1]))
        _write_pack(cache_dir, pack)
    elif damage == "deep":
        _write_pack(cache_dir, b"[" * 100_000 + b"]" * 100_000)
    else:
        monkeypatch.setattr(cache, "MAX_PACK_BYTES", len(raw) - 1)
    result = _lint(root)
    assert "Traceback" not in result.stderr, result.stderr
    assert (result.exit_code, result.stdout) == (reference.exit_code, reference.stdout)
    if damage != "oversize":
        assert _lint(root).stdout == reference.stdout  # the pack written again is good


def test_a_cache_folder_inside_the_repository_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Directly or through a symlink: a pull request could plant a pack there."""
    root = build_case(CASE, tmp_path / "repo")
    reference = _lint(root, "--no-cache").stdout
    monkeypatch.setenv("STRAT_CACHE_DIR", str(root / ".cache"))
    assert _lint(root).stdout == reference
    assert not (root / ".cache").exists()
    link = tmp_path / "link"
    link.symlink_to(root / "strategy", target_is_directory=True)
    monkeypatch.setenv("STRAT_CACHE_DIR", str(link))
    assert _lint(root).stdout == reference
    assert not (root / "strategy" / "packs").exists()


def test_a_symlinked_cache_folder_outside_is_used_where_it_points(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_case(SCHEMA_CASE, tmp_path / "repo")
    real = tmp_path / "elsewhere"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    monkeypatch.setenv("STRAT_CACHE_DIR", str(tmp_path / "link"))
    first = _lint(root).stdout
    assert len(_packs(real)) == 1
    assert _lint(root).stdout == first == _lint(root, "--no-cache").stdout


def test_strat_no_cache_variable(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_case(CASE, tmp_path / "repo")
    monkeypatch.setenv("STRAT_NO_CACHE", "1")
    _lint(root)
    assert _packs(cache_dir) == []


def test_cache_info_and_clear(tmp_path: Path, cache_dir: Path) -> None:
    root = build_case(CASE, tmp_path / "repo")
    _lint(root)
    info = helpers.run_cli(["cache", "info", "--format", "json"])
    assert info.exit_code == 0
    facts = info.json
    assert facts["folder"] == str(cache_dir) and facts["packs"] == 1 and facts["bytes"] > 0
    cleared = helpers.run_cli(["cache", "clear"])
    assert cleared.exit_code == 0 and "removed 1 pack" in cleared.stdout
    assert _packs(cache_dir) == []
    assert helpers.run_cli(["cache", "info", "--format", "json"]).json["packs"] == 0


_RUN = [sys.executable, "-m", "strat", "lint", "--format", "json", "--today", helpers.TODAY]


def test_two_runs_sharing_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    """Two processes at once, again and again, with a file changing in between: each sees
    whole packs (temp file and rename), and each output is the one without a cache."""
    root = build_case(CASE, tmp_path / "repo")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "cli"), os.environ.get("PYTHONPATH", "")]),
           "STRAT_CACHE_DIR": str(cache_dir)}
    goal = next((root / "strategy").rglob("*.yaml"))
    original = goal.read_bytes()
    for round_ in range(4):
        if round_ % 2:
            goal.write_bytes(original + f"\n# round {round_}\n".encode())
        else:
            goal.write_bytes(original)
        expected = subprocess.run([*_RUN, str(root / "strategy"), "--no-cache"], capture_output=True, env=env,
                                  timeout=120).stdout
        procs = [subprocess.Popen([*_RUN, str(root / "strategy")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=env) for _ in range(2)]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert b"Traceback" not in err, err
            assert out == expected
    json.loads(_packs(cache_dir)[0].read_bytes())  # a whole pack
    assert not [p for p in (cache_dir / "packs").iterdir() if p.name.startswith(".tmp-")]


def test_a_whole_run_is_reused_only_for_the_same_inputs(tmp_path: Path, cache_dir: Path) -> None:
    """An unchanged `strat lint` takes its whole result (references, rules, ignores) from
    the cache; any input of those checks that changes makes it check again: a file, the
    day (--today), the options, strat.yaml, git's history (A311)."""
    root = build_case(CASE, tmp_path / "repo")  # committed on 2026-08-01: one goal is stale (A311)
    _lint(root)
    index = _index(cache_dir)
    [key] = index["runs"]
    index["runs"][key]["diagnostics"].append(["A999", "error", "PLANTED", "strategy/x.yaml", 1, 1, "", []])
    _write_index(cache_dir, index)
    assert "PLANTED" in _lint(root).stdout  # the run was reused

    def fresh(*extra: str, today: str = helpers.TODAY) -> None:
        args = ["lint", str(root / "strategy"), "--format", "json", "--today", today, *extra]
        got = helpers.run_cli(args)
        assert "PLANTED" not in got.stdout
        assert got.stdout == helpers.run_cli([*args, "--no-cache"]).stdout

    fresh(today="2026-11-24")
    fresh("--ignore", "A312")
    (root / "strat.yaml").write_text("stale_after_days: 60\n", encoding="utf-8")
    fresh()
    (root / "strat.yaml").write_text("", encoding="utf-8")
    assert "PLANTED" in _lint(root).stdout  # the same inputs again
    goal = next((root / "strategy" / "goals").rglob("*.yaml"))
    goal.write_bytes(goal.read_bytes() + b"\n")
    helpers.commit_all(root, "2026-11-22T12:00:00+00:00", "touch a goal")  # recently changed now (A311)
    goal.write_bytes(goal.read_bytes()[:-1])
    fresh()
