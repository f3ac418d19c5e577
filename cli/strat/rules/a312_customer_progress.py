"""Customer progress: a goal says what progress the customer makes.

## What it checks
Every goal has `customer_progress`: one sentence on the human progress the customer
makes when the goal is met. Reported at the goal's `id`, as information.

## Why it matters
Metrics are proxies. Writing down the customer's progress ("a dispatcher fills
tomorrow's schedule before lunch") keeps a goal honest about why the number matters
and helps everyone reading the site see the customer behind it.

## Fails
```yaml
kind: Goal
id: faster-setup
# no customer_progress
```

## Passes
```yaml
customer_progress: A new office manager schedules their first crew on day one, without a call to us.
```
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.rules.context import Finding, RuleContext

CODE = "A312"
NAME = "customer-progress"
SEVERITY = Severity.INFO


def check(ctx: RuleContext) -> Iterator[Finding]:
    for goal in ctx.entities("Goal"):
        if not str(goal.data.get("customer_progress", "")).strip():
            yield Finding(goal.location(("id",)),
                          f"goal `{goal.id}` says nothing of the customer's progress: add `customer_progress`, "
                          "the human progress the customer makes when this goal is met")
