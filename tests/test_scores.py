"""`strat.scores`: the one reading of closed goals' results, carried links both ways,
averages by objective and the distribution, checked on the example closed for real by
`strat close` against a hand computation from the YAML it wrote."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

import helpers
from strat.loaded import load_strategy
from strat.scores import BUCKETS, bucket, result_of, scores
from test_close import AFTER, _close, _example


def _goals(root: Path) -> dict[str, dict]:
    found = {}
    for path in (root / "strategy").rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "Goal":
                found[doc["id"]] = doc
    return found


def _objective(goals: dict[str, dict], ident: str, objectives: set[str]) -> str | None:
    seen = set()
    while ident not in objectives and ident in goals and ident not in seen:
        seen.add(ident)
        ident = goals[ident].get("parent")
    return ident if ident in objectives else None


def test_scores_of_a_closed_period(tmp_path: Path) -> None:
    root = _example(tmp_path / "ex")
    assert _close(root, "2026-h2", "--carry", "--today", AFTER).exit_code == 0
    loaded = load_strategy(root, root / "strategy", today=dt.date(2027, 1, 10))
    found = scores(loaded.ctx)
    assert scores(loaded.ctx) is found

    goals = _goals(root)
    objectives = {d["id"] for p in (root / "strategy").rglob("*.yaml")
                  for d in yaml.safe_load_all(p.read_text()) if isinstance(d, dict) and d.get("kind") == "Objective"}
    period = [g for g in goals.values() if g["period"] == "2026-h2"]
    hand_scores = {g["id"]: g["result"]["score"] for g in period if "result" in g}
    assert len(hand_scores) == 11

    # The period's closed goals, the distribution and the average, by hand.
    assert sorted(g.id for g in found.closed("2026-h2")) == sorted(hand_scores)
    counts = [0] * BUCKETS
    for value in hand_scores.values():
        counts[round(value * 10)] += 1
    assert found.period_distribution("2026-h2") == tuple(counts)
    kept = [g for g in period if g.get("status") != "dropped"]
    average = found.period_average("2026-h2")
    assert average.scored == 11 and average.unscored == len(kept) - 11
    assert average.mean == round(sum(hand_scores.values()) / 11, 2)

    # Per objective.
    by_hand: dict[str | None, list[float]] = {}
    for g in kept:
        by_hand.setdefault(_objective(goals, g["id"], objectives), []).append(g.get("result", {}).get("score"))
    by_objective = found.by_objective("2026-h2")
    assert set(by_objective) == set(by_hand)
    for key, values in by_hand.items():
        scored = [v for v in values if v is not None]
        got = by_objective[key]
        assert (got.scored, got.unscored) == (len(scored), len(values) - len(scored)), key
        assert got.mean == (round(sum(scored) / len(scored), 2) if scored else None), key

    # Results as written, and the carried links both ways.
    auto = loaded.ctx.get("auto-schedule-by-default", "Goal")
    assert result_of(auto) == result_of(auto) and result_of(auto).score == 0.6
    assert result_of(auto).final == 26.5 and result_of(auto).date == "2026-12-31" and result_of(auto).note == ""
    carried = {g["carried_from"]: g["id"] for g in goals.values() if "carried_from" in g}
    assert len(carried) == 10
    assert found.carried_into == {source: (ident,) for source, ident in carried.items()}
    draft = loaded.ctx.get("auto-schedule-by-default-2027-h1", "Goal")
    assert found.carried_from(draft) is auto
    assert found.carried_from(auto) is None and result_of(draft) is None


def test_a_period_with_nothing_closed(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "r", git=False)
    loaded = load_strategy(root, root / "strategy", today=dt.date(2026, 6, 1))
    found = scores(loaded.ctx)
    period = loaded.ctx.entities("Goal")[0].data["period"]
    assert found.closed(period) == [] and found.period_distribution(period) == (0,) * BUCKETS
    assert found.period_average(period).mean is None and found.carried_into == {}


def test_buckets() -> None:
    assert [bucket(v / 10) for v in range(11)] == list(range(11))
    assert bucket(0.3) == 3 and bucket(0.7) == 7  # binary fractions land in their tenth


def test_result_that_is_not_a_score(tmp_path: Path) -> None:
    base = (helpers.BASE / "strategy/goals/fewer-setup-tickets.yaml").read_text()
    odd = base + "status: done\nresult: {date: 2026-12-31, final: .nan, score: 1.5, note: 3}\n"
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/fewer-setup-tickets.yaml": odd}, git=False)
    loaded = load_strategy(root, root / "strategy", today=dt.date(2027, 1, 10))
    goal = loaded.model.get("fewer-setup-tickets")
    assert result_of(goal) is not None
    assert (result_of(goal).final, result_of(goal).score, result_of(goal).note) == (None, None, "")
