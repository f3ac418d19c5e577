"""ROI unknown: a team's cost or the impact of its goals is missing.

## What it checks
Every team states its `cost` (annual, currency), and at least one of its goals states
an expected financial `impact`. Reported at the team's `id`.

## Why it matters
Leaders read product work in the language of the business. A back-of-the-envelope
cost against the financial impact of a team's goals (ROI) lets them compare bets; a
team without either figure cannot be weighed, so its work is funded on faith.

## Fails
```yaml
kind: Team
id: onboarding
# no cost, or no goal of the team declares impact
```

## Passes
```yaml
kind: Team
id: onboarding
cost: {annual: 1400000, currency: USD}
# and a goal of the team:
impact: {annual: 900000, currency: USD, basis: 3 pts of activation × 1,200 trials × $2,500 ACV}
```
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.rules.context import Finding, RuleContext

CODE = "A310"
NAME = "roi-unknown"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    with_impact: set[str] = set()
    with_goals: set[str] = set()
    broken_team_refs = False  # a goal naming a team that does not exist: R201 says so; don't pile on
    for goal in ctx.model.of_kind("Goal"):
        team = goal.data.get("team")
        if isinstance(team, str) and ctx.model.get(team, "Team") is None:
            broken_team_refs = True
        if isinstance(team, str):
            with_goals.add(team)
            if goal.data.get("impact"):
                with_impact.add(team)
    for team in ctx.entities("Team"):
        if not team.data.get("cost"):
            yield Finding(team.location(("id",)),
                          f"team `{team.id}` states no `cost` (annual, currency): its ROI cannot be shown")
        elif team.id not in with_impact and not broken_team_refs:
            what = "none of its goals declares" if team.id in with_goals else "it has no goals, so none declares"
            yield Finding(team.location(("id",)),
                          f"team `{team.id}`: {what} an expected financial `impact`; its ROI cannot be shown")
