"""Initiative review: experiments are reviewed on time and their results written down.

## What it checks
An initiative with `status: running` whose `review_by` date has passed (reported at
`review_by`), and an initiative that is `shipped` or `killed` without a `result`
(reported at `status`).

## Why it matters
A feature is an experiment that serves a goal: it has a hypothesis and kill criteria,
and it ends in a decision. Experiments that run past their review date become roadmap
items nobody dares to stop; results that are never written down teach nobody anything.

## Fails
```yaml
kind: Initiative
status: running
review_by: 2026-09-30     # in the past
---
kind: Initiative
status: killed            # and no result
```

## Passes
```yaml
status: killed
result: Trial-to-paid did not move (+0.2 pts, within noise); reverted on 2026-10-12
```
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.rules.context import Finding, RuleContext

CODE = "A309"
NAME = "initiative-review"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    today = ctx.today.isoformat()
    for initiative in ctx.entities("Initiative"):
        data = initiative.data
        status = data.get("status")
        review_by = data.get("review_by")
        if status == "running" and isinstance(review_by, str) and review_by < today:
            yield Finding(
                initiative.location(("review_by",)),
                f"initiative `{initiative.id}` is still running past its review date {review_by}: decide (ship, "
                "kill, or set a new `review_by` with a reason) and record it",
            )
        elif status in ("shipped", "killed") and not str(data.get("result", "")).strip():
            yield Finding(
                initiative.location(("status",)),
                f"initiative `{initiative.id}` is {status} but has no `result`: write down what happened to "
                "the hypothesis",
            )
