"""Unexplained link: no `drives` path from a goal's metric to its objective's metric.

## What it checks
From the goal's `outcome.metric`, following the metric tree (each metric's `drives`),
there is a path to the metric of the objective the goal aligns to. The same metric
counts as connected (a path of length 0). Reported at `outcome.metric`.

## Why it matters
"Moving activation moves ARR" is the hypothesis that makes a team goal worth funding.
If the repository does not say how the goal's metric drives the objective's, the link
is a claim nobody can review, and nobody will notice when it stops being true.

## Fails
```yaml
# goal under objective grow-arr (metric arr)
outcome: {metric: app-store-rating, baseline: 4.1, target: 4.5}
# and no metric chain app-store-rating → … → arr
```

## Passes
```yaml
kind: Metric
id: app-store-rating
drives:
  - metric: trial-to-paid
    hypothesis: Prospects read reviews before starting a trial
# and trial-to-paid drives arr
```
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.rules.context import Finding, RuleContext

CODE = "A305"
NAME = "unexplained-link"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    for goal in ctx.entities("Goal"):
        objective = ctx.objective_of(goal)
        metric = ctx.metric(goal.data.get("outcome", {}).get("metric"))
        if objective is None or metric is None:
            continue
        target = objective.data.get("metric")
        if target in ctx.driven_from(metric.id):
            continue
        yield Finding(
            goal.location(("outcome", "metric")),
            f"no `drives` path from `{metric.id}` to `{target}`, the metric of objective `{objective.id}`: add "
            f"`drives` to metric `{metric.id}` (or to a metric between them) saying how moving it moves `{target}`",
            (objective.location(("metric",)),),
        )
