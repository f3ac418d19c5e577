"""`strat tree`: the one-pager in the terminal, from real strategy repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import TODAY, copy_base, run_cli
from strat.tree import ASCII, progress_bar

GOLDEN = """\
★ North Star: Invoices paid per week (paid-invoices-weekly)  · lagging, count, better up · no readings yet
├── ◆ Objective: Cut the cost of support by a fifth (cut-support-cost)
│   │     [          ]   –%  Support cost per year EUR 900k → ? → EUR 720k by 2027-06-30 · no data · owner bjones
│   │     2 goals, 20% of the way: 1 off track, 1 not started
│   └── ◇ Metric: Setup tickets per month (setup-tickets)  · leading, count, better down
│       ├── ● Goal: Fewer setup tickets reach an agent in the first half of 2027 (support-deflection)
│       │         [░░░░░░░░░░]   0%  900 → 900 → 700 · confidence 0.5 · not started · department support · owner bjones
│       └── ● Goal: Setup questions answered before they are asked (fewer-setup-tickets)
│           │     [████░░░░░░]  40%  1,200 → 1,080 → 900 · confidence 0.6 · off track · team self-service · owner bjones
│           └── ▸ Initiative: Search in the help centre (help-centre-search)  · shipped, owner bjones
└── ◆ Objective: Grow net revenue retention to 112% (grow-retention)
    │     [          ]   –%  Net revenue retention 104% → ? → 112% by 2027-06-30 · no data · owner asmith
    │     1 goal, 33% of the way: 1 off track
    └── ◇ Metric: Week-one activation rate (activation-rate)  · leading, ratio, better up
        └── ● Goal: Half of new accounts send an invoice in week one (faster-activation)
            │     [███░░░░░░░]  33%  0.32 → 0.38 → 0.5 · confidence 0.7 · off track · team onboarding · owner cwu
            └── ▸ Initiative: Guided setup wizard (setup-wizard)  · running, owner cwu
"""


def tree(root: Path, *args: str):
    return run_cli(["tree", "--today", TODAY, *args], cwd=root)


def test_the_whole_tree(tmp_path: Path) -> None:
    result = tree(copy_base(tmp_path / "repo"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == GOLDEN
    assert result.stderr == ""


def test_one_objective(tmp_path: Path) -> None:
    result = tree(copy_base(tmp_path / "repo"), "grow-retention")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "◆ Objective: Grow net revenue retention to 112% (grow-retention)"
    assert "faster-activation" in result.stdout and "setup-tickets" not in result.stdout


def test_one_goal_as_json(tmp_path: Path) -> None:
    result = tree(copy_base(tmp_path / "repo"), "faster-activation", "--format", "json")
    assert result.exit_code == 0
    assert result.json == {
        "kind": "goal", "id": "faster-activation", "title": "Half of new accounts send an invoice in week one",
        "owner": "cwu", "holder": {"kind": "team", "id": "onboarding"}, "metric": "activation-rate",
        "unit": "ratio", "baseline": 0.32, "current": 0.38, "date": "2026-11-15", "source": "check-in",
        "target": 0.5, "progress": (0.38 - 0.32) / (0.5 - 0.32), "percent": 33, "confidence": 0.7, "forecast": None,
        "status": "off-track", "basis": "pace", "period": "2026-h2", "weight": 1.0, "key_results": [],
        "kr_rollup": None,
        "children": [{"kind": "initiative", "id": "setup-wizard", "title": "Guided setup wizard",
                      "status": "running", "owner": "cwu", "children": []}],
    }


def test_json_shape_of_the_whole_tree(tmp_path: Path) -> None:
    data = tree(copy_base(tmp_path / "repo"), "-f", "json").json
    assert (data["kind"], data["id"]) == ("north-star", "paid-invoices-weekly")
    assert [o["id"] for o in data["children"]] == ["cut-support-cost", "grow-retention"]
    objective = data["children"][1]
    assert objective["connected_to_north_star"] is True
    assert objective["goals"] == {"off-track": 1}
    [metric] = objective["children"]
    assert (metric["kind"], metric["id"], metric["explains_objective"]) == ("metric", "activation-rate", True)


def test_the_latest_checkin_is_the_current_value(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    assert run_cli(["checkin", "faster-activation", "--value", "0.59", "--date", "2026-11-20",
                    "--confidence", "0.9"], cwd=root).exit_code == 0
    result = tree(root, "faster-activation")
    assert "[██████████] 150%  0.32 → 0.59 → 0.5 · confidence 0.9 · on track" in result.stdout


def test_a_cascaded_goal_sits_under_its_parent_goal(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo", {"strategy/goals/child.yaml": (
        "kind: Goal\nid: wizard-completion\ntitle: More wizard completions\nowner: cwu\nperson: cwu\n"
        "parent: faster-activation\nperiod: 2026-h2\n"
        "outcome: {metric: activation-rate, baseline: 0.3, target: 0.4}\n")})
    data = tree(root, "faster-activation", "-f", "json").json
    assert [(c["kind"], c["id"]) for c in data["children"]] == [
        ("initiative", "setup-wizard"), ("goal", "wizard-completion")]
    assert data["children"][1]["status"] == "no-data"
    text = tree(root, "faster-activation").stdout
    assert "├── ▸ Initiative: Guided setup wizard" in text
    assert "└── ● Goal: More wizard completions (wizard-completion)" in text
    assert "[          ]   –%  0.3 → ? → 0.4 · no data · person cwu · owner cwu" in text


def test_goals_of_a_broken_objective_are_listed_as_unaligned(tmp_path: Path) -> None:
    broken = (Path(__file__).parent / "cases/base/strategy/objectives/grow-retention.yaml").read_text()
    root = copy_base(tmp_path / "repo", {"strategy/objectives/grow-retention.yaml": broken + "colour: red\n"})
    result = tree(root)
    assert result.exit_code == 0
    assert "grow-retention" not in result.stdout
    assert "└── ! Goals not aligned to any objective" in result.stdout
    assert "    └── ● Goal: Half of new accounts send an invoice in week one (faster-activation)" in result.stdout
    assert "1 lint error(s)" in result.stderr and "strat lint" in result.stderr


def test_objective_not_connected_to_the_north_star_is_marked(tmp_path: Path) -> None:
    metric = (Path(__file__).parent / "cases/base/strategy/metrics/support-cost.yaml").read_text()
    metric = metric[:metric.index("drives:")]
    root = copy_base(tmp_path / "repo", {"strategy/metrics/support-cost.yaml": metric})
    result = tree(root, "cut-support-cost")
    assert "not connected to the North Star (A307)" in result.stdout.splitlines()[2]  # the second detail line


def test_metric_with_no_drives_path_to_the_objective_is_marked(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo", {"strategy/goals/odd.yaml": (
        "kind: Goal\nid: odd-goal\ntitle: Odd\nowner: cwu\nperson: cwu\nparent: cut-support-cost\n"
        "period: 2026-h2\noutcome: {metric: net-revenue-retention, baseline: 100, target: 105}\n")})
    result = tree(root, "cut-support-cost")
    assert ("◇ Metric: Net revenue retention (net-revenue-retention)  · lagging, %, better up, "
            "no `drives` path to the objective's metric (A305)") in result.stdout


@pytest.mark.parametrize("ident, message", [
    ("faster-activaton", "no objective or goal with id `faster-activaton`; did you mean `faster-activation`?"),
    ("onboarding", "`onboarding` is a Team; strat tree starts at an objective or a goal"),
])
def test_an_id_that_is_not_an_objective_or_goal_exits_2(tmp_path: Path, ident: str, message: str) -> None:
    result = tree(copy_base(tmp_path / "repo"), ident)
    assert result.exit_code == 2
    assert message in result.stderr


def test_colour_only_when_asked(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    assert "\x1b[" not in tree(root).stdout  # the test runner is not a terminal
    coloured = tree(root, "--color").stdout
    assert "\x1b[31moff track\x1b[0m" in coloured and "\x1b[1mObjective:\x1b[0m" in coloured


def test_control_characters_from_yaml_never_reach_the_terminal(tmp_path: Path) -> None:
    goal = (Path(__file__).parent / "cases/base/strategy/goals/faster-activation.yaml").read_text()
    goal = goal.replace("title: Half of new accounts send an invoice in week one",
                        'title: "Evil \\e[31mred\\e[0m \\x07title\\u202e"')
    root = copy_base(tmp_path / "repo", {"strategy/goals/faster-activation.yaml": goal})
    result = tree(root, "faster-activation")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "Evil \\x1b[31mred\\x1b[0m \\x07title<U+202E> (faster-activation)" in result.stdout  # shown, not dropped


def test_progress_bar() -> None:
    assert progress_bar(0.3) == "███░░░░░░░"
    assert progress_bar(-0.4) == "░" * 10
    assert progress_bar(1.5) == "█" * 10
    assert progress_bar(None) == " " * 10
    assert progress_bar(0.5, ASCII) == "#####....."


def test_help_has_an_example() -> None:
    result = run_cli(["tree", "--help"])
    assert result.exit_code == 0 and "strat tree grow-active-teams" in result.stdout
