"""strat.progress: current value, progress, roll-up, forecast and status, checked against
hand computations on real strategy repositories (loaded as every command loads them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers import copy_base
from strat.config import Config
from strat.loaded import load_strategy
from strat.progress import forecast_value, least_squares, measures, sentence

NRR_READINGS = """\
kind: Readings
id: nrr-2026
metric: net-revenue-retention
values:
  - {date: 2026-06-01, value: 103}
  - {date: 2026-07-01, value: 104}
  - {date: 2026-08-01, value: 105}
  - {date: 2026-09-01, value: 105.5}
  - {date: 2026-10-01, value: 106.3, note: October close}
  - {date: 2026-12-01, value: 200}
"""


def load(root: Path, today: str = "2026-11-23", config: Config | None = None):
    loaded = load_strategy(root, root / "strategy", config, dt.date.fromisoformat(today))
    assert loaded.errors == 0, [d.message for d in loaded.diagnostics]
    return loaded.ctx


def doc(ctx, ident: str):
    found = ctx.get(ident)
    assert found is not None, ident
    return found


def by_hand(points: list[tuple[int, float]], at: int) -> float:
    """The least-squares line written out: slope = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², through (x̄, ȳ)."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return my + slope * (at - mx)


def test_an_objective_takes_its_metric_readings_and_forecasts_to_its_due_date(tmp_path: Path) -> None:
    ctx = load(copy_base(tmp_path / "r", {"strategy/readings/nrr.yaml": NRR_READINGS}))
    number = measures(ctx).objective(doc(ctx, "grow-retention")).number
    # The latest reading on or before today (the 2026-12-01 one is in the future).
    assert (number.current, number.current_date, number.source) == (106.3, "2026-10-01", "readings")
    assert number.fraction == pytest.approx((106.3 - 104) / (112 - 104))
    assert number.percent == 29
    # The window starts at the strategy's earliest period (2026-07-01): the June reading is not fitted.
    # Days from 2026-07-01: 0, 31, 62, 92; due 2027-06-30 is day 364.
    expected = by_hand([(0, 104), (31, 105), (62, 105.5), (92, 106.3)], 364)
    assert number.forecast is not None
    assert number.forecast.points == 4 and number.forecast.date == "2027-06-30"
    assert number.forecast.value == pytest.approx(expected)
    assert expected >= 112 and number.status == "on-track" and number.basis == "forecast"


def test_values_after_today_are_ignored_so_a_past_day_is_reproduced(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "r", {"strategy/readings/nrr.yaml": NRR_READINGS})
    ctx = load(root, "2026-08-15")
    number = measures(ctx).objective(doc(ctx, "grow-retention")).number
    assert (number.current, number.current_date) == (105, "2026-08-01")
    assert number.forecast is None and number.basis == "pace"  # two values in the window: the pace rule
    later = load(root, "2026-12-02")
    assert measures(later).objective(doc(later, "grow-retention")).number.current == 200


def test_objective_check_ins_come_before_readings(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "r", {"strategy/readings/nrr.yaml": NRR_READINGS})
    path = root / "strategy/objectives/grow-retention.yaml"
    path.write_text(path.read_text() + "checkins:\n  - {date: 2026-11-01, value: 107, confidence: 0.3}\n")
    ctx = load(root)
    number = measures(ctx).objective(doc(ctx, "grow-retention")).number
    assert (number.current, number.source, number.confidence) == (107, "check-in", 0.3)
    assert number.forecast is None  # one check-in: the pace rule, and confidence 0.3 is off track
    assert number.status == "off-track"


def test_forecast_status_follows_the_at_risk_fraction_and_confidence(tmp_path: Path) -> None:
    # Goal faster-activation: 0.32 → 0.5 in 2026-h2 (2026-07-01 .. 2026-12-31, day 183).
    checkins = ("checkins:\n  - {date: 2026-07-01, value: 0.32}\n  - {date: 2026-08-01, value: 0.34}\n"
                "  - {date: 2026-09-01, value: 0.37}\n  - {date: 2026-10-01, value: 0.39, confidence: CONF}\n")
    root = copy_base(tmp_path / "r")
    path = root / "strategy/goals/faster-activation.yaml"
    text = path.read_text()
    base = text[:text.index("checkins:")]
    projected = by_hand([(0, 0.32), (31, 0.34), (62, 0.37), (92, 0.39)], 183)
    share = (projected - 0.32) / (0.5 - 0.32)
    assert 0.7 <= share < 1  # the data is chosen to land between the at-risk line and the target

    path.write_text(base + checkins.replace("CONF", "0.8"))
    ctx = load(root)
    progress = measures(ctx).goal(doc(ctx, "faster-activation")).outcome
    assert progress.forecast is not None and progress.forecast.value == pytest.approx(projected)
    assert progress.forecast.fraction == pytest.approx(share)
    assert progress.status == "at-risk"
    ctx = load(root, config=Config(forecast_at_risk=0.95))
    assert measures(ctx).goal(doc(ctx, "faster-activation")).outcome.status == "off-track"
    ctx = load(root, config=Config(forecast_at_risk=share - 0.01))
    assert measures(ctx).goal(doc(ctx, "faster-activation")).outcome.status == "at-risk"

    # A forecast that reaches the target is on track, unless the latest confidence is below 0.4.
    steep = base + checkins.replace("0.39", "0.45").replace("CONF", "0.8")
    path.write_text(steep)
    ctx = load(root)
    assert measures(ctx).goal(doc(ctx, "faster-activation")).outcome.status == "on-track"
    path.write_text(steep.replace("confidence: 0.8", "confidence: 0.3"))
    ctx = load(root)
    outcome = measures(ctx).goal(doc(ctx, "faster-activation")).outcome
    assert outcome.status == "at-risk" and outcome.confidence_trend is None


def test_a_closed_goal_has_no_forecast(tmp_path: Path) -> None:
    """A done or dropped goal keeps its value and progress but no forecast: where its line
    would have landed no longer applies (a draft still gets one)."""
    root = copy_base(tmp_path / "r")
    path = root / "strategy/goals/faster-activation.yaml"
    text = path.read_text()
    assert "status: active" in text
    path.write_text(text[:text.index("checkins:")] + "checkins:\n  - {date: 2026-07-01, value: 0.32}\n"
                    "  - {date: 2026-08-01, value: 0.34}\n  - {date: 2026-09-01, value: 0.37}\n")
    for state, has_forecast in (("active", True), ("draft", True), ("done", False), ("dropped", False)):
        path.write_text(path.read_text().replace("status: active", f"status: {state}", 1)
                        if state != "active" else path.read_text())
        ctx = load(root)
        outcome = measures(ctx).goal(doc(ctx, "faster-activation")).outcome
        assert (outcome.forecast is not None) == has_forecast, state
        assert outcome.current == 0.37
        path.write_text(path.read_text().replace(f"status: {state}", "status: active", 1))


def test_a_goal_reads_its_metric_inside_its_period_and_key_results_roll_up_weighted(tmp_path: Path) -> None:
    readings = """\
kind: Readings
id: activation-readings
metric: activation-rate
values:
  - {date: 2026-06-30, value: 0.9}
  - {date: 2026-07-15, value: 0.33}
  - {date: 2026-08-15, value: 0.35}
"""
    root = copy_base(tmp_path / "r", {"strategy/readings/activation.yaml": readings})
    path = root / "strategy/goals/faster-activation.yaml"
    text = path.read_text()
    text = text[:text.index("checkins:")]  # no check-ins: the goal reads its metric
    text = text.replace("customer_progress:", """key_results:
  - metric: setup-tickets
    baseline: 1000
    target: 800
    weight: 3
    checkins:
      - {date: 2026-09-01, value: 900, confidence: 0.6}
      - {date: 2026-10-01, value: 880, confidence: 0.5}
  - metric: paid-invoices-weekly
    baseline: 100
    target: 200
    current: 400
customer_progress:""")
    path.write_text(text)
    ctx = load(root)
    goal = measures(ctx).goal(doc(ctx, "faster-activation"))
    assert (goal.outcome.current, goal.outcome.source, goal.outcome.current_date) == (0.35, "readings", "2026-08-15")
    assert [r.value for r in goal.outcome.readings] == [0.33, 0.35]  # the June value is before the period
    first, second = goal.key_results
    assert (first.weight, first.progress.current, first.progress.fraction) == (3, 880, pytest.approx(0.6))
    assert first.progress.confidences == (("2026-09-01", 0.6), ("2026-10-01", 0.5))
    assert first.progress.confidence_trend == "down"
    assert (second.weight, second.progress.current, second.progress.source) == (1, 400, "current")
    assert second.progress.fraction == pytest.approx(3.0)  # not clamped on its own ...
    assert goal.key_result_rollup is not None  # ... but clamped to 100 % in the roll-up
    assert goal.key_result_rollup.fraction == pytest.approx((3 * 0.6 + 1 * 1.0) / 4)


def test_an_objective_rolls_up_its_goals_by_weight_leaving_out_drafts_and_no_data(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "r")
    path = root / "strategy/goals/fewer-setup-tickets.yaml"
    path.write_text(path.read_text().replace("status: active", "status: active\nweight: 2")
                    if "status: active" in path.read_text() else path.read_text() + "weight: 2\n")
    ctx = load(root)
    m = measures(ctx)
    children = [g for g in ctx.entities("Goal") if g.data.get("parent") == "cut-support-cost"]
    counted = [(m.goal(g).weight, m.goal(g).outcome) for g in children
               if m.goal(g).outcome.fraction is not None and m.goal(g).outcome.status not in ("draft", "dropped")]
    rollup = m.objective(doc(ctx, "cut-support-cost")).goals
    assert rollup.counted == len(counted) and rollup.counted + rollup.left_out == len(children)
    expected = sum(w * min(1, max(0, p.fraction)) for w, p in counted) / sum(w for w, _ in counted)
    assert rollup.fraction == pytest.approx(expected)
    assert (2.0, ) == tuple(w for w, _ in counted if w != 1.0)
    assert sum(rollup.counts.values()) == len(children)


def test_equal_readings_on_one_date_count_once(tmp_path: Path) -> None:
    twice = NRR_READINGS.replace("nrr-2026", "nrr-copy")
    root = copy_base(tmp_path / "r", {"strategy/readings/nrr.yaml": NRR_READINGS, "strategy/readings/copy.yaml": twice})
    ctx = load(root)
    assert [r.date for r in measures(ctx).series("net-revenue-retention")] == [
        "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-12-01"]


def test_the_sentence_in_words(tmp_path: Path) -> None:
    ctx = load(copy_base(tmp_path / "r", {"strategy/readings/nrr.yaml": NRR_READINGS}))
    objective = measures(ctx).objective(doc(ctx, "grow-retention"))
    forecast = objective.number.forecast
    assert forecast is not None
    # Shown to the decimals of the values it came from (106.3, 105.5: one), exact in JSON.
    shown = f"{round(forecast.value, 1):g}"
    assert forecast_value(objective.number) == round(forecast.value, 1)
    assert sentence("NRR", objective.number, objective.unit) == (
        f"NRR now 106.3%, 29% of the way to 112%; forecast {shown}% by 2027-06-30, on track")


def test_the_north_star_trend(tmp_path: Path) -> None:
    readings = """\
kind: Readings
id: invoices
metric: paid-invoices-weekly
values:
  - {date: 2026-06-29, value: 900}
  - {date: 2026-10-19, value: 1000}
  - {date: 2026-10-26, value: 1010}
  - {date: 2026-11-16, value: 1060}
"""
    ctx = load(copy_base(tmp_path / "r", {"strategy/readings/invoices.yaml": readings}))
    trend = measures(ctx).trend("paid-invoices-weekly")
    assert trend.latest is not None and trend.latest.value == 1060
    assert trend.change_4w == 60  # 2026-11-16 minus the latest value on or before 2026-10-19
    assert trend.change_start == 60  # since the strategy's first period (2026-07-01): 1060 − 1000
    assert (trend.direction, trend.improving) == ("up", True)


@pytest.mark.parametrize("points", [[], [(0, 1.0)], [(3, 1.0), (3, 2.0)]])
def test_least_squares_needs_two_distinct_days(points: list[tuple[float, float]]) -> None:
    assert least_squares(points) is None


_MAX = "1.7976931348623157e308"
EXTREME_SERIES = {
    "largest-and-smallest": [_MAX, "-" + _MAX, _MAX, "99999999999999999999999999"],
    "largest-flat": [_MAX] * 4,
    "smallest-then-subnormal": ["-" + _MAX] * 3 + ["5e-324"],
    "two-extremes": [_MAX, "-" + _MAX],
    "huge-growing": ["1e300", "2e300", "3e300"],
}


@pytest.mark.parametrize("name", sorted(EXTREME_SERIES))
def test_extreme_readings_never_crash_a_view(name: str, tmp_path: Path) -> None:
    """The schema accepts any finite number as a reading; near the largest float the sums
    of the forecast, the progress share and its percentage overflow. Every view then shows
    no forecast or no percentage, never an internal error (`-inf + inf in fsum`,
    `cannot convert float infinity to integer` before)."""
    import helpers

    lines = "".join(f"  - {{date: 2026-{7 + i:02d}-01, value: {v}}}\n" for i, v in enumerate(EXTREME_SERIES[name]))
    readings = (f"kind: Readings\nid: nrr\nmetric: net-revenue-retention\nvalues:\n{lines}---\n"
                f"kind: Readings\nid: act\nmetric: activation-rate\nvalues:\n{lines}")
    root = copy_base(tmp_path / "repo", {"strategy/readings/r.yaml": readings})
    for args in (["tree", "-f", "json"], ["tree"], ["lint", "-f", "json"]):
        result = helpers.run_cli([*args, "--today", "2026-11-23"], cwd=root)
        assert result.exit_code in (0, 1), (args, result.stdout, result.stderr)
    ctx = load(root)
    facts = measures(ctx)
    for objective in ctx.entities("Objective"):
        progress = facts.objective(objective).number
        assert progress.percent is None or isinstance(progress.percent, int)


@pytest.mark.parametrize("points", [[(0, 1.7976931348623157e308), (1, -1.7976931348623157e308)],
                                    [(0, 1.7976931348623157e308), (1, 1.7976931348623157e308),
                                     (2, 1.7976931348623157e308)]])
def test_least_squares_gives_no_line_when_the_sums_overflow(points: list[tuple[float, float]]) -> None:
    assert least_squares(points) is None
