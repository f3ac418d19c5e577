"""North Star link: every objective's metric is connected to the North Star.

## What it checks
The metric of each objective has a path to or from the Strategy's `north_star` in the
metric tree (`drives`, either direction). Reported at the objective's `metric`.

## Why it matters
There is exactly one durable North Star Metric, and every business objective ladders
up to it. An objective whose metric is not connected to it competes with the North
Star instead of serving it, and the strategy stops telling one story.

## Fails
```yaml
kind: Objective
id: win-enterprise
metric: enterprise-logos     # no drives path to or from the North Star
```

## Passes
```yaml
kind: Metric
id: enterprise-logos
drives:
  - metric: weekly-jobs-scheduled    # the North Star
    hypothesis: Each enterprise logo schedules ~2,000 jobs a week
```
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.rules.context import Finding, RuleContext

CODE = "A307"
NAME = "north-star-link"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    strategy = ctx.model.strategy
    if strategy is None:
        return
    north_star = ctx.metric(strategy.data.get("north_star"))
    if north_star is None:
        return
    connected = ctx.drivers_of(north_star.id) | ctx.driven_from(north_star.id)
    for objective in ctx.entities("Objective"):
        metric = objective.data.get("metric")
        if ctx.metric(metric) is None or metric in connected:
            continue
        yield Finding(
            objective.location(("metric",)),
            f"objective `{objective.id}` is measured by `{metric}`, which has no `drives` path to or from the "
            f"North Star `{north_star.id}`; add the link that says how it serves the North Star",
            (strategy.location(("north_star",)),),
        )
