"""`strat close PERIOD`: the goal fields it writes (`result`, `carried_from`), the
close-out itself (scores, carried drafts, all files or none, idempotent) and how
`strat diff` says it."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import helpers
from strat.load import load_tree
from strat.model import build_model
from strat.refs import check_references
from strat.validate import validate_documents

BASE_GOAL = (helpers.BASE / "strategy/goals/fewer-setup-tickets.yaml").read_text()
BASE_DEFLECTION = (helpers.BASE / "strategy/goals/support-deflection.yaml").read_text()


def _analyse(root: Path) -> list:
    loaded = load_tree(root, root / "strategy")
    assert loaded.diagnostics == []
    documents, schema = validate_documents(loaded.documents)
    model, index = build_model(documents)
    return schema + index + check_references(model)


# --- the schema: result and carried_from ------------------------------------------------

RESULT_CASES = [  # (result block, error expected)
    ("result:\n  date: 2026-12-31\n  final: 1080\n  score: 0.4\n  note: \"\"\n", False),
    ("result: {date: 2026-12-31, final: 1080, score: 1}\n", False),
    ("result: {date: 2026-12-31, final: -3.5, score: 0, note: Missed.}\n", False),
    ("result: {date: 2026-12-31, final: 1080, score: 0.45}\n", True),  # not a multiple of 0.1
    ("result: {date: 2026-12-31, final: 1080, score: 1.1}\n", True),
    ("result: {date: 2026-12-31, final: 1080, score: -0.1}\n", True),
    ("result: {date: 2026-12-31, final: 1080, score: true}\n", True),
    ("result: {date: 2026-12-31, score: 0.4}\n", True),  # final is required
    ("result: {final: 1080, score: 0.4}\n", True),  # date is required
    ("result: {date: 2026-12-31, final: 1080}\n", True),  # score is required
    ("result: {date: 2026-12-31, final: high, score: 0.4}\n", True),
    ("result: {date: 2026-12-31, final: 1080, score: 0.4, grade: A}\n", True),
    ("result: {date: 2026-12-31, final: 1080, score: 0.4, x-review: board}\n", False),
]


@pytest.mark.parametrize("block, error", RESULT_CASES)
def test_result_schema(tmp_path: Path, block: str, error: bool) -> None:
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/fewer-setup-tickets.yaml":
                                              BASE_GOAL + "status: done\n" + block}, git=False)
    found = _analyse(root)
    assert bool(found) == error and {d.code for d in found} <= {"S102", "S103", "S104"}, [d.message for d in found]


def test_carried_from_is_a_reference_with_did_you_mean(tmp_path: Path) -> None:
    carried = BASE_DEFLECTION + "carried_from: fewer-setup-ticket\n"
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/support-deflection.yaml": carried}, git=False)
    [d] = _analyse(root)
    assert (d.code, d.location.path, d.location.json_path) == (
        "R201", "strategy/goals/support-deflection.yaml", "carried_from")
    assert d.message == ("`carried_from` names `fewer-setup-ticket`, but there is no Goal with that id; "
                         "did you mean `fewer-setup-tickets`?")


def test_carried_from_must_name_a_goal(tmp_path: Path) -> None:
    carried = BASE_DEFLECTION + "carried_from: cut-support-cost\n"
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/support-deflection.yaml": carried}, git=False)
    [d] = _analyse(root)
    assert d.code == "R203" and "`carried_from` must name a Goal" in d.message


def test_carried_from_a_goal_is_clean(tmp_path: Path) -> None:
    carried = BASE_DEFLECTION + "carried_from: fewer-setup-tickets\n"
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/support-deflection.yaml": carried}, git=False)
    assert _analyse(root) == []


# --- strat close ----------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
AFTER = "2027-01-10"  # the example's 2026-h2 ended on 2026-12-31
LATE = "2027-01-20"  # past A315's 14 days of grace


def _example(root: Path) -> Path:
    shutil.copytree(REPO / "strategy", root / "strategy")
    shutil.copy(REPO / "strat.yaml", root / "strat.yaml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    helpers.commit_all(root, "2027-01-05T10:00:00+00:00", "before the close")
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "strategy").rglob("*")) if p.is_file()}


def _half_up(x: float) -> float:
    """The hand rule: clamp to 0..1, then round half up to one decimal."""
    x = min(1.0, max(0.0, x))
    return math.floor(x * 10 + 0.5 + 1e-9) / 10


def _close(root: Path, *args: str) -> helpers.CliResult:
    return helpers.run_cli(["close", *args], cwd=root)


def _lint(root: Path, today: str) -> set[tuple[str, str, str]]:
    result = helpers.run_cli(["lint", str(root / "strategy"), "--format", "json", "--today", today])
    return {(d["code"], d["path"], d["message"]) for d in result.diagnostics}


def test_close_the_example_with_carry(tmp_path: Path) -> None:
    root = _example(tmp_path / "ex")
    before = _snapshot(root)
    goals = {p: yaml.safe_load(text) for p, text in before.items() if "/goals/" in p}
    to_close = {p: g for p, g in goals.items() if g["period"] == "2026-h2" and g.get("status", "active") == "active"}
    assert len(to_close) == 11
    lint_before = _lint(root, LATE)
    assert sum(1 for code, *_ in lint_before if code == "A315") == 11

    result = _close(root, "2026-h2", "--carry", "--today", AFTER)
    assert result.exit_code == 0, result.stderr
    after = _snapshot(root)

    # Scores by hand: the latest check-in is the final value (every closed goal has them).
    carried = {}
    for path, old in to_close.items():
        new = yaml.safe_load(after[path])
        final = old["checkins"][-1]["value"]
        baseline, target = old["outcome"]["baseline"], old["outcome"]["target"]
        score = _half_up((final - baseline) / (target - baseline))
        assert new["status"] == "done"
        assert new["result"] == {"date": dt.date(2026, 12, 31), "final": final, "score": score, "note": ""}, path
        if score < 1:
            carried[old["id"]] = (final, old)
    # One hand-worked case: 18% → 26.5% → 32% is 8.5 / 14 = 0.607 of the way: 0.6.
    auto = yaml.safe_load(after["strategy/goals/auto-schedule-by-default.yaml"])
    assert auto["result"]["score"] == 0.6 and auto["result"]["final"] == 26.5
    # Byte preservation: only the status value changed and the result was appended.
    for path in to_close:
        old_text, new_text = before[path].decode(), after[path].decode()
        head, block = new_text.split("result:\n", 1)
        assert head.replace("status: done", "status: active", 1) == old_text, path
        assert block.count("\n") == 4 and block.endswith('  note: ""\n'), path

    # Carried drafts: every goal that fell short, except the one whose objective is due
    # before 2027-h1 ends (cut-logo-churn, 2026-12-31), which is named instead.
    assert "first-schedule-in-four-days` not carried" in result.stderr
    new_files = sorted(set(after) - set(before))
    expected = sorted(f"strategy/goals/{ident}-2027-h1.yaml" for ident in carried
                      if ident != "first-schedule-in-four-days")
    assert new_files == expected and len(new_files) == 10
    for path in new_files:
        draft = yaml.safe_load(after[path])
        final, old = carried[draft["carried_from"]]
        assert draft["id"] == Path(path).stem and draft["period"] == "2027-h1" and draft["status"] == "draft"
        holder = next(k for k in ("team", "department", "person") if k in old)
        for key in ("title", "owner", "parent", holder, "customer_progress"):
            assert draft[key] == old[key], (path, key)
        assert draft["outcome"] == {"metric": old["outcome"]["metric"], "baseline": final,
                                    "target": old["outcome"]["target"]}

    # Lints clean: nothing new, and A315 is silent for the closed goals.
    lint_after = _lint(root, LATE)
    assert lint_after <= lint_before, lint_after - lint_before
    assert not [f for f in lint_after if f[0] == "A315"]
    assert helpers.example_surprises(helpers.lint_json(root).diagnostics, root) == []

    # A second run changes nothing.
    again = _close(root, "2026-h2", "--carry", "--today", AFTER)
    assert again.exit_code == 0 and "nothing to close" in again.stderr
    assert _snapshot(root) == after

    # strat diff says each score and each carried goal in words.
    helpers.commit_all(root, "2027-01-10T10:00:00+00:00", "close 2026-h2")
    diff = helpers.run_cli(["diff", "HEAD~1", "HEAD", "--today", AFTER], cwd=root)
    assert diff.exit_code == 0, diff.stderr
    assert ("goal `auto-schedule-by-default` closed: scored 0.6 (final 26.5%, 61% of the way from 18% to 32%)"
            in diff.stdout)
    assert ("new goal `auto-schedule-by-default-2027-h1` under objective `expand-and-retain`, "
            "carried from `auto-schedule-by-default` (scored 0.6)") in diff.stdout
    assert "status active → done" not in diff.stdout and "result set to" not in diff.stdout


def test_close_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = _example(tmp_path / "ex")
    before = _snapshot(root)
    result = _close(root, "2026-h2", "--carry", "--today", AFTER, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert _snapshot(root) == before
    assert "+status: done" in result.stdout and "+  score: 0.6" in result.stdout
    assert "+++ b/strategy/goals/auto-schedule-by-default-2027-h1.yaml" in result.stdout


def test_close_the_base_case(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "r")
    before = _snapshot(root)
    result = _close(root, "2026-h2", "--carry", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    after = _snapshot(root)
    # faster-activation: 0.32 → 0.38 → 0.5 is 0.06 / 0.18 = 0.33: 0.3, on today (2026-11-23).
    fast = yaml.safe_load(after["strategy/goals/faster-activation.yaml"])
    assert fast["result"] == {"date": dt.date(2026, 11, 23), "final": 0.38, "score": _half_up(0.06 / 0.18),
                              "note": ""}
    assert fast["result"]["score"] == 0.3
    # fewer-setup-tickets has no `status:` line: one is added; 1200 → 1080 → 900 is 0.4.
    path = "strategy/goals/fewer-setup-tickets.yaml"
    fewer = yaml.safe_load(after[path])
    assert fewer["status"] == "done" and fewer["result"]["score"] == 0.4 and fewer["result"]["final"] == 1080
    assert after[path] == before[path] + b'status: done\nresult:\n  date: 2026-11-23\n  final: 1080\n  score: 0.4\n  note: ""\n'
    draft = yaml.safe_load(after["strategy/goals/fewer-setup-tickets-2027-h1.yaml"])
    assert (draft["carried_from"], draft["outcome"]["baseline"], draft["team"]) == ("fewer-setup-tickets", 1080, "self-service")
    assert helpers.lint_json(root).diagnostics == []


def test_close_refuses_without_a_next_period(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "r")
    before = _snapshot(root)
    result = _close(root, "2027-h1", "--carry", "--today", "2027-07-20")
    assert result.exit_code == 1
    assert "`2027-h1` is the Strategy's last period: there is no next period" in result.stderr
    assert "nothing was written" in result.stderr
    assert _snapshot(root) == before


DRAFT = """kind: Goal
id: help-centre-videos
title: Short setup videos in the help centre
owner: bjones
team: self-service
parent: cut-support-cost
period: 2026-h2
status: draft
customer_progress: I watched a one-minute video and finished setup alone.
outcome:
  metric: setup-tickets
  baseline: 1200
  target: 1000
"""


@pytest.mark.parametrize("choice, status, carried", [(None, None, False), ("drop", "dropped", False),
                                                      ("carry", "dropped", True)])
def test_drafts_are_asked_about(tmp_path: Path, choice: str | None, status: str | None, carried: bool) -> None:
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/help-centre-videos.yaml": DRAFT})
    before = _snapshot(root)
    result = _close(root, "2026-h2", "--today", "2026-11-23", *(["--drafts", choice] if choice else []))
    if choice is None:
        assert result.exit_code == 1
        assert "1 draft goal in `2026-h2`: `help-centre-videos` (strategy/goals/help-centre-videos.yaml)" in result.stderr
        assert "--drafts drop" in result.stderr and _snapshot(root) == before
        return
    assert result.exit_code == 0, result.stderr
    after = _snapshot(root)
    data = yaml.safe_load(after["strategy/goals/help-centre-videos.yaml"])
    assert data["status"] == status and "result" not in data
    new = "strategy/goals/help-centre-videos-2027-h1.yaml"
    assert (new in after) == carried
    if carried:
        assert yaml.safe_load(after[new])["carried_from"] == "help-centre-videos"
    assert helpers.lint_json(root).diagnostics == []


def test_a_goal_without_a_value_is_refused(tmp_path: Path) -> None:
    goal = BASE_GOAL.split("checkins:")[0]
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/fewer-setup-tickets.yaml": goal})
    before = _snapshot(root)
    result = _close(root, "2026-h2", "--today", "2026-11-23")
    assert result.exit_code == 1
    assert "goal `fewer-setup-tickets` has no value, so it cannot be scored" in result.stderr
    assert _snapshot(root) == before


def test_unknown_period_is_a_usage_error(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "r")
    result = _close(root, "2026-h3")
    assert result.exit_code == 2 and "no period `2026-h3`" in result.stderr and "did you mean" in result.stderr


HOSTILE_TITLES = ["a: b # not a comment", "quotes \" and ' both", "- starts like a list item", "“curly” ünïcode — dash",
                  "{flow: [mapping]}", "yes", "!!python/object:os.system", "tab\there"]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_carried_goal_keeps_any_title_as_text(tmp_path: Path, title: str) -> None:
    quoted = json.dumps(title)
    goal = BASE_GOAL.replace("title: Setup questions answered before they are asked", f"title: {quoted}")
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/fewer-setup-tickets.yaml": goal})
    result = _close(root, "2026-h2", "--carry", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    draft = yaml.safe_load((root / "strategy/goals/fewer-setup-tickets-2027-h1.yaml").read_text())
    assert draft["title"] == title
    assert helpers.lint_json(root).diagnostics == []


@pytest.mark.parametrize("bom, newline", [(b"", b"\r\n"), (b"\xef\xbb\xbf", b"\n"), (b"\xef\xbb\xbf", b"\r\n")])
def test_close_keeps_line_endings_and_bom(tmp_path: Path, bom: bytes, newline: bytes) -> None:
    raw = bom + BASE_GOAL.encode().replace(b"\n", newline)
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/fewer-setup-tickets.yaml": raw})
    result = _close(root, "2026-h2", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    after = (root / "strategy/goals/fewer-setup-tickets.yaml").read_bytes()
    block = b'status: done\nresult:\n  date: 2026-11-23\n  final: 1080\n  score: 0.4\n  note: ""\n'
    assert after == raw + block.replace(b"\n", newline)
    assert helpers.lint_json(root).diagnostics == []
