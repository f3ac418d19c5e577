"""Current not latest: a hand-written `current` disagrees with the latest check-in.

## What it checks
A goal's `outcome.current`, or a key result's `current`, when the same outcome has
check-ins: the value written in `current` must equal the latest check-in's value (the
latest dated on or before today, `--today`), which is the value every view shows. The
finding is reported at `current`. `strat lint --fix` sets `current` to that value.

## Why it matters
`current` is a hand-kept copy of the latest number, for readers of the file; once the
goal has check-ins, strat reads them instead (`strat checkin` updates both). When a
check-in was added by hand, or `current` was edited after it, the file says one number
and the site, `strat tree` and the review pack another, and a reviewer of the pull
request cannot tell which is true.

## Fails
```yaml
outcome:
  metric: activation-rate
  baseline: 0.32
  target: 0.5
  current: 0.36          # A316: the latest check-in says 0.38
checkins:
  - {date: 2026-11-15, value: 0.38}
```

## Passes
```yaml
outcome:
  current: 0.38
checkins:
  - {date: 2026-11-15, value: 0.38}
```
"""

from __future__ import annotations

from typing import Any, Iterator

from strat.diagnostics import Fix, Severity
from strat.numbers import finite, number
from strat.progress import Reading, measures
from strat.rules.context import Finding, RuleContext

CODE = "A316"
NAME = "current-not-latest"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    measured = measures(ctx)
    for goal in ctx.entities("Goal"):
        data = goal.data
        outcome = data.get("outcome")
        if isinstance(outcome, dict) and "current" in outcome:
            yield from _compare(goal, ("outcome", "current"), outcome["current"],
                                measured.latest_checkin(data.get("checkins")), f"goal `{goal.id}`")
        for index, kr in enumerate(data.get("key_results") or ()):
            if isinstance(kr, dict) and "current" in kr:
                yield from _compare(goal, ("key_results", index, "current"), kr["current"],
                                    measured.latest_checkin(kr.get("checkins")), f"goal `{goal.id}`, key result {index + 1}")


def _compare(goal: Any, path: tuple[str | int, ...], written: Any, latest: Reading | None, what: str) -> Iterator[Finding]:
    value = finite(written)
    if value is None or latest is None or value == latest.value:
        return
    text = _yaml_number(latest.value)
    yield Finding(goal.location(path),
                  f"{what}: `current` is {number(value)} but the latest check-in ({latest.date}) says "
                  f"{number(latest.value)}, which every view shows; set `current: {text}` (`strat lint --fix` does), "
                  "or remove `current`: the check-ins carry the value",
                  fix=Fix("replace", path, text, goal.index, f"`current`: {number(value)} → {text}", latest.value))


def _yaml_number(value: float) -> str:
    """The number as YAML reads it back exactly (0.38, 1080, 26.5)."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
