"""Scores of closed goals: the one reading of a goal's `result` (written by `strat close`),
the carried links both ways, the average score and the score distribution. Every view
(the site's period and goal pages, `strat report`) calls these; none reads `result` itself.

A score is the goal's progress clamped to 0..1 and rounded to 0.1 (`strat.close.score_of`);
here it is only read back. An average is the plain mean of the scores of the closed goals
(dropped goals and goals without a score are left out and counted), as an OKR grade is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from strat.load import Document

if TYPE_CHECKING:
    from strat.rules.context import RuleContext

BUCKETS = 11  # 0.0, 0.1, … 1.0


@dataclass(frozen=True, slots=True)
class Result:
    """A closed goal's result as written: date, final value, score (0..1), the owner's note."""

    date: str | None
    final: float | None
    score: float | None
    note: str


@dataclass(frozen=True, slots=True)
class Average:
    """The mean score of some closed goals and how many it covers."""

    mean: float | None  # None when no goal has a score
    scored: int  # goals with a score, in the mean
    unscored: int  # goals of the set without one (open, dropped, no result)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if number == number and abs(number) != float("inf") else None


def result_of(goal: Document) -> Result | None:
    """The goal's `result`, or None when it has none (or it is not a mapping)."""
    found = goal.data.get("result")
    if not isinstance(found, dict):
        return None
    date = found.get("date")
    note = found.get("note")
    score = _number(found.get("score"))
    if score is not None and not 0.0 <= score <= 1.0:
        score = None  # the schema bounds it; a hand edit past it is not a score
    return Result(
        date=str(date) if date is not None else None,
        final=_number(found.get("final")),
        score=score,
        note=note if isinstance(note, str) else "",
    )


def score(goal: Document) -> float | None:
    result = result_of(goal)
    return result.score if result is not None else None


def average(goals: Iterable[Document]) -> Average:
    values: list[float] = []
    unscored = 0
    for goal in goals:
        found = score(goal)
        if found is None:
            unscored += 1
        else:
            values.append(found)
    mean = round(sum(values) / len(values), 2) if values else None
    return Average(mean, len(values), unscored)


def bucket(value: float) -> int:
    """The distribution bar a score falls in: 0 for 0.0 … 10 for 1.0 (nearest tenth)."""
    return min(BUCKETS - 1, max(0, int(round(value * 10))))


def distribution(goals: Iterable[Document]) -> tuple[int, ...]:
    """How many goals scored 0.0, 0.1, … 1.0 (goals without a score are not counted)."""
    counts = [0] * BUCKETS
    for goal in goals:
        found = score(goal)
        if found is not None:
            counts[bucket(found)] += 1
    return tuple(counts)


class Scores:
    """The scores of one loaded strategy: build it once per run with `scores(ctx)`."""

    def __init__(self, ctx: "RuleContext") -> None:
        self.ctx = ctx

    @functools.cached_property
    def carried_into(self) -> dict[str, tuple[str, ...]]:
        """goal id → the ids of the goals that name it in `carried_from`, in id order."""
        found: dict[str, list[str]] = {}
        for goal in self.ctx.entities("Goal"):
            source = goal.data.get("carried_from")
            if isinstance(source, str) and goal.id is not None:
                found.setdefault(source, []).append(goal.id)
        return {source: tuple(sorted(ids)) for source, ids in found.items()}

    def carried_from(self, goal: Document) -> Document | None:
        """The goal this one continues, when it names one that exists."""
        source = goal.data.get("carried_from")
        return self.ctx.get(source, "Goal") if isinstance(source, str) else None

    def period_goals(self, period: str) -> list[Document]:
        """The goals of `period`, in id order."""
        return sorted((g for g in self.ctx.entities("Goal") if g.data.get("period") == period),
                      key=lambda g: g.id or "")

    def closed(self, period: str) -> list[Document]:
        """The goals of `period` that have a score."""
        return [g for g in self.period_goals(period) if score(g) is not None]

    def period_average(self, period: str) -> Average:
        return average(g for g in self.period_goals(period) if g.data.get("status") != "dropped")

    def period_distribution(self, period: str) -> tuple[int, ...]:
        return distribution(self.period_goals(period))

    def by_objective(self, period: str) -> dict[str | None, Average]:
        """objective id (None: goals that reach no objective) → the average score of the
        period's goals under it (dropped goals left out), for objectives with a goal in the
        period."""
        groups: dict[str | None, list[Document]] = {}
        for goal in self.period_goals(period):
            if goal.data.get("status") == "dropped":
                continue
            objective = self.ctx.objective_of(goal)
            groups.setdefault(objective.id if objective is not None else None, []).append(goal)
        return {key: average(goals) for key, goals in groups.items()}


def scores(ctx: "RuleContext") -> Scores:
    """The run's one `Scores` (kept on the context like `strat.progress.measures`)."""
    found = getattr(ctx, "_scores", None)
    if found is None:
        found = Scores(ctx)
        setattr(ctx, "_scores", found)
    return found
