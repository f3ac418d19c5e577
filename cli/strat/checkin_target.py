"""What a check-in is a reading of: a goal's outcome, one of its key results, or an objective.

`strat checkin ID [--kr METRIC]` (and the `goal` and `kr` columns of `--csv`) name it:

* a goal's id alone: the goal's outcome (its `checkins`);
* a goal's id and a key result's metric: that key result (its own `checkins`);
* an objective's id: the objective's metric, the business number (its `checkins`); an
  objective has no key results, so a key result given with it is refused.

Two key results of one goal may measure the same metric; then the metric alone does not
say which, and the key result is named by its place in the goal's `key_results` (counted
from 1), after a `#`: `--kr setup-tickets#2`. Ids never hold a `#`, so this reads one way.

`resolve` gives the target, or every reason why there is none, in words; the value rules
(`%` read as points or as a share) then follow the target's metric, baseline and target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from strat.inert import visible
from strat.model import Model
from strat.refs import did_you_mean

_NUMBERED = re.compile(r"(?P<metric>[^#]*)#(?P<number>[0-9]+)")


@dataclass(frozen=True, slots=True)
class Target:
    """Where a check-in goes."""

    id: str
    kind: str  # "Goal" or "Objective"
    kr: int | None  # the index of the key result in the goal's `key_results`
    metric: Any  # the measured metric's id, as written (may be missing in a bad file)
    baseline: Any
    target: Any

    @property
    def key(self) -> tuple[str, int | None]:
        return self.id, self.kr

    @property
    def subject(self) -> str:
        """The target in words: goal `x`, goal `x` key result `m`, objective `y`."""
        if self.kind == "Objective":
            return f"objective `{self.id}`"
        if self.kr is not None:
            return f"goal `{self.id}` key result `{self.metric}`"
        return f"goal `{self.id}`"

    @property
    def current_field(self) -> str:
        """The field a check-in keeps up to date, when the target has one."""
        return "outcome.current" if self.kr is None else f"key_results[{self.kr}].current"


def resolve(model: Model, ident: str, kr: str | None, unreadable: str = "") -> tuple[Target | None, list[str]]:
    """The target named by an id and, optionally, a key result's metric (`METRIC` or
    `METRIC#N`). `unreadable`: the sentence to add when an id is unknown and some files
    could not be read."""
    doc = model.by_id.get(ident)
    kr = (kr or "").strip() or None
    shown = visible(ident)  # a line break or escape in an id or a CSV cell is shown, never output
    if not ident:
        return None, ["no goal or objective given"]
    if doc is None or doc.kind not in ("Goal", "Objective"):
        if doc is None and unreadable:
            return None, [f"no goal or objective with id `{shown}` in the files strat could read, and {unreadable}"]
        close = did_you_mean(ident, [d.id for d in (*model.of_kind("Goal"), *model.of_kind("Objective"))])
        hint = f"; did you mean `{close[0]}`?" if close else ""
        what = f" (`{shown}` is a {doc.kind})" if doc is not None else ""
        return None, [f"no goal or objective with id `{shown}`{what}{hint}"]
    data = doc.data
    if doc.kind == "Objective":
        if kr is not None:
            return None, [f"`{ident}` is an objective, and an objective has no key results: leave out the key "
                          f"result (`--kr`, or the `kr` cell) to check in its metric `{data.get('metric')}`"]
        return Target(ident, "Objective", None, data.get("metric"), data.get("baseline"), data.get("target")), []
    found = data.get("outcome")
    outcome: dict[str, Any] = found if isinstance(found, dict) else {}
    if kr is None:
        return Target(ident, "Goal", None, outcome.get("metric"), outcome.get("baseline"), outcome.get("target")), []
    return _key_result(ident, outcome, data.get("key_results"), kr)


def _key_result(goal: str, outcome: dict[str, Any], krs: Any, raw: str) -> tuple[Target | None, list[str]]:
    krs = [kr if isinstance(kr, dict) else {} for kr in krs] if isinstance(krs, list) else []
    metrics = [kr.get("metric") for kr in krs]
    listed = ", ".join(f"`{visible(m)}`" for m in dict.fromkeys(str(m) for m in metrics))
    numbered = _NUMBERED.fullmatch(raw)
    metric = numbered.group("metric") if numbered else raw
    given, shown = visible(raw), visible(metric)  # as text for a message: one line, nothing hidden
    if not krs:
        return None, [f"goal `{goal}` has no key results; leave out the key result to check in its outcome "
                      f"(metric `{outcome.get('metric')}`)"]
    if numbered:
        number = int(numbered.group("number"))
        if not 1 <= number <= len(krs):
            return None, [f"goal `{goal}` has {len(krs)} key result{'s' if len(krs) != 1 else ''}; there is no "
                          f"key result {number} (`{given}`)"]
        if metrics[number - 1] != metric:
            measured = visible(str(metrics[number - 1]))
            return None, [f"key result {number} of goal `{goal}` measures `{measured}`, not `{shown}`"]
        index = number - 1
    else:
        places = [i for i, m in enumerate(metrics) if m == metric]
        if not places:
            if metric == outcome.get("metric"):
                return None, [f"`{shown}` is the metric of goal `{goal}`'s outcome, not of a key result: leave out "
                              "the key result to check in the outcome"]
            close = did_you_mean(metric, [str(m) for m in metrics])
            hint = f"; did you mean `{close[0]}`?" if close else ""
            return None, [f"goal `{goal}` has no key result on metric `{shown}`{hint} (its key results "
                          f"measure {listed})"]
        if len(places) > 1:
            names = " or ".join(f"`{shown}#{i + 1}`" for i in places)
            which = ", ".join(str(i + 1) for i in places[:-1]) + f" and {places[-1] + 1}"
            return None, [f"goal `{goal}` has {len(places)} key results on metric `{shown}` (key results {which}, "
                          f"counted from 1); name one as {names}"]
        index = places[0]
    kr = krs[index]
    return Target(goal, "Goal", index, kr.get("metric"), kr.get("baseline"), kr.get("target")), []
