"""Is the strategy working? The one computation of current value, progress, roll-up,
forecast and status, for every goal, key result, objective and the North Star.

Every view calls this module and nothing else for these facts: `strat tree`, the site,
`strat diff`, `strat roi`, the rules that judge numbers (A313, A314) and every JSON
output. It is part of the library core: it imports neither the site nor the CLI.

## The rules (also on the Concepts page)

- **Values over time.** A metric's values are its Readings documents, merged and sorted
  by date (one metric may have several). A goal's outcome takes its own `checkins`, a key
  result its own `checkins`, an objective its own `checkins`; each of them, with no
  check-in, takes its metric's readings (a goal or key result only those inside its
  period). Values dated after `today` are ignored, so `--today` reproduces a past view.
- **Current value**: the latest of those values, with its date and source; with none, the
  hand-written `current:` (goal outcome and key result), undated.
- **Progress** = (current − baseline) / (target − baseline), not clamped.
- **Window**: a goal's (and its key results') is its period. An objective's runs from the
  start of its own `period`, or, with only `due`, from the start of the Strategy's
  earliest period (the baseline is set when planning starts) to its due date.
- **Forecast**: with at least three values inside the window (on at least two dates), the
  least-squares line through them, projected to the end of the window. On track when the
  projection reaches the target; at risk when it covers at least `forecast_at_risk` of the
  way (0.7 by default, `strat.yaml`); off track below. With fewer values, the pace rule:
  progress against the share of the window gone by (at most 10 points behind and
  confidence at least 0.7: on track; more than 25 points behind or confidence below 0.4:
  off track; at risk between). Either way a latest confidence below 0.4 makes a goal at
  least at risk. A goal that is `done` or `dropped` has no forecast: it is closed.
- **Roll-up**: a goal's key results roll up to their weighted mean progress; an
  objective's goals (those whose `parent` is the objective) to the weighted mean of their
  outcome progress. Each progress is clamped to 0..100 % in a roll-up (one goal at 300 %
  must not hide two at 0 %); goals with no data, drafts and dropped goals are left out
  and counted apart. `weight` defaults to 1.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeGuard

from strat.load import Document
from strat.model import mapping
from strat.numbers import finite, measure, number

if TYPE_CHECKING:
    from strat.rules.context import RuleContext

# Status of a goal or objective: the label shown and the order used to sort (worst first).
STATUS_LABELS = {
    "off-track": "Off track",
    "at-risk": "At risk",
    "on-track": "On track",
    "no-data": "No data",
    "not-started": "Not started",
    "done": "Done",
    "draft": "Draft",
    "dropped": "Dropped",
}
STATUS_ORDER = {key: i for i, key in enumerate(STATUS_LABELS)}

# The pace rule (fewer than three values): confidence in the usual OKR bands, progress
# compared with the share of the window gone by.
CONFIDENT, DOUBTFUL = 0.7, 0.4
BEHIND, FAR_BEHIND = 0.10, 0.25
MIN_FORECAST_VALUES = 3
AT_RISK = 0.7  # default of `forecast_at_risk`


@dataclass(frozen=True, slots=True)
class Reading:
    """One dated value: a check-in (with confidence, note, who) or a metric reading."""

    date: str
    value: float
    confidence: float | None = None
    note: str | None = None
    by: str | None = None
    source: str = "check-in"  # "check-in" | "readings"
    path: str | None = None  # the file it was read from
    line: int | None = None


_NEW = object.__new__
_SET_DATE, _SET_VALUE, _SET_NOTE, _SET_SOURCE, _SET_PATH, _SET_LINE = (
    getattr(Reading, name).__set__ for name in ("date", "value", "note", "source", "path", "line"))
_OTHER_FIELDS = [(getattr(Reading, f.name).__set__, f.default) for f in fields(Reading)
                 if f.name not in ("date", "value", "note", "source", "path", "line")]


def _metric_reading(date: str, value: float, note: str | None, path: str, line: int | None) -> Reading:
    """`Reading(date, value, note=note, source="readings", path=path, line=line)`, set
    through its slots: a frozen dataclass's `__init__` takes 3 µs, a second for the
    219,000 readings of 200 metrics over three years (bench/lint.py --readings)."""
    reading = _NEW(Reading)
    _SET_DATE(reading, date)
    _SET_VALUE(reading, value)
    _SET_NOTE(reading, note)
    _SET_SOURCE(reading, "readings")
    _SET_PATH(reading, path)
    _SET_LINE(reading, line)
    for setter, default in _OTHER_FIELDS:  # confidence, by: their defaults
        setter(reading, default)
    return reading


@dataclass(frozen=True, slots=True)
class Forecast:
    """The least-squares line through the window's values, projected to its end."""

    value: float  # where the line lands on `date`
    date: str  # the end of the window (a goal's period end, an objective's due date)
    fraction: float | None  # the projection's share of the way from baseline to target
    points: int  # how many values the line was fitted to
    slope_per_day: float
    first_date: str  # where the drawn line starts
    first_value: float


@dataclass(frozen=True, slots=True)
class Progress:
    """Where one measured thing stands (a goal's outcome, a key result, an objective's
    number): baseline → current → target, the share of the way covered, the share of the
    window gone by, the latest confidence, the forecast and the resulting status."""

    baseline: float | None
    target: float | None
    current: float | None
    fraction: float | None  # (current - baseline) / (target - baseline), not clamped
    elapsed: float | None  # 0..1
    confidence: float | None
    status: str
    readings: tuple[Reading, ...] = ()  # the values over time, oldest first (charts)
    start: str | None = None  # the window
    end: str | None = None
    current_date: str | None = None  # None: the hand-written `current`
    source: str | None = None  # "check-in" | "readings" | "current"
    forecast: Forecast | None = None
    basis: str = "pace"  # how the status was judged: "forecast" | "pace" | "state"
    confidences: tuple[tuple[str, float], ...] = ()  # (date, confidence), oldest first

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def percent(self) -> int | None:
        return percent(self.fraction)

    @property
    def confidence_trend(self) -> str | None:
        """"up", "down" or "flat" from the previous stated confidence to the latest."""
        if len(self.confidences) < 2:
            return None
        before, latest = self.confidences[-2][1], self.confidences[-1][1]
        return "up" if latest > before else "down" if latest < before else "flat"


@dataclass(frozen=True, slots=True)
class Rollup:
    """The weighted mean progress of some children (key results, or an objective's goals),
    each clamped to 0..1, and how many are in each status."""

    fraction: float | None
    counted: int  # children with a progress, in the mean
    left_out: int  # children with no data, drafts, dropped
    counts: dict[str, int]

    @property
    def percent(self) -> int | None:
        return percent(self.fraction)


@dataclass(frozen=True, slots=True)
class KeyResult:
    index: int
    metric: str | None
    title: str | None
    weight: float
    progress: Progress


@dataclass(frozen=True, slots=True)
class GoalProgress:
    outcome: Progress
    key_results: tuple[KeyResult, ...]
    key_result_rollup: Rollup | None
    weight: float


@dataclass(frozen=True, slots=True)
class ObjectiveProgress:
    number: Progress  # the objective's own metric: the business number
    goals: Rollup  # its goals' weighted progress, with status counts
    metric: str | None
    unit: str | None
    due: str | None


@dataclass(frozen=True, slots=True)
class Trend:
    """The North Star (or any metric) over time: its values, the latest, and the move
    over the last four weeks and since the window's start."""

    metric: str
    unit: str | None
    better: str | None
    readings: tuple[Reading, ...]
    latest: Reading | None
    change_4w: float | None  # latest minus the value 28 days (or the nearest before) earlier
    change_start: float | None  # latest minus the first value since `start`
    start: str | None

    @property
    def direction(self) -> str | None:
        """"up", "down" or "flat" over the last four weeks."""
        if self.change_4w is None:
            return None
        return "up" if self.change_4w > 0 else "down" if self.change_4w < 0 else "flat"

    @property
    def improving(self) -> bool | None:
        if self.direction in (None, "flat"):
            return None
        return (self.direction == "up") == (self.better != "down")


def percent(value: float | None) -> int | None:
    """A fraction as a whole percentage; None when there is none, or when it is too large
    to be one (a reading near 1.8e308)."""
    if value is None or not math.isfinite(value * 100):
        return None
    return int(round(value * 100))


def fraction(baseline: float | None, target: float | None, current: float | None) -> float | None:
    """The share of the way from baseline to target that `current` has covered."""
    if baseline is None or target is None or current is None or target == baseline:
        return None
    share = (current - baseline) / (target - baseline)
    return share if math.isfinite(share) else None  # None when the values overflow a float


def parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def checkins(entries: Any, path: str | None = None) -> tuple[Reading, ...]:
    """Check-ins (a goal's, a key result's, an objective's), oldest first; entries the
    schema would refuse are skipped."""
    out = []
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict):
            continue
        value = finite(entry.get("value"))
        if value is None or parse_date(entry.get("date")) is None:
            continue
        confidence = finite(entry.get("confidence"))
        note, by = entry.get("note"), entry.get("by")
        out.append(Reading(entry["date"], value, confidence, note if isinstance(note, str) else None,
                           by if isinstance(by, str) else None, "check-in", path))
    return tuple(sorted(out, key=lambda r: r.date))


def readings(goal: Document) -> tuple[Reading, ...]:
    """A goal's own check-ins, oldest first."""
    return checkins(goal.data.get("checkins"), goal.path)


def least_squares(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """(slope, intercept) of the least-squares line through (x, y) points; None with
    fewer than two distinct x, and None when the values are so large (near 1.8e308) that
    the sums overflow: no line, rather than an internal error on valid readings."""
    n = len(points)
    if n < 2:
        return None
    try:
        mean_x = math.fsum(x for x, _ in points) / n
        mean_y = math.fsum(y for _, y in points) / n
        sxx = math.fsum((x - mean_x) ** 2 for x, _ in points)
        if sxx == 0:
            return None
        slope = math.fsum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    except (OverflowError, ValueError):  # fsum: an intermediate overflow, or inf - inf
        return None
    intercept = mean_y - slope * mean_x
    return (slope, intercept) if math.isfinite(slope) and math.isfinite(intercept) else None


class Measures:
    """Every measured fact of one loaded strategy on `ctx.today`, computed on demand and
    kept: build it once per run with `measures(ctx)`."""

    def __init__(self, ctx: "RuleContext") -> None:
        self.ctx = ctx
        self.today = ctx.today
        self.today_text = ctx.today.isoformat()
        self.at_risk = getattr(ctx.config, "forecast_at_risk", AT_RISK)
        self._series: dict[str, tuple[Reading, ...]] = {}  # built one metric at a time
        self._all_series: dict[str, tuple[Reading, ...]] | None = None
        self._latest: dict[str, tuple[Reading | None, bool]] = {}
        self._goals: dict[str, GoalProgress] = {}
        self._objectives: dict[str, ObjectiveProgress] = {}

    # --- values over time ------------------------------------------------------------

    @functools.cached_property
    def _readings_docs(self) -> dict[str, list[Document]]:
        """metric id → its Readings documents, in file order (cheap: one entry a document)."""
        found: dict[str, list[Document]] = {}
        for doc in self.ctx.entities("Readings"):
            metric = doc.data.get("metric")
            if isinstance(metric, str):
                found.setdefault(metric, []).append(doc)
        return found

    @property
    def all_series(self) -> dict[str, tuple[Reading, ...]]:
        """metric id → its readings from every Readings document, oldest first. Two
        readings of one date with the same value count once; with different values
        (R205) both are kept, in file order, and the later one wins as the current value."""
        if self._all_series is None:
            self._all_series = {metric: self.series(metric) for metric in self._readings_docs}
        return self._all_series

    def _build_series(self, metric: str) -> tuple[Reading, ...]:
        items: list[Reading] = []
        valid = _valid_dates()
        for doc in self._readings_docs.get(metric, ()):
            positions, path = doc.values, doc.path
            for i, entry in enumerate(doc.data.get("values") or ()):
                if not isinstance(entry, dict):
                    continue
                value, date = finite(entry.get("value")), entry.get("date")
                if value is None or not valid(date):
                    continue
                note = entry.get("note")
                pos = positions.get(("values", i))
                items.append(_metric_reading(date, value, note if isinstance(note, str) else None, path,
                                             pos[0] if pos else None))
        items.sort(key=lambda r: r.date)  # stable: file order within a date
        kept: list[Reading] = []
        for r in items:
            if kept and kept[-1].date == r.date and kept[-1].value == r.value:
                continue
            kept.append(r)
        return tuple(kept)

    def series(self, metric: Any) -> tuple[Reading, ...]:
        """A metric's readings, oldest first (all of them, future ones included); built
        on first use, one metric at a time."""
        if not isinstance(metric, str):
            return ()
        found = self._series.get(metric)
        if found is None:
            found = self._series[metric] = self._build_series(metric)
        return found

    def latest(self, metric: Any) -> Reading | None:
        """A metric's latest reading on or before today: the same answer as the last of
        `series(metric)` dated on or before today (tests/test_progress_latest.py), found
        in one pass over the readings without building the series."""
        if not isinstance(metric, str):
            return None
        if metric in self._series:
            return _last_until(self._series[metric], self.today_text)
        return self._latest_scan(metric)[0]

    def has_readings(self, metric: Any) -> bool:
        """Whether a metric has at least one reading (of any date): `series(metric)` is
        not empty."""
        if not isinstance(metric, str):
            return False
        if metric in self._series:
            return bool(self._series[metric])
        return self._latest_scan(metric)[1]

    def _latest_scan(self, metric: str) -> tuple[Reading | None, bool]:
        found = self._latest.get(metric)
        if found is not None:
            return found
        today, valid = self.today_text, _valid_dates()
        best: tuple[str, float, Document, int] | None = None  # date, value, document, index
        any_reading = False
        for doc in self._readings_docs.get(metric, ()):
            for i, entry in enumerate(doc.data.get("values") or ()):
                if not isinstance(entry, dict):
                    continue
                date = entry.get("date")
                if not valid(date):
                    continue
                value = finite(entry.get("value"))
                if value is None:
                    continue
                any_reading = True
                if date > today:
                    continue
                # The series sorts by date (stably) and keeps the first of a run of equal
                # values on one date; its last reading is the first of the last run.
                if best is None or date > best[0] or (date == best[0] and value != best[1]):
                    best = (date, value, doc, i)
        latest = None
        if best is not None:
            date, value, doc, i = best
            note = doc.data["values"][i].get("note")
            pos = doc.values.get(("values", i))
            latest = _metric_reading(date, value, note if isinstance(note, str) else None, doc.path,
                                     pos[0] if pos else None)
        found = self._latest[metric] = (latest, any_reading)
        return found

    def trend(self, metric_id: str) -> Trend:
        metric = self.ctx.get(metric_id, "Metric")
        data = metric.data if metric is not None else {}
        values = _until(self.series(metric_id), self.today_text)
        latest = values[-1] if values else None
        change_4w = change_start = None
        start = self.strategy_start()
        latest_day = parse_date(latest.date) if latest is not None else None
        if latest is not None and latest_day is not None:
            month_ago = (latest_day - dt.timedelta(days=28)).isoformat()
            before = _last_until(values, month_ago)
            change_4w = None if before is None else latest.value - before.value
            since = [r for r in values if start is None or r.date >= start]
            change_start = latest.value - since[0].value if len(since) > 1 else None
        unit, better = data.get("unit"), data.get("better")
        return Trend(metric_id, unit if isinstance(unit, str) else None, better if isinstance(better, str) else None,
                     values, latest, change_4w, change_start, start)

    # --- windows ---------------------------------------------------------------------

    @functools.cached_property
    def _strategy_start(self) -> str | None:
        starts = [p.start for p in self.ctx.model.periods.values() if parse_date(p.start)]
        return min(starts) if starts else None

    def strategy_start(self) -> str | None:
        """The start of the Strategy's earliest period: where an objective with only a
        `due` date starts its window."""
        return self._strategy_start

    def objective_window(self, objective: Document) -> tuple[str | None, str | None]:
        period_id = objective.data.get("period")
        period = self.ctx.model.periods.get(period_id) if isinstance(period_id, str) else None
        due = self.ctx.objective_due(objective)
        start = period.start if period is not None else self.strategy_start()
        return start, due if isinstance(due, str) else None

    # --- one measured thing ----------------------------------------------------------

    def measure(self, baseline: Any, target: Any, own: tuple[Reading, ...], metric: Any,
                start: str | None, end: str | None, fallback: Any = None, state: str = "active",
                from_readings_in_window: bool = True) -> Progress:
        """Progress of one baseline → target over the window `start`..`end`, from its own
        check-ins (`own`), else its metric's readings (inside the window when
        `from_readings_in_window`), else the hand-written `fallback`."""
        base, goal = finite(baseline), finite(target)
        today = self.today_text
        own_values = _until(own, today)
        if own_values:
            values, source = own_values, "check-in"
        else:
            values = _until(self.series(metric), today)
            if from_readings_in_window:
                values = tuple(r for r in values if (start is None or r.date >= start) and (end is None or r.date <= end))
            source = "readings"
        current: float | None
        current_date: str | None
        source_of: str | None = source
        if values:
            current, current_date = values[-1].value, values[-1].date
        else:
            current, current_date = finite(fallback), None
            source_of = "current" if current is not None else None
        share = fraction(base, goal, current)
        confidences = tuple((r.date, r.confidence) for r in own_values if r.confidence is not None)
        confidence = confidences[-1][1] if confidences else None

        first, last = parse_date(start), parse_date(end)
        elapsed = None
        if first and last and last > first:
            elapsed = min(1.0, max(0.0, (self.today - first).days / (last - first).days))

        in_window = [r for r in values if (start is None or r.date >= start) and (end is None or r.date <= end)]
        forecast = _forecast(in_window, base, goal, end)
        basis = "state"
        if state in ("done", "dropped", "draft"):
            status = state
            if state != "draft":
                forecast = None  # closed: where the line would have landed no longer applies
        elif first and self.today < first:
            status = "not-started"
        elif share is None and forecast is None:
            status = "no-data"
        elif forecast is not None and forecast.fraction is not None:
            basis = "forecast"
            status = ("on-track" if forecast.fraction >= 1 else
                      "at-risk" if forecast.fraction >= self.at_risk else "off-track")
            if confidence is not None and confidence < DOUBTFUL and status == "on-track":
                status = "at-risk"
        elif share is None:
            status = "no-data"
        else:
            basis = "pace"
            behind = 0.0 if share >= 1 else (elapsed or 0.0) - share
            if behind > FAR_BEHIND or (confidence is not None and confidence < DOUBTFUL):
                status = "off-track"
            elif behind > BEHIND or (confidence is not None and confidence < CONFIDENT):
                status = "at-risk"
            else:
                status = "on-track"
        return Progress(base, goal, current, share, elapsed, confidence, status, values, start, end,
                        current_date, source_of, forecast, basis, confidences)

    def latest_checkin(self, entries: Any, path: str | None = None) -> Reading | None:
        """The latest of these check-ins dated on or before today: the current value
        `measure` shows whenever there is one (source "check-in"), without the rest of
        the progress (rules that need only this value stay cheap)."""
        return _last_until(checkins(entries, path), self.today_text)

    # --- goals, key results, objectives ----------------------------------------------

    def goal(self, goal: Document) -> GoalProgress:
        """A goal's outcome progress, its key results and their weighted roll-up."""
        found = self._goals.get(goal.id)
        if found is not None:
            return found
        data = goal.data
        period_id = data.get("period")
        period = self.ctx.model.periods.get(period_id) if isinstance(period_id, str) else None
        start, end = (period.start, period.end) if period is not None else (None, None)
        state = data.get("status", "active")
        state = state if isinstance(state, str) else "active"
        outcome = mapping(data, "outcome")
        own = checkins(data.get("checkins"), goal.path)
        progress = self.measure(outcome.get("baseline"), outcome.get("target"), own, outcome.get("metric"),
                                start, end, outcome.get("current"), state)
        krs = []
        for i, kr in enumerate(data.get("key_results") or ()):
            if not isinstance(kr, dict):
                continue
            kr_progress = self.measure(kr.get("baseline"), kr.get("target"), checkins(kr.get("checkins"), goal.path),
                                       kr.get("metric"), start, end, kr.get("current"), state)
            metric, title = kr.get("metric"), kr.get("title")
            krs.append(KeyResult(i, metric if isinstance(metric, str) else None, title if isinstance(title, str) else None,
                                 _weight(kr), kr_progress))
        rollup = rollup_of([(k.weight, k.progress) for k in krs]) if krs else None
        found = GoalProgress(progress, tuple(krs), rollup, _weight(data))
        self._goals[goal.id] = found
        return found

    def share_goals(self, other: "Measures", differ: set[str]) -> None:
        """Measure each goal once for two strategies measured on the same day that differ
        only in the goals `differ` names and what they depend on (`strat diff`'s two
        sides, `strat.diffnumbers.affected`): any other goal's measure is the same on
        both, so either side's is taken for both."""
        shared = _SharedGoals(other._goals, differ)
        shared.update(self._goals)
        self._goals = shared

    def goal_progress(self, goal: Document) -> Progress:
        return self.goal(goal).outcome

    def objective(self, objective: Document) -> ObjectiveProgress:
        """An objective's own number (its metric: check-ins, else readings) and its
        goals' weighted roll-up."""
        found = self._objectives.get(objective.id)
        if found is not None:
            return found
        data = objective.data
        start, due = self.objective_window(objective)
        own = checkins(data.get("checkins"), objective.path)
        number_progress = self.measure(data.get("baseline"), data.get("target"), own, data.get("metric"),
                                       start, due, None, "active", from_readings_in_window=False)
        children = [g for g in self.ctx.entities("Goal") if g.data.get("parent") == objective.id]
        goals = rollup_of([(self.goal(g).weight, self.goal(g).outcome) for g in children])
        metric = self.ctx.get(data.get("metric"), "Metric")
        unit = metric.data.get("unit") if metric is not None else None
        found = ObjectiveProgress(number_progress, goals, metric.id if metric is not None else None,
                                  unit if isinstance(unit, str) else None, due)
        self._objectives[objective.id] = found
        return found


class _SharedGoals(dict):  # type: ignore[type-arg]
    """A side's goal measures that also holds the other side's for goals both share."""

    def __init__(self, other: dict[str, GoalProgress], differ: set[str]) -> None:
        super().__init__()
        self.other, self.differ = other, differ

    def get(self, key: str, default: Any = None) -> Any:
        found = super().get(key)
        if found is None and key not in self.differ:
            found = self.other.get(key)
        return default if found is None else found

    def __setitem__(self, key: str, value: GoalProgress) -> None:
        super().__setitem__(key, value)
        if key not in self.differ:
            self.other[key] = value


def rollup_of(children: Iterable[tuple[float, Progress]]) -> Rollup:
    """The weighted mean of the children's progress, each clamped to 0..1."""
    total = weights = 0.0
    counted = left_out = 0
    counts: dict[str, int] = {}
    for weight, progress in children:
        counts[progress.status] = counts.get(progress.status, 0) + 1
        if progress.fraction is None or progress.status in ("draft", "dropped"):
            left_out += 1
            continue
        total += weight * min(1.0, max(0.0, progress.fraction))
        weights += weight
        counted += 1
    counts = dict(sorted(counts.items(), key=lambda kv: STATUS_ORDER.get(kv[0], 99)))
    return Rollup(total / weights if weights else None, counted, left_out, counts)


def measures(ctx: "RuleContext") -> Measures:
    """The one `Measures` of a rule context (built on first use, kept with it)."""
    found = getattr(ctx, "_measures", None)
    if found is None:
        found = Measures(ctx)
        ctx._measures = found  # type: ignore[attr-defined]
    return found


def sentence(label: str, progress: Progress, unit: str | None) -> str:
    """One line in words, as `strat diff` and the digest say it: "ARR now USD 44.1M, 16% of
    the way to USD 58M; forecast USD 52.3M by 2027-12-31, off track"."""
    if progress.current is None:
        return f"{label} has no value yet; {progress.label.lower()}"
    text = f"{label} now {measure(progress.current, unit)}"
    if progress.percent is not None:
        text += f", {progress.percent}% of the way to {measure(progress.target, unit)}"
    forecast = progress.forecast
    if forecast is not None:
        text += f"; forecast {forecast_text(progress, unit)} by {forecast.date}"
    return f"{text}, {progress.label.lower()}"


def forecast_value(progress: Progress) -> float | None:
    """The forecast as shown: rounded to the decimals of the values it was made from
    (baseline, target, readings), so 106.3 and 112 forecast 112.9, not 112.8593. JSON
    outputs keep `Forecast.value` exact beside it."""
    if progress.forecast is None:
        return None
    known = [progress.baseline, progress.target, *(r.value for r in progress.readings)]
    places = max((_decimals(v) for v in known if v is not None), default=0)
    return round(progress.forecast.value, places)


def forecast_text(progress: Progress, unit: str | None) -> str:
    """The forecast value with its unit, as every view shows it ('' with no forecast)."""
    value = forecast_value(progress)
    return "" if value is None else measure(value, unit)


def _decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 0
    digits = text.split(".")[1].rstrip("0")
    return min(4, len(digits))


def _weight(data: dict[str, Any]) -> float:
    value = finite(data.get("weight"))
    return value if value is not None and value > 0 else 1.0


def _valid_dates() -> Callable[[Any], TypeGuard[str]]:
    """A `parse_date(x) is not None` test that remembers its answers: the 219,000 daily
    readings of 200 metrics (bench/lint.py --readings) share about 1,100 dates."""
    seen: dict[str, bool] = {}

    def valid(value: Any) -> TypeGuard[str]:
        if not isinstance(value, str):
            return False
        ok = seen.get(value)
        if ok is None:
            ok = seen[value] = parse_date(value) is not None
        return ok

    return valid


def _until(values: tuple[Reading, ...], day: str) -> tuple[Reading, ...]:
    if not values or values[-1].date <= day:
        return values
    return tuple(r for r in values if r.date <= day)


def _last_until(values: tuple[Reading, ...], day: str) -> Reading | None:
    for r in reversed(values):
        if r.date <= day:
            return r
    return None


def _forecast(values: list[Reading], baseline: float | None, target: float | None, end: str | None) -> Forecast | None:
    """The least-squares projection of the window's values to its end (None with fewer
    than three values, two distinct dates, or no end)."""
    last = parse_date(end)
    if last is None or len(values) < MIN_FORECAST_VALUES:
        return None
    origin = parse_date(values[0].date)
    assert origin is not None
    points = [((parse_date(r.date) - origin).days, r.value) for r in values]  # type: ignore[operator]
    line = least_squares(points)
    if line is None:
        return None
    slope, intercept = line
    projected = intercept + slope * (last - origin).days
    if not math.isfinite(projected):
        return None
    return Forecast(projected, last.isoformat(), fraction(baseline, target, projected), len(values), slope,
                    values[0].date, intercept)


__all__ = ["Forecast", "GoalProgress", "KeyResult", "Measures", "ObjectiveProgress", "Progress", "Reading",
           "Rollup", "STATUS_LABELS", "STATUS_ORDER", "Trend", "fraction", "measures", "number", "percent",
           "readings", "rollup_of", "sentence", "forecast_text", "forecast_value"]
