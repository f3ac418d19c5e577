"""The review pack of `strat report`: what a leadership or board meeting looks at for one
period, as data. Formatters are separate (`strat.report_md`, `strat.report_html`); this
module is core: it imports neither the site nor the CLI.

Nothing here is computed twice:

- every current value, progress, forecast, trend and status comes from `strat.progress`
  (`measures(ctx)`: `objective()`, `goal()`, `trend()`, `forecast_text`, `sentence`);
- scores and averages of closed goals from `strat.scores` (never `result` read here);
- breached guardrails (A313) and stale data (A314) are the digest's findings
  (`strat.digest.build_digest`, the lint rules through the lint engine);
- ROI by team is `strat.roi.roi_rows`;
- what changed since REV is `strat.diff.diff` (the entity changes of `strat diff`, in `strat.report_changes`),
  narrowed to targets moved and goals added or dropped.

Decisions where the spec is silent (also on the how-to page "Prepare the quarterly review"):

- an initiative is *of the period* when the goal it serves belongs to the period;
  one whose goal has no period counts when its `review_by` falls inside the period;
- a decision is *of the period* when its `date` falls inside the period;
- a joint commitment is *banked* when the latest value (on or before `today`) of the
  metric it names has reached its `target`, in the metric's `better` direction (up: at
  or above; down: at or below). With no metric, target or value: "not measured";
- without `--since`, changes are counted from the last commit dated before the period's
  start (the strategy as it stood when the period began).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from strat.config import Config
from strat.load import Document
from strat.model import as_text, is_slug
from strat.progress import STATUS_LABELS, STATUS_ORDER, Progress, Trend, forecast_text, measures, sentence
from strat.scores import Average, Result, result_of, scores

if TYPE_CHECKING:
    from strat.roi import RoiRow
    from strat.rules.context import RuleContext


class UnknownPeriod(Exception):
    """The period asked for is not in the Strategy (the message says which are)."""


@dataclass(frozen=True, slots=True)
class Star:
    id: str
    title: str
    trend: Trend
    said: str  # "now 947,000 jobs per week on 2026-11-30, +2,000 jobs per week in 4 weeks"


@dataclass(frozen=True, slots=True)
class ObjectiveLine:
    id: str
    title: str
    metric: str | None
    unit: str | None
    progress: Progress  # the objective's own number
    forecast: str  # forecast_text, "" without one
    sentence: str  # strat.progress.sentence
    goals_percent: int | None  # its goals' weighted progress
    average: Average | None  # the average score of its goals of the period (once closed)
    owner: str | None


@dataclass(frozen=True, slots=True)
class GoalLine:
    id: str
    title: str
    status: str  # strat.progress status (done once closed)
    objective: str | None
    owner: str | None
    unit: str | None
    progress: Progress
    forecast: str
    sentence: str
    result: Result | None  # the score once closed (strat.scores)


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    section: str  # "guardrail" | "stale-data"
    kind: str
    entity: str
    title: str
    message: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class InitiativeLine:
    id: str
    title: str
    status: str  # shipped | killed
    goal: str | None
    owner: str | None
    result: str  # the initiative's `result` text ("" when none written)


@dataclass(frozen=True, slots=True)
class DecisionLine:
    id: str
    title: str
    date: str
    status: str
    decided_by: str | None
    values: tuple[tuple[str, str], ...]  # (value id, its name), as the Strategy states it
    decision: str


@dataclass(frozen=True, slots=True)
class JointLine:
    goal: str
    goal_title: str
    department: str
    owner: str | None
    commitment: str
    metric: str | None
    unit: str | None
    target: float | None
    latest: float | None
    latest_date: str | None
    banked: str  # "banked" | "not yet" | "not measured"


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # "target" | "added" | "dropped"
    entity_kind: str
    entity: str
    title: str
    sentence: str  # strat diff's words


@dataclass(slots=True)
class Report:
    period: str
    start: str
    end: str
    today: dt.date
    company: str
    star: Star | None
    objectives: list[ObjectiveLine]
    goals: list[GoalLine]
    period_average: Average
    findings: list[Finding]
    initiatives: list[InitiativeLine]
    decisions: list[DecisionLine]
    joint: list[JointLine]
    roi: list["RoiRow"]
    changes: list[Change] = field(default_factory=list)
    base: str | None = None  # the commit changes are counted from
    base_label: str = ""  # how it was chosen: "--since v1", "the last commit before 2026-07-01"
    changes_note: str = ""  # why changes could not be listed (a sentence)
    errors: int = 0  # lint errors: entities with errors are left out

    @property
    def closed(self) -> bool:
        return any(g.result is not None and g.result.score is not None for g in self.goals)

    def goals_by_status(self) -> list[tuple[str, list[GoalLine]]]:
        groups: dict[str, list[GoalLine]] = {}
        for goal in self.goals:
            groups.setdefault(goal.status, []).append(goal)
        return sorted(groups.items(), key=lambda kv: STATUS_ORDER.get(kv[0], 99))


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def pick_period(ctx: "RuleContext", period: str | None, today: dt.date) -> str:
    """PERIOD, else the period containing `today`, else the latest that started (else the
    first). Raises UnknownPeriod with a did-you-mean."""
    periods = ctx.model.periods
    if period is not None:
        if period in periods:
            return period
        from strat.refs import did_you_mean

        close = did_you_mean(period, list(periods))
        hint = f"; did you mean `{close[0]}`?" if close else ""
        known = ", ".join(sorted(periods)) or "none"
        raise UnknownPeriod(f"no period `{period}` in the Strategy{hint} (periods: {known})")
    if not periods:
        raise UnknownPeriod("the Strategy defines no periods: add `periods:` to strategy.yaml")
    day = today.isoformat()
    ordered = sorted(periods.values(), key=lambda p: (p.start, p.id))
    for p in ordered:
        if p.start <= day <= p.end:
            return p.id
    started = [p for p in ordered if p.start <= day]
    return (started[-1] if started else ordered[0]).id


def _title(doc: Document) -> str:
    value = doc.data.get("title") if doc.kind in ("Objective", "Goal", "Initiative", "Decision") else doc.data.get("name")
    return value if isinstance(value, str) and value.strip() else str(doc.id)


def _owner(data: dict[str, Any]) -> str | None:
    owner = data.get("owner")
    return owner if is_slug(owner) else None


def _unit(ctx: "RuleContext", metric: Any) -> str | None:
    found = ctx.metric(metric) if isinstance(metric, str) else None
    unit = found.data.get("unit") if found is not None else None
    return unit if isinstance(unit, str) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _in(day: Any, start: str, end: str) -> bool:
    text = day.isoformat() if isinstance(day, dt.date) else day
    return isinstance(text, str) and start <= text[:10] <= end


@dataclass(slots=True)
class Prepared:
    """What every period's pack of one strategy shares: the loaded strategy, the findings
    of the digest, ROI. Built once by `prepare`; the site builds each period's pack from it."""

    today: dt.date
    ctx: "RuleContext"
    errors: int
    findings: list[Finding]
    roi: list["RoiRow"]


def prepare(root: Path, folder: Path, config: Config, today: dt.date | None = None) -> Prepared:
    from strat.digest import build_digest
    from strat.loaded import load_strategy
    from strat.roi import roi_rows

    today = today or dt.date.today()
    loaded = load_strategy(root, folder, config, today)
    digest = build_digest(root, folder, config, today)
    findings = [Finding(i.code or "", i.section, i.kind, i.entity, i.title, i.message, i.path, i.line)
                for i in digest.items if i.section in ("guardrail", "stale-data")]
    return Prepared(today, loaded.ctx, loaded.errors, findings, roi_rows(loaded.ctx))


def build_report(root: Path, folder: Path, config: Config, period: str | None = None,
                 today: dt.date | None = None, since: str | None = None,
                 prepared: Prepared | None = None) -> Report:
    """The review pack of `period` (default: the one containing `today`) of the strategy
    below `folder` of the repository at `root`. Raises UnknownPeriod."""
    shared = prepared or prepare(root, folder, config, today)
    today, ctx = shared.today, shared.ctx
    chosen = pick_period(ctx, period, today)
    span = ctx.model.periods[chosen]
    facts = measures(ctx)
    marks = scores(ctx)
    strategy = next(iter(ctx.entities("Strategy")), None)
    company = as_text(strategy.data.get("company")) if strategy is not None else ""

    star = None
    star_id = strategy.data.get("north_star") if strategy is not None else None
    star_doc = ctx.get(star_id, "Metric") if isinstance(star_id, str) else None
    if star_doc is not None and star_doc.id is not None:
        trend = facts.trend(star_doc.id)
        star = Star(star_doc.id, _title(star_doc), trend, _star_words(trend))

    by_objective = marks.by_objective(chosen)
    objectives = []
    for doc in sorted(ctx.entities("Objective"), key=lambda d: d.id or ""):
        if not is_slug(doc.id):
            continue
        found = facts.objective(doc)
        objectives.append(ObjectiveLine(
            doc.id, _title(doc), found.metric, found.unit, found.number, forecast_text(found.number, found.unit),
            sentence(f"objective `{doc.id}`", found.number, found.unit), found.goals.percent,
            by_objective.get(doc.id), _owner(doc.data)))

    goals = []
    for doc in marks.period_goals(chosen):
        if not is_slug(doc.id):
            continue
        progress = facts.goal_progress(doc)
        outcome = doc.data.get("outcome")
        unit = _unit(ctx, outcome.get("metric")) if isinstance(outcome, dict) else None
        objective = ctx.objective_of(doc)
        goals.append(GoalLine(
            doc.id, _title(doc), progress.status, objective.id if objective is not None else None, _owner(doc.data),
            unit, progress, forecast_text(progress, unit), sentence(f"goal `{doc.id}`", progress, unit),
            result_of(doc)))

    report = Report(chosen, span.start, span.end, today, company, star, objectives, goals,
                    marks.period_average(chosen), list(shared.findings), _initiatives(ctx, span.start, span.end, chosen),
                    _decisions(ctx, strategy, span.start, span.end), _joint(ctx, facts, goals),
                    list(shared.roi), errors=shared.errors)
    from strat.report_changes import add_changes

    add_changes(report, root, folder, config, since)
    return report


def _star_words(trend: Trend) -> str:
    from strat.numbers import measure

    if trend.latest is None:
        return "no reading yet"
    words = f"now {measure(trend.latest.value, trend.unit)} on {trend.latest.date}"
    if trend.change_4w is not None:
        sign = "+" if trend.change_4w > 0 else "-" if trend.change_4w < 0 else "±"
        words += f", {sign}{measure(abs(trend.change_4w), trend.unit)} in 4 weeks"
    return words


def _initiatives(ctx: "RuleContext", start: str, end: str, period: str) -> list[InitiativeLine]:
    out = []
    for doc in ctx.entities("Initiative"):
        status = doc.data.get("status")
        if status not in ("shipped", "killed") or not is_slug(doc.id):
            continue
        goal = ctx.get(doc.data.get("goal"), "Goal")
        goal_period = goal.data.get("period") if goal is not None else None
        if goal_period != period and (goal_period is not None or not _in(doc.data.get("review_by"), start, end)):
            continue
        result = doc.data.get("result")
        out.append(InitiativeLine(doc.id, _title(doc), status, goal.id if goal is not None else None,
                                  _owner(doc.data), " ".join(result.split()) if isinstance(result, str) else ""))
    return sorted(out, key=lambda i: (i.status != "shipped", i.id))


def _decisions(ctx: "RuleContext", strategy: Document | None, start: str, end: str) -> list[DecisionLine]:
    names: dict[str, str] = {}
    for value in (strategy.data.get("values") or []) if strategy is not None else []:
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            names[value["id"]] = as_text(value.get("name")) or value["id"]
    out = []
    for doc in ctx.entities("Decision"):
        date = doc.data.get("date")
        if not is_slug(doc.id) or not _in(date, start, end):
            continue
        cited = tuple((v, names.get(v, v)) for v in doc.data.get("values") or [] if isinstance(v, str))
        text = doc.data.get("decision")
        by = doc.data.get("decided_by")
        out.append(DecisionLine(doc.id, _title(doc), str(date)[:10], as_text(doc.data.get("status")),
                                by if is_slug(by) else None, cited,
                                " ".join(text.split()) if isinstance(text, str) else ""))
    return sorted(out, key=lambda d: (d.date, d.id))


def _joint(ctx: "RuleContext", facts: Any, goals: list[GoalLine]) -> list[JointLine]:
    out = []
    for line in goals:
        goal = ctx.get(line.id, "Goal")
        if goal is None:
            continue
        for entry in goal.data.get("joint") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("department"), str):
                continue
            metric = entry.get("metric") if isinstance(entry.get("metric"), str) else None
            found = ctx.metric(metric) if metric is not None else None
            target = _number(entry.get("target"))
            value, date = _joint_value(facts, goal, metric) if found is not None else (None, None)
            banked = "not measured"
            if value is not None and target is not None:
                down = found is not None and found.data.get("better") == "down"
                banked = "banked" if (value <= target if down else value >= target) else "not yet"
            commitment = entry.get("commitment")
            out.append(JointLine(line.id, line.title, entry["department"], _owner(entry),
                                 " ".join(commitment.split()) if isinstance(commitment, str) else "",
                                 metric, _unit(ctx, metric), target,
                                 value, date, banked))
    return out


def _joint_value(facts: Any, goal: Document, metric: str | None) -> tuple[float | None, str | None]:
    """The latest value of a joint commitment's metric: its readings, else the goal's own
    outcome or key result on that metric (as strat.progress measures it)."""
    latest = facts.latest(metric)
    if latest is not None:
        return latest.value, latest.date
    found = facts.goal(goal)
    outcome = goal.data.get("outcome")
    candidates = [found.outcome] if isinstance(outcome, dict) and outcome.get("metric") == metric else []
    candidates += [kr.progress for kr in found.key_results if kr.metric == metric]
    for progress in candidates:
        if progress.current is not None:
            return progress.current, progress.current_date
    return None, None
