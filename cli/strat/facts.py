"""What the views say about the model, computed once: each goal's progress and status
(from `strat.progress`, the one computation of them), the relations between entities and
their inverses, ROI per team, the metric path to the North Star. Pure functions over the
loaded model and the rule context, in the library core; `strat tree`, `strat roi` and the
site (renderer and SVG code) only read these facts."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strat.load import Document
from strat.model import mapping, references
from strat.numbers import measure, money, number  # noqa: F401  (one rule for every output; re-exported)
from strat.progress import (  # noqa: F401  (re-exported: the one computation of progress and status)
    BEHIND, CONFIDENT, DOUBTFUL, FAR_BEHIND, STATUS_LABELS, STATUS_ORDER, Measures, Progress, Reading, fraction,
    measures, readings, rollup_of)
from strat.rules.context import RuleContext
from strat.model import is_slug

KINDS = ("Objective", "Plan", "Goal", "Metric", "Initiative", "Team", "Department", "Person", "Decision")

# Field of a reference (schema `x-strat-ref`) → how the site names the relation.
REF_LABELS = {  # in the order a page lists relations: the closest first
    "owner": "owner", "lead": "lead", "leader": "leader", "parent": "parent", "team": "team",
    "department": "department", "person": "person", "plan": "plan", "metric": "metric", "outcome.metric": "outcome metric",
    "key_results[].metric": "key result metric", "supports[]": "supports", "benefits[].department": "benefits",
    "joint[].department": "joint goal with", "joint[].owner": "joint goal owner", "joint[].metric": "joint goal metric",
    "checkins[].by": "check-in by", "key_results[].checkins[].by": "check-in by", "members[]": "member", "drives[].metric": "drives", "health[].metric": "health check",
    "champions[]": "champion", "objectives[]": "objective", "goal": "goal", "expected.metric": "expected to move",
    "decided_by": "decided by", "supersedes": "supersedes", "north_star": "North Star",
    "carried_from": "carried from",
}
_RANK = {label: i for i, label in enumerate(REF_LABELS.values())}

if TYPE_CHECKING:
    from strat.roi import RoiRow


@dataclass(frozen=True, slots=True)
class Relation:
    """`source` names `target` in its field `label` (e.g. a goal's `owner`)."""

    source: str
    target: str
    label: str


@dataclass(slots=True)
class Facts:
    """Everything the pages need, indexed both ways."""

    ctx: RuleContext
    today: dt.date
    measures: Measures
    entities: dict[str, list[Document]] = field(default_factory=dict)
    progress: dict[str, Progress] = field(default_factory=dict)
    objective: dict[str, str] = field(default_factory=dict)  # goal → objective it aligns to
    children: dict[str, list[str]] = field(default_factory=dict)  # objective/goal → goals with it as parent
    aligned: dict[str, list[str]] = field(default_factory=dict)  # objective → every goal aligned to it
    supported_by: dict[str, list[str]] = field(default_factory=dict)  # objective/goal → goals that support it
    holder_goals: dict[str, list[str]] = field(default_factory=dict)  # team/department/person → goals it holds
    plan_goals: dict[str, list[str]] = field(default_factory=dict)
    metric_goals: dict[str, list[str]] = field(default_factory=dict)  # metric → goals measured by it (outcome)
    metric_krs: dict[str, list[str]] = field(default_factory=dict)  # metric → goals with a key result on it
    initiatives: dict[str, list[str]] = field(default_factory=dict)  # goal → initiatives
    roi_rows: list["RoiRow"] = field(default_factory=list)  # per team, best first: as `strat roi` computes it
    department_teams: dict[str, list[str]] = field(default_factory=dict)
    department_people: dict[str, list[str]] = field(default_factory=dict)
    person_teams: dict[str, list[str]] = field(default_factory=dict)  # person → teams they are a member of
    superseded_by: dict[str, list[str]] = field(default_factory=dict)
    depends: dict[str, list[Relation]] = field(default_factory=dict)
    used_by: dict[str, list[Relation]] = field(default_factory=dict)
    value_decisions: dict[str, list[str]] = field(default_factory=dict)

    def get(self, ident: Any, kind: str | None = None) -> Document | None:
        doc = self.ctx.get(ident, kind)
        return doc if doc is not None and is_slug(doc.id) and doc.kind in KINDS else None

    def title(self, doc: Document) -> str:
        """The name people know an entity by."""
        data = doc.data
        value = data.get("title") if doc.kind in ("Objective", "Plan", "Goal", "Initiative", "Decision") else data.get("name")
        return value if isinstance(value, str) and value.strip() else str(doc.id)

    def goals(self) -> list[Document]:
        return self.entities.get("Goal", [])

    def north_star(self) -> Document | None:
        strategy = self.ctx.model.strategy
        return self.get(strategy.data.get("north_star"), "Metric") if strategy is not None else None

    def path_to_north_star(self, metric: str) -> list[str]:
        """The shortest `drives` path between a metric and the North Star, in the
        direction the edges run: [metric, …, North Star] when the metric drives it, or
        [North Star, …, metric] when the North Star drives the metric (a North Star of
        customer behaviour that drives the business metrics). [] when there is none."""
        star = self.north_star()
        if star is None:
            return []
        up = _shortest(metric, star.id, self.ctx.drives)
        if up:
            return up
        return _shortest(star.id, metric, self.ctx.drives)

    def connected_to_star(self, metric: str) -> bool:
        star = self.north_star()
        return star is not None and (metric in self.ctx.drivers_of(star.id) or metric in self.ctx.driven_from(star.id))

    def explains(self, metric: str, objective: Document) -> bool:
        """True when a goal measured by `metric` has a `drives` path to the objective's
        metric (the link is explained, A305)."""
        target = objective.data.get("metric")
        return isinstance(target, str) and metric in self.ctx.drivers_of(target)

    def holder(self, goal: Document) -> tuple[str, str] | None:
        """(kind, id) of the team, department or person that holds a goal."""
        for key, kind in (("team", "Team"), ("department", "Department"), ("person", "Person")):
            doc = self.get(goal.data.get(key), kind)
            if doc is not None:
                return kind, doc.id
        return None

    def department_of(self, goal: Document) -> str | None:
        dep = self.ctx.goal_department(goal)
        return dep if self.get(dep, "Department") else None

    def joint_goals(self) -> list[tuple[Document, int, dict[str, Any]]]:
        """Every joint commitment: (goal, index in `joint`, the entry)."""
        out = []
        for goal in self.goals():
            for i, entry in enumerate(goal.data.get("joint") or []):
                if isinstance(entry, dict):
                    out.append((goal, i, entry))
        return out

    def rollup(self, goal_ids: list[str]) -> dict[str, int]:
        """How many goals are in each status (the counts of `strat.progress.rollup_of`)."""
        found = (self.progress.get(gid) for gid in goal_ids)
        return rollup_of((1.0, p) for p in found if p is not None).counts


def build_facts(ctx: RuleContext, full: bool = True) -> Facts:
    """Index the model for the site. `full=False` (`strat tree`): only the entities,
    each goal's objective and children and each goal's initiatives; the rest of `Facts`
    (progress by goal, ROI rows, the relations both ways, the holders', plans' and
    metrics' goals) stays empty, since computing it costs a 10,000-goal tree seconds."""
    facts = Facts(ctx, ctx.today, measures(ctx))
    if full:
        from strat.roi import roi_rows

        facts.roi_rows = roi_rows(ctx)
    for kind in KINDS:
        docs = [d for d in ctx.entities(kind) if is_slug(d.id)]
        facts.entities[kind] = sorted(docs, key=lambda d: (facts.title(d).casefold(), d.id))

    for goal in facts.goals():
        data = goal.data
        objective = ctx.objective_of(goal)
        if objective is not None and is_slug(objective.id):
            facts.objective[goal.id] = objective.id
            facts.aligned.setdefault(objective.id, []).append(goal.id)
        if facts.get(data.get("parent")):
            facts.children.setdefault(data["parent"], []).append(goal.id)
        if not full:
            continue
        facts.progress[goal.id] = facts.measures.goal_progress(goal)
        for target in data.get("supports") or []:
            if facts.get(target):
                facts.supported_by.setdefault(target, []).append(goal.id)
        holder = facts.holder(goal)
        if holder:
            facts.holder_goals.setdefault(holder[1], []).append(goal.id)
        if facts.get(data.get("plan"), "Plan"):
            facts.plan_goals.setdefault(data["plan"], []).append(goal.id)
        outcome = mapping(data, "outcome")
        if facts.get(outcome.get("metric"), "Metric"):
            facts.metric_goals.setdefault(outcome["metric"], []).append(goal.id)
        for kr in data.get("key_results") or []:
            if isinstance(kr, dict) and facts.get(kr.get("metric"), "Metric"):
                bucket = facts.metric_krs.setdefault(kr["metric"], [])
                if goal.id not in bucket:
                    bucket.append(goal.id)

    for initiative in facts.entities.get("Initiative", []):
        if facts.get(initiative.data.get("goal"), "Goal"):
            facts.initiatives.setdefault(initiative.data["goal"], []).append(initiative.id)
    if not full:
        return facts
    for team in facts.entities.get("Team", []):
        if facts.get(team.data.get("department"), "Department"):
            facts.department_teams.setdefault(team.data["department"], []).append(team.id)
        for member in team.data.get("members") or []:
            if facts.get(member, "Person"):
                facts.person_teams.setdefault(member, []).append(team.id)
    for person in facts.entities.get("Person", []):
        if facts.get(person.data.get("department"), "Department"):
            facts.department_people.setdefault(person.data["department"], []).append(person.id)
    for decision in facts.entities.get("Decision", []):
        if facts.get(decision.data.get("supersedes"), "Decision"):
            facts.superseded_by.setdefault(decision.data["supersedes"], []).append(decision.id)
        for value in decision.data.get("values") or []:
            if isinstance(value, str) and value in ctx.model.values:
                facts.value_decisions.setdefault(value, []).append(decision.id)

    for kind in KINDS:
        for doc in facts.entities[kind]:
            seen: set[tuple[str, str]] = set()
            for path, target, _ in references(doc):
                label = REF_LABELS.get(_label(path))
                if label is None or facts.get(target) is None or (target, label) in seen or target == doc.id:
                    continue
                seen.add((target, label))
                relation = Relation(doc.id, target, label)
                facts.depends.setdefault(doc.id, []).append(relation)
                facts.used_by.setdefault(target, []).append(relation)
    # The closest relations first (owner, parent, team, plan, outcome metric ...), in the
    # order of REF_LABELS; sort is stable, so each label keeps the documents' order.
    for relations in (*facts.depends.values(), *facts.used_by.values()):
        relations.sort(key=lambda r: _RANK[r.label])
    strategy = ctx.model.strategy
    star = facts.north_star()
    if strategy is not None and star is not None:
        facts.used_by.setdefault(star.id, []).insert(0, Relation("strategy", star.id, "North Star"))
    return facts


def _shortest(start: str, goal: str, edges: dict[str, list[str]]) -> list[str]:
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])  # type: ignore[arg-type]
            return list(reversed(path))
        for nxt in edges.get(node, []):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return []


def _label(path: tuple[str | int, ...]) -> str:
    """('joint', 0, 'owner') → 'joint[].owner', the form of `RefField.label`."""
    out = ""
    for part in path:
        out += "[]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
