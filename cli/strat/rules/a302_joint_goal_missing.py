"""Joint goal missing: a benefit to another department is banked by a joint goal.

## What it checks
Each `benefits` entry of a goal that names a department other than the goal's own
(its team's, its person's, or its own `department`) has a `joint` entry for that same
department. Reported at the benefit's `department`. A benefit to the goal's own
department needs no joint goal.

## Why it matters
When one team's work creates value in another department (fewer support tickets,
shorter sales cycles), nobody in that department owns the gain, so it is never
banked: the saved capacity quietly disappears. A joint goal, co-owned by that
department's leader with a concrete commitment, turns the benefit into a plan.

## Fails
```yaml
kind: Goal
id: self-serve-setup
team: onboarding
benefits:
  - department: support
    effect: 30% fewer setup tickets
```

## Passes
```yaml
benefits:
  - department: support
    effect: 30% fewer setup tickets
joint:
  - department: support
    owner: tina            # support's leader
    commitment: Reallocate the saved 2 FTE to proactive onboarding calls
```
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.rules.context import Finding, RuleContext

CODE = "A302"
NAME = "joint-goal-missing"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    for goal in ctx.entities("Goal"):
        benefits = goal.data.get("benefits", [])
        if not benefits:
            continue
        own = ctx.goal_department(goal)
        joint = {j.get("department") for j in goal.data.get("joint", [])}
        for i, benefit in enumerate(benefits):
            dept = benefit.get("department")
            if dept == own or dept in joint:
                continue
            department = ctx.get(dept, "Department")
            leader = f" co-owned by `{department.data['leader']}`" if department else ""
            yield Finding(
                goal.location(("benefits", i, "department")),
                f"goal `{goal.id}` declares a benefit to `{dept}` ({benefit.get('effect', '')!s}) but has no joint "
                f"goal with `{dept}`: add a `joint` entry{leader} with a commitment to bank the benefit",
            )
