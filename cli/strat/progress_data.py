"""The facts of `strat.progress` as plain data, the one JSON shape of a measured thing
for every output that carries progress (`strat tree -f json`, `strat diff -f json`), and
a closed goal's score as `strat.scores` reads it (`score_data`).

Pure formats: nothing here computes a current value, progress, forecast or status; each
function only copies what `strat.progress` computed. Numbers are exact (JSON floats as
computed, never rounded); `percent` is the rounded whole percentage the words show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strat.load import Document
from strat.progress import KeyResult, Progress, Rollup, forecast_value, percent

if TYPE_CHECKING:
    from strat.rules.context import RuleContext


def forecast_data(progress: Progress) -> dict[str, Any] | None:
    """{value, shown, date, points, progress, percent, slope_per_day} of a progress's
    forecast: where the least-squares line lands on the end of the window (`value`,
    exact), the figure the words show (`shown`: `strat.progress.forecast_value`, rounded
    to the precision of the data), and its share of the way to the target."""
    forecast = progress.forecast
    if forecast is None:
        return None
    return {"value": forecast.value, "shown": forecast_value(progress), "date": forecast.date, "points": forecast.points,
            "progress": forecast.fraction, "percent": percent(forecast.fraction),
            "slope_per_day": forecast.slope_per_day}


def progress_data(progress: Progress) -> dict[str, Any]:
    """{current, date, source, baseline, target, progress, percent, confidence, forecast,
    status, basis} of one goal outcome, key result or objective number."""
    return {"current": progress.current, "date": progress.current_date, "source": progress.source,
            "baseline": progress.baseline, "target": progress.target, "progress": progress.fraction,
            "percent": progress.percent, "confidence": progress.confidence,
            "forecast": forecast_data(progress), "status": progress.status, "basis": progress.basis}


def rollup_data(rollup: Rollup | None) -> dict[str, Any] | None:
    """{progress, percent, counted, left_out, counts}: a weighted roll-up."""
    if rollup is None:
        return None
    return {"progress": rollup.fraction, "percent": rollup.percent, "counted": rollup.counted,
            "left_out": rollup.left_out, "counts": dict(rollup.counts)}


def key_result_data(kr: KeyResult) -> dict[str, Any]:
    """{metric, title, weight, current, date, progress, percent, status, forecast, …}."""
    return {"metric": kr.metric, "title": kr.title, "weight": kr.weight, **progress_data(kr.progress)}


def score_data(ctx: "RuleContext", goal: Document) -> dict[str, Any]:
    """A closed goal's `score` and `result` {date, final, score, note}, and its carried
    links (`carried_from`, `carried_into`), as `strat.scores` reads them; only the keys a
    goal has, so an open goal's data is as it was before any close."""
    from strat.scores import result_of, scores

    found: dict[str, Any] = {}
    result = result_of(goal)
    if result is not None:
        found["score"] = result.score
        found["result"] = {"date": result.date, "final": result.final, "score": result.score, "note": result.note}
    ledger = scores(ctx)
    source = ledger.carried_from(goal)
    if source is not None:
        found["carried_from"] = source.id
    into = ledger.carried_into.get(goal.id or "", ())
    if into:
        found["carried_into"] = list(into)
    return found
