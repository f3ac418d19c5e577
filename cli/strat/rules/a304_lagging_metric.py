"""Lagging metric: a team's or person's goal is measured by a lagging business metric.

## What it checks
A goal that belongs to a team or a person uses a `leading` metric (customer or product
behaviour) for its `outcome` and its key results, not a `lagging` one (ARR, churn,
margin). Reported at `outcome.metric` (and at each key result's `metric`), suggesting
the leading metrics that drive it in the metric tree. Department goals may use lagging
metrics.

## Why it matters
A team cannot move ARR directly; it moves behaviour that, the company believes, moves
ARR. Giving a team a lagging metric makes its progress depend on everyone else, hides
whether its own work works, and invites output theater. Teams own what they can
influence; the metric tree states how that drives the business.

## Fails
```yaml
kind: Goal
id: faster-setup
team: onboarding
outcome: {metric: arr, baseline: 12000000, target: 15000000}
```

## Passes
```yaml
outcome: {metric: activation-rate, baseline: 0.32, target: 0.45}
# and metric activation-rate has: drives: [{metric: arr, hypothesis: ...}]
```
"""

from __future__ import annotations

from typing import Any, Iterator

from strat.diagnostics import Severity
from strat.load import JsonPath
from strat.rules.context import Finding, RuleContext, ids

CODE = "A304"
NAME = "lagging-metric"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    for goal in ctx.entities("Goal"):
        if "team" not in goal.data and "person" not in goal.data:
            continue
        holder = "team" if "team" in goal.data else "person"
        measures: list[tuple[JsonPath, Any]] = [(("outcome", "metric"), goal.data.get("outcome", {}).get("metric"))]
        measures += [(("key_results", i, "metric"), kr.get("metric"))
                     for i, kr in enumerate(goal.data.get("key_results", []))]
        for path, metric_id in measures:
            metric = ctx.metric(metric_id)
            if metric is None or metric.data.get("type") != "lagging":
                continue
            leading = sorted(m for m in ctx.drivers_of(metric.id)
                             if (doc := ctx.metric(m)) is not None and doc.data.get("type") == "leading")
            direct = [m for m in ctx.driven_by.get(metric.id, []) if m in leading]
            suggestions = direct + [m for m in leading if m not in direct]
            hint = (f"; measure a leading metric it can move, such as {ids(suggestions, 3)}" if suggestions
                    else "; measure a leading metric it can move, and add it to the metric tree with `drives`")
            yield Finding(
                goal.location(path),
                f"{holder} goal `{goal.id}` is measured by `{metric.id}`, a lagging business metric it can only "
                f"contribute to{hint}",
                (metric.location(("type",)),),
            )
