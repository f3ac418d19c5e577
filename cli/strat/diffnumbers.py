"""What a change does to the numbers, for `strat diff`.

Both revisions are measured by `strat.progress` on the same day (`--today`), and every
objective and goal whose measured facts differ gets one entry: an objective when its
number (the current value of its metric, its progress, forecast or status) or its goals'
weighted roll-up moved; a goal when its outcome, a key result or the key results' roll-up
moved. A pull request that adds ten readings of one metric is one entry per objective or
goal those readings move, not ten. Nothing is computed here: the facts are the ones the
tree and the site show, and the words are `strat.progress.sentence`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from strat.load import Document
from strat.numbers import measure
from strat.progress import KeyResult, Measures, Progress, Rollup, forecast_text, forecast_value, sentence
from strat.rules.context import RuleContext

# The kinds whose change can move a number (a Strategy's periods are the windows; a
# Metric's unit and name are in the words).
NUMBER_KINDS = frozenset({"Readings", "Objective", "Goal", "Metric", "Strategy"})


def _key(progress: Progress | None) -> tuple[Any, ...] | None:
    """What a reader sees of a measured thing (the figures as the words round them), so
    float noise in a forecast never lists a goal whose words did not change."""
    if progress is None:
        return None
    f = progress.forecast
    return (progress.current, progress.current_date, progress.source, progress.baseline, progress.target,
            progress.percent, progress.confidence, progress.status,
            None if f is None else (forecast_value(progress), f.date))


def _rollup_key(rollup: Rollup | None) -> tuple[Any, ...] | None:
    return None if rollup is None else (rollup.percent, rollup.counted, rollup.left_out, _counts(rollup))


def _counts(rollup: Rollup | None) -> str:
    """"1 off track, 2 on track" (the statuses of a roll-up's members)."""
    return ", ".join(f"{n} {s.replace('-', ' ')}" for s, n in (rollup.counts if rollup else {}).items())


def _was(before: Progress | None, unit: str | None) -> str:
    """"was 38%, 33% of the way, off track": the earlier state, briefly."""
    if before is None:
        return "new"
    if before.current is None:
        return f"was no value, {before.label.lower()}"
    parts = [measure(before.current, unit)]
    if before.percent is not None:
        parts.append(f"{before.percent}% of the way")
    if before.forecast is not None:
        parts.append(f"forecast {forecast_text(before, unit)}")
    return "was " + ", ".join(parts + [before.label.lower()])


def _rollup_words(before: Rollup | None, after: Rollup | None, noun: str) -> str:
    """"its goals now 40% of the way (1 on track, 1 at risk), was 33% of the way (2 at
    risk)": the statuses before are said only when they differ."""
    def share(r: Rollup | None) -> str:
        return "no share yet" if r is None or r.percent is None else f"{r.percent}% of the way"

    now, then = _counts(after), _counts(before)
    text = f"its {noun} now {share(after)}" + (f" ({now})" if now else "") + f", was {share(before)}"
    return text + (f" ({then})" if then and then != now else "")


@dataclass(frozen=True, slots=True)
class KeyResultChange:
    metric: str | None
    index: int
    label: str
    before: Progress | None
    after: Progress | None  # None: removed

    def words(self, unit: str | None) -> str:
        if self.after is None:
            return f"key result on `{self.metric}` removed"
        return f"key result {sentence(self.label, self.after, unit)}; {_was(self.before, unit)}"


@dataclass(slots=True)
class NumberChange:
    """One objective or goal whose measured facts differ between the two revisions."""

    kind: str  # "objective" | "goal"
    id: str
    label: str  # the metric's name, as the words say it
    unit: str | None
    before: Progress | None  # None: the entity is new
    after: Progress
    rollup_before: Rollup | None = None  # an objective's goals, a goal's key results
    rollup_after: Rollup | None = None
    key_results: list[KeyResultChange] = field(default_factory=list)
    kr_units: dict[int, str | None] = field(default_factory=dict)

    @property
    def number_moved(self) -> bool:
        return _key(self.before) != _key(self.after)

    @property
    def rollup_moved(self) -> bool:
        return _rollup_key(self.rollup_before) != _rollup_key(self.rollup_after)

    def sentences(self) -> list[str]:
        """The entry in words: the first line says the number now and before; the others,
        each key result that moved."""
        noun = f"{self.kind} `{self.id}`"
        lines = []
        if self.number_moved:
            lines.append(f"{sentence(self.label, self.after, self.unit)}; {_was(self.before, self.unit)}")
        if self.rollup_moved:
            words = _rollup_words(self.rollup_before, self.rollup_after,
                                  "goals" if self.kind == "objective" else "key results")
            if lines:
                lines[0] += f"; {words}"
            else:
                lines.append(words)
        lines.extend(kr.words(self.kr_units.get(kr.index)) for kr in self.key_results)
        if not lines:  # nothing moved: never listed, but say the number rather than nothing
            lines.append(sentence(self.label, self.after, self.unit))
        return [f"{noun}: {line}" for line in lines]


def _unit(ctx: RuleContext, metric: Any) -> tuple[str, str | None]:
    """(name, unit) of a metric, for the words."""
    doc = ctx.get(metric, "Metric")
    if doc is None:
        return (metric if isinstance(metric, str) else "the number"), None
    name, unit = doc.data.get("name"), doc.data.get("unit")
    return (name if isinstance(name, str) and name.strip() else doc.id), (unit if isinstance(unit, str) else None)


def _kr_pairs(before: tuple[KeyResult, ...], after: tuple[KeyResult, ...]) -> list[tuple[KeyResult | None, KeyResult | None]]:
    """Key results matched by metric (as `strat diff` matches list items), else by position."""
    def key(kr: KeyResult) -> Any:
        return ("metric", kr.metric) if kr.metric is not None else ("index", kr.index)

    old = {key(k): k for k in before}
    new = {key(k): k for k in after}
    return [(old.get(k), new.get(k)) for k in list(new) + [k for k in old if k not in new]]


def number_changes(before: RuleContext, after: RuleContext, only: set[str] | None = None) -> list[NumberChange]:
    """Every objective, then every goal, whose numbers differ, by id. Both contexts must be
    on the same day. `only` (from `affected`): the ids that may have moved; the others
    are not measured (None: measure every one)."""
    from strat.progress import measures

    old, new = measures(before), measures(after)
    if only is not None:
        new.share_goals(old, only)
    out: list[NumberChange] = []
    for doc in sorted(after.entities("Objective"), key=lambda d: d.id):
        if only is not None and doc.id not in only:
            continue
        change = _objective(old, new, before.get(doc.id, "Objective"), doc)
        if change is not None:
            out.append(change)
    for doc in sorted(after.entities("Goal"), key=lambda d: d.id):
        if only is not None and doc.id not in only:
            continue
        change = _goal(old, new, before.get(doc.id, "Goal"), doc)
        if change is not None:
            out.append(change)
    return out


def _objective(old: Measures, new: Measures, was: Any, doc: Any) -> NumberChange | None:
    now = new.objective(doc)
    then = old.objective(was) if was is not None else None
    label, unit = _unit(new.ctx, doc.data.get("metric"))
    change = NumberChange("objective", doc.id, label, unit, then.number if then else None, now.number,
                          then.goals if then else None, now.goals)
    if then is None:
        return change if now.number.current is not None else None
    return change if change.number_moved or change.rollup_moved else None


def _goal(old: Measures, new: Measures, was: Any, doc: Any) -> NumberChange | None:
    now = new.goal(doc)
    then = old.goal(was) if was is not None else None
    outcome = doc.data.get("outcome")
    label, unit = _unit(new.ctx, outcome.get("metric") if isinstance(outcome, dict) else None)
    change = NumberChange("goal", doc.id, label, unit, then.outcome if then else None, now.outcome,
                          then.key_result_rollup if then else None, now.key_result_rollup)
    if then is None:
        return change if now.outcome.current is not None else None
    for before_kr, after_kr in _kr_pairs(then.key_results, now.key_results):
        b = before_kr.progress if before_kr else None
        a = after_kr.progress if after_kr else None
        if _key(b) == _key(a):
            continue
        shown = after_kr or before_kr
        assert shown is not None
        kr_label, kr_unit = _unit(new.ctx, shown.metric)
        change.kr_units[shown.index] = kr_unit
        change.key_results.append(KeyResultChange(shown.metric, shown.index, shown.title or kr_label, b, a))
    if change.number_moved or change.rollup_moved or change.key_results:
        return change
    return None


def affected(before: RuleContext, after: RuleContext, changed: Iterable[Document]) -> set[str] | None:
    """The objectives and goals whose numbers a change can move, given the documents of
    the files that differ (both sides): what `strat.progress.Measures` reads for one of
    them is its own data, its metrics' Readings, the periods, whether each of these is
    usable (valid, references resolved) and, for an objective, its goals. So: the
    entities changed or whose usability changed; the goals and objectives measured on a
    metric whose definition or readings changed; the objectives of all of those goals
    (on either side). None (measure everything) when the periods differ."""
    if before.model.periods != after.model.periods:
        return None
    ids = {doc.id for doc in changed if isinstance(doc.id, str)}
    ids |= before.model.unresolved ^ after.model.unresolved
    metrics = {doc.id for doc in changed if doc.kind == "Metric" and isinstance(doc.id, str)}
    for ctx in (before, after):
        for doc in ctx.model.of_kind("Readings"):
            if doc.id in ids and isinstance(doc.data.get("metric"), str):
                metrics.add(doc.data["metric"])
        metrics.update(ident for ident in ids if ctx.model.get(ident, "Metric") is not None)
    out = set(ids)
    for ctx in (before, after):
        for doc in ctx.model.of_kind("Goal"):
            data = doc.data
            outcome = data.get("outcome")
            uses = {outcome.get("metric")} if isinstance(outcome, dict) else set()
            uses.update(kr.get("metric") for kr in data.get("key_results") or () if isinstance(kr, dict))
            if doc.id in ids or not metrics.isdisjoint(uses):
                out.add(doc.id)
                if isinstance(data.get("parent"), str):
                    out.add(data["parent"])
        out.update(doc.id for doc in ctx.model.of_kind("Objective") if doc.data.get("metric") in metrics)
    return out
