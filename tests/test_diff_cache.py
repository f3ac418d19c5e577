"""`strat diff` through the lint cache (strat.diffcache): a side whose files were linted
before is found by its git blob ids; the output is the same cold, warm and hot; an
entry recorded for other bytes, or a cache inside the repository, is never used; the
numbers measured only where the change can move them are the numbers measured everywhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import helpers
from strat.config import Config
from strat.diffnumbers import affected, number_changes
from strat.lint import LintOptions, check
from strat.load import load_tree
from strat.rules.context import RuleContext

GOAL = "strategy/goals/faster-activation.yaml"
DIFF = ["diff", "HEAD~1", "HEAD", "--format", "json", "--today", helpers.TODAY]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("STRAT_CACHE_DIR", str(where))
    return where


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two commits: the base strategy; a target raised and a team that does not exist
    (a finding introduced)."""
    root = helpers.copy_base(tmp_path / "repo")
    helpers.commit_all(root, "2026-10-01T10:00:00+00:00", "base")
    _edit(root, GOAL, "  target: 0.5\n", "  target: 0.55\n")
    _edit(root, GOAL, "team: onboarding\n", "team: nobody\n")
    helpers.commit_all(root, "2026-11-01T10:00:00+00:00", "raise the target")
    return root


def _diff(root: Path, *extra: str) -> str:
    result = helpers.run_cli([*DIFF, *extra], cwd=root)
    assert result.exit_code == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def _lint(root: Path) -> None:
    helpers.run_cli(["lint", str(root / "strategy"), "--today", helpers.TODAY], cwd=root)


def _plant(files: list[Path], key: str = "diagnostics") -> int:
    """Prefix every stored message with PLANTED; the number of messages changed."""
    planted = 0
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [data] if "unresolved" in data else data["runs"].values()
        for entry in entries:
            for item in entry.get(key, []):
                item[2] = "PLANTED " + item[2]
                planted += 1
        path.write_text(json.dumps(data), encoding="utf-8")
    return planted


def test_same_output_cold_warm_and_hot(repo: Path, cache_dir: Path) -> None:
    reference = _diff(repo, "--no-cache")
    data = json.loads(reference)
    assert [d["code"] for d in data["lint"]["introduced"]] == ["R201"] and data["numbers"]
    assert _diff(repo) == reference  # cold: both sides linted, and kept
    assert len(list((cache_dir / "sides").glob("*.json"))) == 2  # one a side
    assert _diff(repo) == reference  # hot: both sides from the cache
    shutil.rmtree(cache_dir)
    _lint(repo)  # the working tree is HEAD: its run is recorded under HEAD's blob ids
    assert _diff(repo) == reference  # warm: HEAD from strat lint's run, HEAD~1 linted
    assert _diff(repo) == reference
    assert _diff(repo, "--no-lint") == _diff(repo, "--no-lint", "--no-cache")


def test_a_side_is_found_by_its_blob_ids_only(repo: Path, cache_dir: Path) -> None:
    """strat lint's run stands for a commit only when its files have that commit's very
    bytes: a run over other bytes at the same paths (an uncommitted edit) is never used."""
    reference = _diff(repo, "--no-cache")
    _edit(repo, GOAL, "team: nobody\n", "team: nobody-else\n")  # not committed
    _lint(repo)
    assert _plant(sorted((cache_dir / "index").glob("*.json"))) > 0
    assert _diff(repo) == reference  # HEAD's blob differs from the file strat lint read
    helpers.commit_all(repo, "2026-11-02T10:00:00+00:00", "another team")
    planted = _diff(repo)  # now HEAD's blobs are the bytes strat lint read: its run is used
    assert "PLANTED" in planted
    introduced = json.loads(planted)["lint"]["introduced"]
    assert introduced and all(d["message"].startswith("PLANTED") for d in introduced)


def test_kept_sides_are_used_for_the_same_commits_only(repo: Path, cache_dir: Path) -> None:
    reference = _diff(repo, "--no-cache")
    _diff(repo)
    assert _plant(sorted((cache_dir / "sides").glob("*.json"))) > 0
    assert "PLANTED" in _diff(repo)  # the kept sides were used: nothing linted again
    assert "PLANTED" not in _diff(repo, "--today", "2026-11-24")  # another day: another key
    _edit(repo, GOAL, "  target: 0.55\n", "  target: 0.6\n")
    helpers.commit_all(repo, "2026-11-02T10:00:00+00:00", "again")
    lint = json.loads(_diff(repo))["lint"]  # HEAD~1 is the side kept (planted); HEAD is new: linted here
    assert [d["message"][:7] for d in lint["fixed"]] == ["PLANTED"]
    assert [d["message"][:7] for d in lint["introduced"]] == ["`team` "]
    assert reference  # the pair HEAD~2..HEAD~1 still reads from what was kept:
    again = helpers.run_cli(["diff", "HEAD~2", "HEAD~1", "--format", "json", "--today", helpers.TODAY], cwd=repo)
    assert "PLANTED" in again.stdout


@pytest.mark.parametrize("where", ["inside", "link"])
def test_a_cache_in_the_repository_is_never_used(repo: Path, tmp_path: Path, where: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    reference = _diff(repo, "--no-cache")
    folder = repo / ".cache"
    if where == "link":
        folder = tmp_path / "link"
        folder.symlink_to(repo / "strategy", target_is_directory=True)
    monkeypatch.setenv("STRAT_CACHE_DIR", str(folder))
    _lint(repo)
    assert _diff(repo) == reference and _diff(repo) == reference
    assert not (repo / ".cache").exists() and not (repo / "strategy" / "sides").exists()


def test_a_lint_run_that_differs_from_diff_by_more_than_a311_is_not_recorded(repo: Path, cache_dir: Path) -> None:
    """An ignore comment for A311 is judged by strat lint (A311 on) and not by diff (A311
    off): that run must not stand for a commit."""
    _edit(repo, GOAL, "title: ", "# strat: ignore[A311] reviewed every quarter\ntitle: ")
    helpers.commit_all(repo, "2026-11-02T10:00:00+00:00", "an ignore comment")
    reference = _diff(repo, "--no-cache")
    _lint(repo)
    [pack] = sorted((cache_dir / "index").glob("*.json"))  # whole runs live in the index
    assert all("tree" not in run for run in json.loads(pack.read_text())["runs"].values())
    assert _diff(repo) == reference


def _model(root: Path):
    config = Config()
    return check(load_tree(root, root / "strategy"), config, LintOptions(use_git=False)).model


EDITS = {
    "target": [(GOAL, "  target: 0.5\n", "  target: 0.6\n")],
    "check-in": [(GOAL, "    value: 0.38\n", "    value: 0.41\n")],
    "metric": [("strategy/metrics/activation-rate.yaml", "unit: ratio", "unit: percent")],
    "readings": [("strategy/readings/ar.yaml", "value: 104", "value: 110")],
    "team removed": [("strategy/teams/onboarding.yaml", None, None)],
    "parent": [(GOAL, "parent: grow-retention\n", "parent: cut-support-cost\n")],
    "unresolved": [(GOAL, "team: onboarding\n", "team: nobody\n")],
    "weight": [("strategy/goals/fewer-setup-tickets.yaml", "period: ", "weight: 3\nperiod: ")],
    "period": [("strategy/strategy.yaml", "2026-12-31", "2027-01-31")],
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_numbers_measured_where_the_change_can_move_them_are_all_the_numbers(edit: str, tmp_path: Path) -> None:
    before_root = helpers.copy_base(tmp_path / "before", {"strategy/readings/ar.yaml": (
        "kind: Readings\nid: nrr-2026\nmetric: net-revenue-retention\nvalues:\n"
        "  - {date: 2026-09-01, value: 101}\n  - {date: 2026-10-01, value: 103}\n"
        "  - {date: 2026-11-01, value: 104}\n")}, git=False)
    after_root = tmp_path / "after"
    shutil.copytree(before_root, after_root)
    changed = set()
    for rel, old, new in EDITS[edit]:
        changed.add(rel)
        if old is None:
            (after_root / rel).unlink()
            continue
        text = (after_root / rel).read_text(encoding="utf-8")
        if old not in text:
            pytest.skip(f"{rel} has no {old!r}")
        (after_root / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    today = __import__("datetime").date.fromisoformat(helpers.TODAY)
    before, after = _model(before_root), _model(after_root)
    docs = [d for m in (before, after) for d in m.documents if d.path in changed]

    def contexts():
        return RuleContext(before, Config(), today), RuleContext(after, Config(), today)

    everything = number_changes(*contexts())
    old, new = contexts()
    only = affected(old, new, docs)
    restricted = number_changes(old, new, only)
    assert [c.sentences() for c in restricted] == [c.sentences() for c in everything]
    assert everything or edit in ("metric", "weight", "period")  # these may move no number here
    if edit != "period":
        assert only is not None and len(only) < len(before.documents)


def test_only_the_newest_sides_are_kept(repo: Path, cache_dir: Path) -> None:
    import datetime as dt

    from strat import cache, diffcache

    cache.enable(True)
    try:
        for day in range(1, 12):
            diffcache.remember_side(repo, "strategy", {"strategy/x.yaml": "0" * 40}, (), Config(),
                                    dt.date(2026, 11, day), [], set())
    finally:
        cache.enable(False)
    assert len(list((cache_dir / "sides").glob("*.json"))) == diffcache.MAX_SIDES


def test_cache_info_counts_the_sides_and_clear_removes_them(repo: Path, cache_dir: Path) -> None:
    _diff(repo)  # both sides linted and kept
    sides = sorted((cache_dir / "sides").glob("*.json"))
    assert sides
    info = json.loads(helpers.run_cli(["cache", "info", "--format", "json"]).stdout)
    everything = sum(p.stat().st_size for p in cache_dir.rglob("*.json"))
    assert info["bytes"] == everything >= sum(p.stat().st_size for p in sides) > 0
    assert helpers.run_cli(["cache", "clear"]).exit_code == 0
    assert not list((cache_dir / "sides").glob("*.json")) and not list(cache_dir.rglob("*.json"))
