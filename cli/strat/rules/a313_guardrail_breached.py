"""Guardrail breached: a health KPI of an objective is outside its bound at its latest reading.

## What it checks
Each entry of an objective's `health` ({metric, min and/or max}) against the metric's
latest reading dated on or before today (`--today`), from its Readings documents. A
value below `min` or above `max` is reported at that `min` or `max`, with the metric,
its latest value and date, and the bound; the reading is named as a related location.
A value equal to the bound is inside it. A metric with no reading yet is not judged
here: stale or missing data is A314's finding.

## Why it matters
Guardrails are what an objective must not break on the way to its target: growth that
burns the margin, or cost cuts that let satisfaction slip. A breach is news for the
objective's owner now, in the pull request that records the reading, not at the next
quarterly review.

## Fails
```yaml
kind: Objective
id: grow-retention
health:
  - metric: support-cost
    max: 1000000        # A313: the latest reading (2026-11-16) is EUR 1.05M
```

## Passes
```yaml
health:
  - metric: support-cost
    max: 1000000        # latest reading EUR 960k
```
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.numbers import finite
from strat.progress import measures
from strat.rules.context import Finding, RuleContext, two_values

CODE = "A313"
NAME = "guardrail-breached"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    objectives = ctx.entities("Objective")
    if not any(o.data.get("health") for o in objectives):
        return
    facts = measures(ctx)
    for objective in objectives:
        for i, entry in enumerate(objective.data.get("health") or ()):
            if not isinstance(entry, dict) or not isinstance(entry.get("metric"), str):
                continue
            metric = entry["metric"]
            latest = facts.latest(metric)
            if latest is None:
                continue
            found = ctx.metric(metric)
            unit = found.data.get("unit") if found is not None else None
            for bound, breached, side in (("min", lambda v, b: v < b, "below"), ("max", lambda v, b: v > b, "above")):
                limit = finite(entry.get(bound))
                if limit is None or not breached(latest.value, limit):
                    continue
                value_text, limit_text = two_values(latest.value, limit, unit)
                yield Finding(objective.location(("health", i, bound)),
                              f"guardrail `{metric}` of objective `{objective.id}` is breached: its latest reading, "
                              f"{value_text} on {latest.date}, is {side} its {bound} of {limit_text}",
                              ctx.reading_location(latest.path, latest.line))

