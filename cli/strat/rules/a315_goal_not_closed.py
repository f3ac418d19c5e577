"""Goal not closed: a goal is still active (or a draft) after its period ended.

## What it checks
A goal whose `status` is `active` or `draft` (a goal with no `status` is active) more
than `close_after_days` days (default 14, `strat.yaml`) after the end of its `period`,
counted from today (`--today`). On the last day of that grace time it is not reported
yet. Reported at `status`, or at `period` when the goal has no `status`. Goals that are
`done` or `dropped` are closed.

## Why it matters
A period ends with a close-out: each goal gets its final value and a score, and the
leaders read what landed and what did not. A goal left `active` keeps counting in
roll-ups and dashboards as if it were still being worked on, and the lesson of the
period is never written down. Setting `status: done` (or `dropped`), after a last
check-in with the final value, closes it by hand; `strat close PERIOD` closes every goal
of a period at once, with its final value and score (`result`), and can carry the goals
that fell short into the next period (`--carry`). See the how-to "Close a quarter".

## Fails
```yaml
kind: Goal
id: faster-activation
period: 2026-h1          # ended 2026-06-30
status: active           # A315 on 2026-11-23
```

## Passes
```yaml
period: 2026-h1
status: done
```

Option: `close_after_days` in `strat.yaml` (default 14).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from strat.diagnostics import Severity
from strat.progress import parse_date
from strat.rules.context import Finding, RuleContext

CODE = "A315"
NAME = "goal-not-closed"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    grace = ctx.config.close_after_days
    for goal in ctx.entities("Goal"):
        data = goal.data
        status = data.get("status", "active")
        if status not in ("active", "draft"):
            continue
        period = data.get("period")
        end = parse_date(ctx.period_end(period))
        if end is None or (ctx.today - end).days <= grace:
            continue
        ago = (ctx.today - end).days
        yield Finding(goal.location(("status",) if "status" in data else ("period",)),
                      f"goal `{goal.id}` is still {status} {ago} days after its period `{period}` ended on "
                      f"{end.isoformat()}: close the period with `strat close {period}` (it scores each goal "
                      "and sets `status: done`), or set `status: done` (or `dropped`) by hand")
