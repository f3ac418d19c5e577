"""Joint owner: a joint goal is co-owned by the partner department's leader.

## What it checks
Each `joint` entry's `owner` is the `leader` of the department it names. Reported at
the entry's `owner`, naming the department's actual leader.

## Why it matters
A benefit is banked only by someone who can reallocate the department's capacity or
budget. A joint goal "owned" by someone without that authority is a wish, not a
commitment; the leader must sign up to it (and, with `strat codeowners`, review it).

## Fails
```yaml
joint:
  - department: support      # led by tina
    owner: sam
    commitment: Reallocate saved capacity to onboarding calls
```

## Passes
```yaml
joint:
  - department: support
    owner: tina
    commitment: Reallocate saved capacity to onboarding calls
```
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.rules.context import Finding, RuleContext

CODE = "A303"
NAME = "joint-owner"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    for goal in ctx.entities("Goal"):
        for i, joint in enumerate(goal.data.get("joint", [])):
            department = ctx.get(joint.get("department"), "Department")
            if department is None:
                continue
            leader = department.data.get("leader")
            if joint.get("owner") != leader:
                yield Finding(
                    goal.location(("joint", i, "owner")),
                    f"the joint goal with `{department.id}` is owned by `{joint.get('owner')}`, but the "
                    f"department's leader is `{leader}`; make `{leader}` the owner so the commitment is theirs",
                    (department.location(("leader",)),),
                )
