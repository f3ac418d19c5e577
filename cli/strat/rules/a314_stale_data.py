"""Stale data: a measured metric has no recent reading.

## What it checks
A metric that has readings (in any Readings document) or a `query` must have a reading
dated within `stale_data_days` (default 14, `strat.yaml`) of today (`--today`): a
reading exactly that many days old still counts. Readings dated after today are not
counted. The finding is reported at the metric's `id`, with the date of its latest
reading and how many days ago that was; the reading is named as a related location.
The metric is the thing that has gone stale, and its `id` line does not move as
readings are added, so that is where a `# strat: ignore[A314] reason` belongs for a
number that is only measured quarterly. A metric with neither readings nor a `query`
is not checked: nobody said it would be measured.

## Why it matters
Every current value, forecast and guardrail is judged from the latest reading. When the
data job has stopped, or the person who records the number has moved on, the site keeps
showing a number that is no longer true and calls goals on track from old data. Saying
so in the pull request is the cheapest way to notice.

## Fails
```yaml
kind: Readings
id: support-cost-2026
metric: support-cost
values:
  - {date: 2026-10-05, value: 960000}   # A314 on 2026-11-23: 49 days ago
```

## Passes
```yaml
values:
  - {date: 2026-10-05, value: 960000}
  - {date: 2026-11-16, value: 955000}   # 7 days ago
```

Option: `stale_data_days` in `strat.yaml` (default 14).
"""

from __future__ import annotations

from typing import Iterator

from strat.diagnostics import Severity
from strat.progress import measures, parse_date
from strat.rules.context import Finding, RuleContext

CODE = "A314"
NAME = "stale-data"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    facts = measures(ctx)
    days = ctx.config.stale_data_days
    today = ctx.today.isoformat()
    for metric in ctx.entities("Metric"):
        measured = facts.has_readings(metric.id)
        if not measured and "query" not in metric.data:
            continue
        latest = facts.latest(metric.id)
        day = parse_date(latest.date) if latest is not None else None
        if latest is None or day is None:
            what = "its readings are all dated after today" if measured else "it has a `query` but no reading yet"
            yield Finding(metric.location(("id",)),
                          f"metric `{metric.id}` has no reading on or before {today}: {what}; "
                          f"record its value (readings older than {days} days count as stale data)")
            continue
        ago = (ctx.today - day).days
        if ago <= days:
            continue
        yield Finding(metric.location(("id",)),
                      f"metric `{metric.id}` has stale data: its latest reading is from {latest.date}, {ago} days "
                      f"ago (more than `stale_data_days`, {days}); add the readings since",
                      ctx.reading_location(latest.path, latest.line))
