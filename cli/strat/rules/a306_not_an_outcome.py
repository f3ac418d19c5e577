"""Not an outcome: the target does not move the metric the right way.

## What it checks
For a goal's `outcome`, each of its key results, and each objective: `baseline` and
`target` differ, and the target moves in the direction the metric calls better
(`better: up` → target above baseline; `better: down` → below). Reported at the
`target`.

## Why it matters
A goal is "move metric X from A to B by a date". A target equal to the baseline is an
output or a maintenance chore in disguise; a target that moves against the metric's
direction is almost always a typo that would make the goal celebrate failure.

## Fails
```yaml
outcome: {metric: time-to-first-schedule, baseline: 9, target: 12}   # better: down
```

## Passes
```yaml
outcome: {metric: time-to-first-schedule, baseline: 9, target: 3}
```
"""

from __future__ import annotations

from typing import Any, Iterator

from strat.diagnostics import Severity
from strat.load import Document, JsonPath
from strat.rules.context import Finding, RuleContext

CODE = "A306"
NAME = "not-an-outcome"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    for goal in ctx.entities("Goal"):
        yield from _measure(ctx, goal, ("outcome",), goal.data.get("outcome"))
        for i, kr in enumerate(goal.data.get("key_results", [])):
            yield from _measure(ctx, goal, ("key_results", i), kr)
    for objective in ctx.entities("Objective"):
        yield from _measure(ctx, objective, (), objective.data)


def _measure(ctx: RuleContext, doc: Document, path: JsonPath, measure: Any) -> Iterator[Finding]:
    if not isinstance(measure, dict):
        return
    metric = ctx.metric(measure.get("metric"))
    baseline, target = measure.get("baseline"), measure.get("target")
    if metric is None or not isinstance(baseline, (int, float)) or not isinstance(target, (int, float)):
        return
    better = metric.data.get("better")
    if baseline != target and not ((better == "up" and target < baseline) or (better == "down" and target > baseline)):
        return  # no finding: no location needed (a cached document computes positions only when asked)
    where = doc.location(path + ("target",))
    if not path:
        label = f"objective `{doc.id}`"
    elif isinstance(path[-1], int):  # ("key_results", i)
        label = f"key result {path[-1] + 1} of `{doc.id}`"
    else:
        label = f"the outcome of `{doc.id}`"
    if baseline == target:
        yield Finding(where, f"{label} has target equal to baseline ({_num(target)}): an outcome "
                      f"moves `{metric.id}`; set the target you want to reach")
    elif (better == "up" and target < baseline) or (better == "down" and target > baseline):
        direction = "higher" if better == "up" else "lower"
        yield Finding(where, f"{label} moves `{metric.id}` from {_num(baseline)} to {_num(target)}, "
                      f"but {direction} is better for this metric (`better: {better}`)",
                      (metric.location(("better",)),))


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
