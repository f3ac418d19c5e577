"""`strat tree` shows the business numbers: each objective's number, progress and forecast,
each goal's forecast, the North Star's latest value and its move; `--team/--owner/--period`
filters. Every figure is checked against `strat.progress` computed here on the same real
repository (and the least-squares forecast against a hand computation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers import TODAY, copy_base, run_cli
from strat.loaded import load_strategy
from strat.progress import forecast_text, forecast_value, measures

NRR_READINGS = """\
kind: Readings
id: nrr-2026
metric: net-revenue-retention
values:
  - {date: 2026-07-01, value: 104}
  - {date: 2026-08-01, value: 105}
  - {date: 2026-09-01, value: 105.5}
  - {date: 2026-10-01, value: 106.3}
  - {date: 2026-12-01, value: 200}
"""

INVOICE_READINGS = """\
kind: Readings
id: invoices
metric: paid-invoices-weekly
values:
  - {date: 2026-10-12, value: 980}
  - {date: 2026-10-19, value: 1000}
  - {date: 2026-11-16, value: 1060}
"""

ACTIVATION_CHECKINS = """\
checkins:
  - {date: 2026-07-01, value: 0.32}
  - {date: 2026-08-01, value: 0.34}
  - {date: 2026-09-01, value: 0.37}
  - {date: 2026-10-01, value: 0.39, confidence: 0.8}
"""


def repo(tmp_path: Path) -> Path:
    root = copy_base(tmp_path / "repo", {"strategy/readings/nrr.yaml": NRR_READINGS,
                                          "strategy/readings/invoices.yaml": INVOICE_READINGS})
    goal = root / "strategy/goals/faster-activation.yaml"
    text = goal.read_text()
    goal.write_text(text[:text.index("checkins:")] + ACTIVATION_CHECKINS)
    return root


def measured(root: Path, today: str = TODAY):
    loaded = load_strategy(root, root / "strategy", None, dt.date.fromisoformat(today))
    assert loaded.errors == 0, [d.message for d in loaded.diagnostics]
    return loaded.ctx, measures(loaded.ctx)


def tree(root: Path, *args: str, today: str = TODAY):
    result = run_cli(["tree", "--today", today, *args], cwd=root)
    assert result.exit_code == 0, result.stderr
    return result


def by_hand(points: list[tuple[int, float]], at: int) -> float:
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return my + slope * (at - mx)


def test_an_objective_shows_its_number_progress_and_forecast(tmp_path: Path) -> None:
    root = repo(tmp_path)
    ctx, m = measured(root)
    number = m.objective(ctx.get("grow-retention")).number
    assert number.forecast is not None
    # Days from 2026-07-01 (the strategy's first period); due 2027-06-30 is day 364.
    assert number.forecast.value == pytest.approx(by_hand([(0, 104), (31, 105), (62, 105.5), (92, 106.3)], 364))

    data = tree(root, "grow-retention", "-f", "json").json
    shown = data["number"]
    # Exact numbers in JSON, the very ones strat.progress computed.
    assert (shown["current"], shown["date"], shown["source"]) == (number.current, number.current_date, "readings")
    assert shown["progress"] == number.fraction and shown["percent"] == number.percent
    assert shown["forecast"]["value"] == number.forecast.value
    assert shown["forecast"]["shown"] == forecast_value(number)
    assert (shown["forecast"]["date"], shown["forecast"]["points"]) == ("2027-06-30", 4)
    assert shown["status"] == number.status == "on-track" and shown["basis"] == "forecast"

    line = tree(root, "grow-retention").stdout.splitlines()[1]
    # The forecast in words is rounded to the data's precision (112.9, never 112.8593).
    assert forecast_text(number, "%") == "112.9%"
    assert (f"[███░░░░░░░]  {number.percent}%  Net revenue retention 104% → 106.3% → 112% by 2027-06-30 · "
            f"forecast {forecast_text(number, '%')} · on track · owner asmith") in line


def test_the_objective_rolls_up_its_goals_weighted(tmp_path: Path) -> None:
    root = repo(tmp_path)
    path = root / "strategy/goals/support-deflection.yaml"
    path.write_text(path.read_text() + "weight: 3\n")
    ctx, m = measured(root)
    rollup = m.objective(ctx.get("cut-support-cost")).goals
    data = tree(root, "cut-support-cost", "-f", "json").json
    assert data["goals_rollup"] == {"progress": rollup.fraction, "percent": rollup.percent,
                                    "counted": rollup.counted, "left_out": rollup.left_out,
                                    "counts": dict(rollup.counts)}
    # fewer-setup-tickets 40 % (weight 1) and support-deflection 0 % (weight 3).
    assert rollup.fraction == pytest.approx(0.4 / 4)
    assert f"2 goals, {rollup.percent}% of the way: 1 off track, 1 not started" in tree(root, "cut-support-cost").stdout


def test_a_goal_shows_its_forecast_and_key_results(tmp_path: Path) -> None:
    root = repo(tmp_path)
    ctx, m = measured(root)
    goal = m.goal(ctx.get("faster-activation"))
    outcome = goal.outcome
    assert outcome.forecast is not None
    assert outcome.forecast.value == pytest.approx(by_hand([(0, 0.32), (31, 0.34), (62, 0.37), (92, 0.39)], 183))
    data = tree(root, "faster-activation", "-f", "json").json
    assert data["forecast"]["value"] == outcome.forecast.value
    assert data["status"] == outcome.status == "at-risk"
    text = tree(root, "faster-activation").stdout
    assert (f"0.32 → 0.39 → 0.5 · forecast {forecast_text(outcome, 'ratio')} by 2026-12-31 · confidence 0.8 · "
            "at risk") in text
    assert forecast_text(outcome, "ratio") == f"{round(outcome.forecast.value, 2):g}"


def test_the_north_star_shows_its_latest_value_and_four_week_move(tmp_path: Path) -> None:
    root = repo(tmp_path)
    _, m = measured(root)
    trend = m.trend("paid-invoices-weekly")
    assert trend.latest is not None and (trend.latest.value, trend.change_4w) == (1060, 60)
    first = tree(root).stdout.splitlines()[0]
    assert first.endswith("· lagging, count, better up · now 1,060 on 2026-11-16, +60 in 4 weeks")
    data = tree(root, "-f", "json").json
    assert data["latest"] == {"value": 1060, "date": "2026-11-16"}
    assert (data["change_4w"], data["direction"], data["improving"]) == (60, "up", True)


def test_today_reproduces_a_past_view(tmp_path: Path) -> None:
    root = repo(tmp_path)
    ctx, m = measured(root, "2026-08-15")
    number = m.objective(ctx.get("grow-retention")).number
    assert (number.current, number.forecast) == (105, None)  # two values so far: the pace rule
    data = tree(root, "grow-retention", "-f", "json", today="2026-08-15").json
    assert (data["number"]["current"], data["number"]["status"]) == (105, number.status)
    later = tree(root, "grow-retention", "-f", "json", today="2026-12-02").json
    assert later["number"]["current"] == 200


def goal_ids(node: dict) -> list[tuple[str, bool]]:
    out = [(node["id"], bool(node.get("context")))] if node["kind"] == "goal" else []
    for child in node["children"]:
        out += goal_ids(child)
    return out


@pytest.mark.parametrize("args, goals, objectives", [
    (["--team", "onboarding"], ["faster-activation"], ["grow-retention"]),
    (["--owner", "bjones"], ["fewer-setup-tickets", "support-deflection"], ["cut-support-cost"]),
    (["--period", "2027-h1"], ["support-deflection"], ["cut-support-cost"]),
    (["--period", "2026-h2", "--owner", "bjones"], ["fewer-setup-tickets"], ["cut-support-cost"]),
    (["--team", "onboarding", "--team", "self-service"], ["fewer-setup-tickets", "faster-activation"],
     ["cut-support-cost", "grow-retention"]),
    (["--team", "onboarding", "--owner", "bjones"], [], []),
])
def test_filters_keep_the_matching_goals_and_the_path_to_them(tmp_path: Path, args: list[str], goals: list[str],
                                                              objectives: list[str]) -> None:
    root = repo(tmp_path)
    data = tree(root, "-f", "json", *args).json
    assert sorted(g for g, _ in goal_ids(data)) == sorted(goals)
    assert [o["id"] for o in data["children"] if o["kind"] == "objective"] == objectives
    text = tree(root, *args).stdout
    for goal in ("faster-activation", "fewer-setup-tickets", "support-deflection"):
        assert (f"({goal})" in text) == (goal in goals)


def test_a_filtered_cascaded_goal_keeps_its_parent_as_context(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "strategy/goals/child.yaml").write_text(
        "kind: Goal\nid: wizard-completion\ntitle: More wizard completions\nowner: bjones\nperson: bjones\n"
        "parent: faster-activation\nperiod: 2026-h2\noutcome: {metric: activation-rate, baseline: 0.3, target: 0.4}\n")
    data = tree(root, "-f", "json", "--owner", "bjones", "--period", "2026-h2").json
    assert sorted(goal_ids(data)) == [("faster-activation", True), ("fewer-setup-tickets", False),
                                      ("wizard-completion", False)]
    assert "shown for the goals below it" in tree(root, "--owner", "bjones", "--period", "2026-h2").stdout


@pytest.mark.parametrize("args, message", [
    (["--team", "onbording"], "--team: no team with id `onbording`; did you mean `onboarding`?"),
    (["--owner", "bjnes"], "--owner: no person with id `bjnes`; did you mean `bjones`?"),
    (["--period", "2026-h3"], "--period: no period with id `2026-h3`"),
    (["--team", "\x1b[31mred"], "--team: no team with id `"),  # never an escape on the terminal
])
def test_unknown_filter_values_exit_2_in_words(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(["tree", "--today", TODAY, *args], cwd=repo(tmp_path))
    assert result.exit_code == 2
    assert message in result.stderr and "\x1b" not in result.stderr
