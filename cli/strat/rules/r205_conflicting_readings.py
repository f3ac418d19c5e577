"""Conflicting readings: two readings of one metric on one date with different values.

## What it checks
Every reading of a metric, across all its Readings documents (a metric may have one
file a year, or several documents in one file), has one value per date. A second
reading on the same date with a different value is reported at that reading's `value`,
the later one in reading order (files by path, then documents and lines in order), with
the first reading named as a related location and both values in the message. The same
value written twice on one date is not a finding: it counts once.

## Why it matters
The current value of an objective, a goal's outcome and every chart on the site come
from these readings. Two values for one date mean one of them is wrong, or that the
number was restated and the old line kept: strat would take the later line as the value
of that date and the reader of the pull request would not know which one leadership is
looking at. A restatement replaces the old value, with a `note` saying why.

## Fails
```yaml
kind: Readings
id: arr-2026
metric: arr
values:
  - {date: 2026-11-23, value: 44000000}
  - {date: 2026-11-23, value: 44100000}   # R205: the 23rd already reads 44,000,000
```

## Passes
```yaml
values:
  - {date: 2026-11-23, value: 44100000, note: Restated after the November billing fix.}
  - {date: 2026-11-30, value: 44100000}
```
"""

from __future__ import annotations

from typing import Any, Iterator

from strat.diagnostics import Severity
from strat.load import Document
from strat.numbers import finite
from strat.progress import parse_date
from strat.rules.context import Finding, RuleContext, two_values

CODE = "R205"
NAME = "conflicting-readings"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    suspects = _dated_twice(ctx)
    if not suspects:
        return
    # metric → date → the first reading (value, document, index); locations only for a finding
    first: dict[str, dict[str, tuple[float, Document, int]]] = {}
    valid: dict[str, bool] = {}  # date text → a real date (daily readings share their dates)
    for doc in ctx.entities("Readings"):
        metric = doc.data.get("metric")
        entries = doc.data.get("values")
        if metric not in suspects or not isinstance(entries, list):
            continue
        dates = first.setdefault(metric, {})
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            date, value = entry.get("date"), finite(entry.get("value"))
            if value is None or not isinstance(date, str):
                continue
            ok = valid.get(date)
            if ok is None:
                ok = valid[date] = parse_date(date) is not None
            if not ok:
                continue
            seen = dates.setdefault(date, (value, doc, i))
            if seen[1] is doc and seen[2] == i or seen[0] == value:
                continue
            here, there = doc.location(("values", i, "value")), seen[1].location(("values", seen[2], "value"))
            shown_first, shown_here = two_values(seen[0], value, _unit(ctx, metric))
            yield Finding(here,
                          f"metric `{metric}` has two readings on {date} with different values: {shown_here} here "
                          f"and {shown_first} at {there.path}:{there.line}; keep one (a restatement replaces "
                          "the old value, with a `note` saying why)",
                          (there,))


def _dated_twice(ctx: RuleContext) -> set[str]:
    """The metrics with some date text written on two of their readings: the only ones
    that can have a finding (a quick pass over the dates, in C; most have none)."""
    dates: dict[str, list[Any]] = {}
    for doc in ctx.entities("Readings"):
        metric, entries = doc.data.get("metric"), doc.data.get("values")
        if isinstance(metric, str) and isinstance(entries, list):
            dates.setdefault(metric, []).extend(
                [e.get("date") for e in entries if isinstance(e, dict) and isinstance(e.get("date"), str)])
    return {metric for metric, found in dates.items() if len(set(found)) != len(found)}


def _unit(ctx: RuleContext, metric: str) -> Any:
    found = ctx.metric(metric)
    return found.data.get("unit") if found is not None else None
