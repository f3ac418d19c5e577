"""Stale goal: no check-in and no change for too long.

## What it checks
An active goal with no check-in in the last `stale_after_days` days (default 45) and
no commit touching its file in that time, from git history. Reported at the goal's
`id`. Outside a git repository the rule is skipped with one info note; so it is in a
shallow clone cut inside the window (CI's default depth-1 checkout): the commits that
would show a goal's file changed are missing, so the rule says it cannot judge rather
than calling every goal stale or none. Fetch the history (`fetch-depth: 0` on
actions/checkout) to run it. A file name is matched byte for byte, whatever its
characters.

## Why it matters
A goal nobody has looked at for six weeks is not steering anything. Regular check-ins
(by hand or from a data job with `strat checkin --csv`) keep the strategy honest and
make progress visible on the site.

## Fails
```yaml
status: active
checkins:
  - {date: 2026-08-01, value: 0.34}    # and the file unchanged since
```

## Passes
```yaml
checkins:
  - {date: 2026-11-14, value: 0.39, confidence: 0.7}
```

Option: `stale_after_days` in `strat.yaml` (default 45).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from strat.diagnostics import Severity
from strat.rules.context import Finding, RuleContext

CODE = "A311"
NAME = "stale-goal"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    if ctx.git is None or ctx.git.history_cut:  # outside git, or a shallow clone: one info note instead
        return
    goals = [g for g in ctx.entities("Goal") if g.data.get("status", "active") == "active"]
    days = ctx.config.stale_after_days
    cutoff = (ctx.today - dt.timedelta(days=days)).isoformat()
    for goal in goals:
        if goal.path in ctx.git.recently_changed:
            continue
        dates = [c.get("date") for c in goal.data.get("checkins", []) if isinstance(c.get("date"), str)]
        latest = max(dates, default=None)
        if latest is not None and latest >= cutoff:
            continue
        since = f"the last check-in is from {latest}" if latest else "it has no check-in"
        yield Finding(goal.location(("id",)),
                      f"goal `{goal.id}` is stale: {since} and its file has not changed in {days} days; "
                      "record a check-in (`strat checkin`)")
