"""A close-out in words, for `strat diff`, `strat history` and the site's changelog
(`strat.changes`): "closed: scored 0.6 (final 26.5%, 61% of the way from 18% to 32%)" for a
goal that gained a `result`, "carried from `x` (scored 0.6)" for a goal that continues one.
Pure functions over documents; the share of the way is `strat.progress.fraction`, the one
computation of progress."""

from __future__ import annotations

from typing import Any

from strat.load import Document
from strat.numbers import measure, number
from strat.progress import fraction, percent


def _unit(data: dict[str, Any], context: dict[str, Document]) -> str | None:
    outcome = data.get("outcome")
    name = outcome.get("metric") if isinstance(outcome, dict) else None
    metric = context.get(name) if isinstance(name, str) else None
    unit = metric.data.get("unit") if metric is not None and metric.kind == "Metric" else None
    return unit if isinstance(unit, str) else None


def _score(result: Any) -> str | None:
    score = result.get("score") if isinstance(result, dict) else None
    return number(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None


def closed_words(data: dict[str, Any], context: dict[str, Document]) -> str | None:
    """"closed: scored 0.6 (final 26.5%, 61% of the way from 18% to 32%)"; None when the
    goal has no readable result."""
    result = data.get("result")
    score = _score(result)
    if score is None:
        return None
    assert isinstance(result, dict)
    unit = _unit(data, context)
    final = result.get("final")
    found = data.get("outcome")
    outcome: dict[str, Any] = found if isinstance(found, dict) else {}
    baseline, target = outcome.get("baseline"), outcome.get("target")
    numbers = [v if isinstance(v, (int, float)) and not isinstance(v, bool) else None for v in (baseline, target, final)]
    detail = ""
    if numbers[2] is not None:
        detail = f"final {measure(final, unit)}"
        share = percent(fraction(numbers[0], numbers[1], numbers[2]))
        if share is not None:
            detail += f", {share}% of the way from {measure(baseline, unit)} to {measure(target, unit)}"
    return f"closed: scored {score}" + (f" ({detail})" if detail else "")


def carried_words(data: dict[str, Any], context: dict[str, Document]) -> str | None:
    """"carried from `x` (scored 0.6)"; None when the goal carries nothing."""
    source = data.get("carried_from")
    if not isinstance(source, str):
        return None
    found = context.get(source)
    score = _score(found.data.get("result")) if found is not None else None
    return f"carried from `{source}`" + (f" (scored {score})" if score is not None else "")
