"""Period after due: a goal's period ends after its objective is due.

## What it checks
The end date of a goal's `period` (a period of the Strategy) is on or before its
objective's `due` date (or the end of the objective's own `period`). Reported at the
goal's `period`.

## Why it matters
A goal that finishes after the objective it serves cannot contribute to it in time;
either the goal's timing or the objective's date is wrong, and leaders should decide
which before the quarter starts, not after.

## Fails
```yaml
# objective grow-arr: due: 2027-06-30
kind: Goal
period: 2027-h2     # ends 2027-12-31
```

## Passes
```yaml
period: 2027-h1     # ends 2027-06-30
```
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.rules.context import Finding, RuleContext

CODE = "A308"
NAME = "period-after-due"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    for goal in ctx.entities("Goal"):
        objective = ctx.objective_of(goal)
        end = ctx.period_end(goal.data.get("period"))
        due = ctx.objective_due(objective) if objective is not None else None
        if objective is None or end is None or due is None or end <= due:
            continue
        yield Finding(
            goal.location(("period",)),
            f"goal `{goal.id}` runs until {end} (period `{goal.data['period']}`), after its objective "
            f"`{objective.id}` is due on {due}",
            (objective.location(("due",) if "due" in objective.data else ("period",)),),
        )
