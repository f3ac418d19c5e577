"""One link: a goal sits at most one link away from a core business objective.

## What it checks
Every goal's `parent` chain reaches an Objective within `max_links` links (default 1):
a goal's parent is an Objective, not another goal's goal. Team, department and
individual (person) goals are held to the same rule. The finding is reported at the
goal's `parent`, with the whole chain and its length.

## Why it matters
Deep cascades (company → department → team → individual) are how "OKR theater" starts:
three links down, nobody can say what a goal does for the business. With one link,
every goal names the business objective it moves, and leaders can read the whole map.

## Fails
```yaml
kind: Goal
id: eve-experiments
parent: onboarding-activation   # a Goal whose parent is the objective grow-arr
```
`eve-experiments → onboarding-activation → grow-arr is 2 links`.

## Passes
```yaml
kind: Goal
id: eve-experiments
parent: grow-arr                # the Objective itself
supports: [onboarding-activation]   # secondary links are shown, never counted
```
Or make the work a key result of `onboarding-activation` instead of a goal of its own.

Option: `max_links` in `strat.yaml` (default 1).
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.rules.context import Finding, RuleContext

CODE = "A301"
NAME = "one-link"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    limit = ctx.config.max_links
    for goal in ctx.entities("Goal"):
        links = ctx.links(goal)
        if links <= limit:
            continue
        objective = ctx.objective_of(goal)
        if objective is None:
            continue
        chain = ctx.chain(goal, limit=6)
        if chain[-1] != objective.id:
            chain = chain[:5] + ["…", objective.id]
        parent = goal.data["parent"]
        yield Finding(
            goal.location(("parent",)),
            f"{' → '.join(chain)} is {links} links; align `{goal.id}` to `{objective.id}` directly, "
            f"or make it a key result of `{parent}`",
            (objective.location(("id",)),),
        )
