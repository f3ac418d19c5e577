"""`strat tree`: the metrics one-pager in the terminal.

North Star → objectives → the metrics their goals move → goals (cascaded goals under the
goal they align to) → initiatives. The North Star shows its latest value and its move over
four weeks; each objective its number (the current value of its metric), the share of the
way from baseline to target, the forecast by its due date and its status, and its goals'
weighted roll-up; each goal its progress from baseline through its current value to its
target (a percentage and a bar), its forecast, its latest confidence, its status and its
key results' roll-up. Every one of these facts comes from `strat.progress` (through
`strat.facts`), the one computation the site, `strat diff` and every JSON output use, so
they never disagree.

Filters (`--team`, `--owner`, `--period`, each repeatable) keep the goals that match and
the path to them: the objective, the metric and, for a cascaded goal, the goals above it
(marked `"context": true` in JSON: shown for the goal below, not matching themselves).
Several values of one filter are alternatives; different filters must all match.

`build_tree` is pure (model → nodes); `render_text` and `to_json` are pure formats over
the nodes. Text from YAML goes through `strat.inert.text` before it reaches a terminal:
a title cannot move the cursor or change colours; hidden characters are shown visibly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strat.rules.context import RuleContext

BAR_CELLS = 10
STATUS_COLORS = {"on-track": "green", "at-risk": "yellow", "off-track": "red", "done": "cyan",
                 "no-data": "bright_black", "not-started": "bright_black", "draft": "bright_black",
                 "dropped": "bright_black"}


class TreeProblem(Exception):
    """The ID given is not an objective or goal (the message says what it is), or a
    filter names no team, person or period."""


@dataclass(frozen=True, slots=True)
class TreeFilter:
    """Which goals to keep: each non-empty set must contain the goal's value."""

    teams: frozenset[str] = frozenset()
    owners: frozenset[str] = frozenset()
    periods: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.teams or self.owners or self.periods)

    def matches(self, goal: Any) -> bool:
        data = goal.data
        return ((not self.teams or data.get("team") in self.teams)
                and (not self.owners or data.get("owner") in self.owners)
                and (not self.periods or data.get("period") in self.periods))


def make_filter(ctx: RuleContext, teams: Any = (), owners: Any = (), periods: Any = ()) -> TreeFilter:
    """A TreeFilter of known ids; an unknown one is a TreeProblem in words, with the
    closest id when there is one."""
    from strat.refs import PeopleIndex, did_you_mean

    problems = []
    for option, values, known in (("--team", teams, [d.id for d in ctx.entities("Team")]),
                                  ("--owner", owners, [d.id for d in ctx.entities("Person")]),
                                  ("--period", periods, list(ctx.model.periods))):
        for value in values:
            if value in known:
                continue
            if option == "--owner":
                close = PeopleIndex(ctx.model).did_you_mean(value, known)
                what = "person"
            else:
                close = did_you_mean(value, known)
                what = option[2:]
            hint = f"; did you mean {' or '.join(f'`{c}`' for c in close)}?" if close else ""
            if not close and 0 < len(known) <= 8:
                hint = f" (the {what}s: {', '.join(f'`{k}`' for k in sorted(known))})"
            elif not known:
                hint = f" (the strategy names no {what})"
            problems.append(f"{option}: no {what} with id `{value}`{hint}")
    if problems:
        raise TreeProblem("; ".join(problems))
    return TreeFilter(frozenset(teams), frozenset(owners), frozenset(periods))


@dataclass(slots=True)
class Node:
    """One line of the tree: what it is, and the facts shown beside it."""

    kind: str  # north-star | strategy | objective | metric | goal | initiative | unaligned
    id: str | None
    title: str
    facts: dict[str, Any] = field(default_factory=dict)
    children: list["Node"] = field(default_factory=list)
    # The `strat.progress.Progress` of an objective's number or a goal's outcome: the text
    # format words its forecast with `strat.progress.forecast_text` (not in JSON).
    progress: Any = None


def clean(value: Any) -> str:
    """Text from YAML as one terminal-safe line (`strat.inert.text`: hidden characters
    shown visibly, e.g. ESC as \\x1b), without the line break a YAML block scalar ends with."""
    from strat import inert

    return inert.text(None if value is None else str(value).strip())


def build_tree(ctx: RuleContext, root_id: str | None = None, only: TreeFilter | None = None) -> Node:
    """The tree of the whole strategy, or of one objective or goal (`root_id`), with the
    goals `only` keeps (and the path to them)."""
    from strat.facts import build_facts

    facts = build_facts(ctx, full=False)  # the tree reads no relation, ROI or progress by goal
    builder = _Builder(ctx, facts, only or TreeFilter())
    if root_id is not None:
        doc = facts.get(root_id)
        if doc is None or doc.kind not in ("Objective", "Goal"):
            raise TreeProblem(_not_a_root(ctx, root_id))
        node = builder.objective(doc, keep_empty=True) if doc.kind == "Objective" else builder.goal(doc, set())
        if node is None:  # a goal the filters leave out: shown anyway, as asked for by id
            node = builder.goal(doc, set(), force=True)
        assert node is not None
        return node
    return builder.whole()


def _not_a_root(ctx: RuleContext, ident: str) -> str:
    from strat.refs import did_you_mean

    doc = ctx.model.get(ident)
    if doc is not None:
        if doc.kind in ("Objective", "Goal"):
            return f"{doc.kind.lower()} `{ident}` has lint errors; run `strat lint` and fix them first"
        return f"`{ident}` is a {doc.kind}; strat tree starts at an objective or a goal"
    candidates = [d.id for d in ctx.model.of_kind("Objective") + ctx.model.of_kind("Goal")]
    close = did_you_mean(ident, candidates)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    return f"no objective or goal with id `{ident}`{hint}"


class _Builder:
    def __init__(self, ctx: RuleContext, facts: Any, only: TreeFilter) -> None:
        self.ctx, self.facts, self.only = ctx, facts, only

    def whole(self) -> Node:
        facts = self.facts
        star = facts.north_star()
        strategy = self.ctx.model.strategy
        if star is not None:
            root = Node("north-star", star.id, clean(facts.title(star)),
                        {**self.metric_facts(star), **self.trend_facts(star.id)})
        else:
            company = strategy.data.get("company") if strategy is not None else None
            root = Node("strategy", None, clean(company or "Strategy"), {"note": "no North Star metric"})
        objectives = (self.objective(o) for o in facts.entities.get("Objective", []))
        root.children = [node for node in objectives if node is not None]
        aligned_somewhere = set(facts.objective)
        loose = [g for g in facts.goals() if g.id not in aligned_somewhere
                 and facts.get(g.data.get("parent"), "Goal") is None]
        if loose:
            seen: set[str] = set()
            kept = [n for n in (self.goal(g, seen) for g in loose) if n is not None]
            if kept:
                root.children.append(Node("unaligned", None, "Goals not aligned to any objective", {}, kept))
        return root

    def objective(self, objective: Any, keep_empty: bool = False) -> Node | None:
        """An objective and the goals under it; None when a filter keeps none of them."""
        from strat.progress_data import progress_data, rollup_data

        facts, ctx = self.facts, self.ctx
        data = objective.data
        metric = facts.get(data.get("metric"), "Metric")
        unit = metric.data.get("unit") if metric is not None else None
        measured = facts.measures.objective(objective)
        info: dict[str, Any] = {
            "owner": data.get("owner"),
            "metric": data.get("metric"),
            "metric_name": clean(facts.title(metric)) if metric is not None else None,
            "unit": unit,
            "baseline": data.get("baseline"),
            "target": data.get("target"),
            "due": ctx.objective_due(objective),
            "connected_to_north_star": bool(metric is not None and facts.path_to_north_star(metric.id)),
            "number": progress_data(measured.number),
            "goals_rollup": rollup_data(measured.goals),
            "goals": dict(measured.goals.counts),
        }
        node = Node("objective", objective.id, clean(facts.title(objective)), info, progress=measured.number)
        groups: dict[str | None, list[Any]] = {}  # None: goals whose outcome names no metric
        for gid in facts.children.get(objective.id, []):
            goal = facts.get(gid, "Goal")
            outcome = goal.data.get("outcome") or {}
            groups.setdefault(outcome.get("metric"), []).append(goal)
        seen: set[str] = set()
        for metric_id in sorted(groups, key=lambda m: self.metric_sort_key(m)):
            metric_doc = facts.get(metric_id, "Metric")
            kept = [n for n in (self.goal(g, seen) for g in groups[metric_id]) if n is not None]
            if metric_doc is None:
                node.children.extend(kept)
                continue
            if not kept and self.only:
                continue
            metric_node = Node("metric", metric_id, clean(facts.title(metric_doc)), self.metric_facts(metric_doc))
            metric_node.facts["explains_objective"] = facts.explains(metric_id, objective)
            metric_node.children = kept
            node.children.append(metric_node)
        if self.only and not node.children and not keep_empty:
            return None
        return node

    def metric_sort_key(self, metric_id: Any) -> tuple[str, str]:
        doc = self.facts.get(metric_id, "Metric")
        return (self.facts.title(doc).casefold(), str(metric_id)) if doc is not None else ("~", str(metric_id))

    def metric_facts(self, metric: Any) -> dict[str, Any]:
        data = metric.data
        return {"type": data.get("type"), "unit": data.get("unit"), "better": data.get("better"),
                "owner": data.get("owner")}

    def trend_facts(self, metric_id: str) -> dict[str, Any]:
        """The North Star's latest value and its move over four weeks (`Measures.trend`)."""
        trend = self.facts.measures.trend(metric_id)
        latest = trend.latest
        return {"latest": None if latest is None else {"value": latest.value, "date": latest.date},
                "change_4w": trend.change_4w, "direction": trend.direction, "improving": trend.improving}

    def goal(self, goal: Any, seen: set[str], force: bool = False) -> Node | None:
        """A goal, its initiatives and the goals below it; None when neither it nor any
        goal below it is kept by the filter (`force`: shown anyway)."""
        from strat.progress_data import forecast_data, key_result_data, rollup_data, score_data

        facts = self.facts
        seen.add(goal.id)
        measured = facts.measures.goal(goal)
        progress = measured.outcome
        outcome = goal.data.get("outcome") or {}
        metric = facts.get(outcome.get("metric"), "Metric")
        holder = facts.holder(goal)
        info = {
            "owner": goal.data.get("owner"),
            "holder": {"kind": holder[0].lower(), "id": holder[1]} if holder else None,
            "metric": outcome.get("metric"),
            "unit": metric.data.get("unit") if metric is not None else None,
            "baseline": progress.baseline,
            "current": progress.current,
            "date": progress.current_date,
            "source": progress.source,
            "target": progress.target,
            "progress": progress.fraction,
            "percent": progress.percent,
            "confidence": progress.confidence,
            "forecast": forecast_data(progress),
            "status": progress.status,
            "basis": progress.basis,
            "period": goal.data.get("period"),
            "weight": measured.weight,
            "key_results": [key_result_data(kr) for kr in measured.key_results],
            "kr_rollup": rollup_data(measured.key_result_rollup),
        }
        info.update(score_data(self.ctx, goal))
        node = Node("goal", goal.id, clean(facts.title(goal)), info, progress=progress)
        matches = force or self.only.matches(goal)
        if matches:
            for iid in facts.initiatives.get(goal.id, []):
                initiative = facts.get(iid, "Initiative")
                node.children.append(Node("initiative", iid, clean(facts.title(initiative)),
                                          {"status": initiative.data.get("status"), "owner": initiative.data.get("owner")}))
        for child in facts.children.get(goal.id, []):
            if child not in seen:
                below = self.goal(facts.get(child, "Goal"), seen)
                if below is not None:
                    node.children.append(below)
        if not matches:
            if not any(c.kind == "goal" for c in node.children):
                return None
            info["context"] = True
        return node


def has_goals(node: Node) -> bool:
    """Whether any goal is left in the tree."""
    return node.kind == "goal" or any(has_goals(child) for child in node.children)


# --- formats --------------------------------------------------------------------------------


def to_json(node: Node) -> dict[str, Any]:
    """The tree as plain data: each node's kind, id, title, facts and children."""
    return {"kind": node.kind, "id": node.id, "title": node.title, **node.facts,
            "children": [to_json(child) for child in node.children]}


@dataclass(frozen=True, slots=True)
class Glyphs:
    branch: str
    last: str
    pipe: str
    blank: str
    full: str
    empty: str
    arrow: str
    dot: str
    dash: str
    marks: dict[str, str]


UNICODE = Glyphs("├── ", "└── ", "│   ", "    ", "█", "░", "→", "·", "–",
                 {"north-star": "★", "strategy": "★", "objective": "◆", "metric": "◇", "goal": "●",
                  "initiative": "▸", "unaligned": "!"})
ASCII = Glyphs("|-- ", "`-- ", "|   ", "    ", "#", ".", "->", "-", "-",
               {"north-star": "*", "strategy": "*", "objective": "+", "metric": "o", "goal": "-",
                "initiative": ">", "unaligned": "!"})

_LABELS = {"north-star": "North Star", "strategy": "Strategy", "objective": "Objective", "metric": "Metric",
           "goal": "Goal", "initiative": "Initiative", "unaligned": ""}


def render_text(node: Node, color: bool = False, glyphs: Glyphs = UNICODE) -> str:
    """The tree as indented text: one title line per node, and a second line of facts
    for objectives and goals."""
    lines: list[str] = []
    _render(node, "", "", lines, color, glyphs)
    return "\n".join(lines) + "\n"


def _style(text: str, color: bool, **kw: Any) -> str:
    import click

    return click.style(text, **kw) if color and text else text


def _render(node: Node, first: str, rest: str, lines: list[str], color: bool, g: Glyphs) -> None:
    label = _LABELS[node.kind]
    head = f"{g.marks[node.kind]} " + (_style(f"{label}:", color, bold=True) + " " if label else "")
    title = _style(node.title, color, bold=node.kind in ("north-star", "strategy", "objective") or None)
    ident = _style(f"({node.id})", color, dim=True) if node.id else ""
    summary = _summary(node, color, g)
    lines.append(f"{first}{head}{title} {ident}".rstrip() + (f"  {summary}" if summary else ""))
    child_rest = rest + (g.pipe if node.children else g.blank)
    lines.extend(f"{child_rest}  {detail}" for detail in _detail(node, color, g))
    for i, child in enumerate(node.children):
        last = i == len(node.children) - 1
        _render(child, rest + (g.last if last else g.branch), rest + (g.blank if last else g.pipe), lines, color, g)


def _summary(node: Node, color: bool, g: Glyphs) -> str:
    """What follows the title on its own line."""
    f = node.facts
    if node.kind in ("north-star", "metric"):
        parts = [p for p in (clean(f.get("type")), clean(f.get("unit")),
                             f"better {clean(f['better'])}" if f.get("better") else "") if p]
        if node.kind == "metric" and f.get("explains_objective") is False:
            parts.append(_style("no `drives` path to the objective's metric (A305)", color, fg="yellow"))
        text = f"{g.dot} " + ", ".join(parts) if parts else ""
        if node.kind == "north-star" and "latest" in f:
            text = f"{text} {g.dot} {_trend_words(f, color, g)}".strip()
        return text
    if node.kind == "initiative":
        return f"{g.dot} " + ", ".join(p for p in (clean(f.get("status")), f"owner {clean(f['owner'])}"
                                             if f.get("owner") else "") if p)
    if node.kind == "strategy":
        return f"{g.dot} {f['note']}"
    return ""


def _trend_words(f: dict[str, Any], color: bool, g: Glyphs) -> str:
    """"now 41,200 on 2026-11-16, +1,300 in 4 weeks": the North Star's latest reading and
    its move (green when it moves the way the metric is better, red when not)."""
    from strat.numbers import measure

    latest, unit = f.get("latest"), f.get("unit")
    if latest is None:
        return "no readings yet"
    text = f"now {measure(latest['value'], unit)} on {clean(latest['date'])}"
    change = f.get("change_4w")
    if change is None:
        return text + f", no reading 4 weeks before"
    sign = "+" if change > 0 else "-" if change < 0 else "±"
    move = f"{sign}{measure(abs(change), unit)} in 4 weeks"
    improving = f.get("improving")
    hue = "green" if improving is True else "red" if improving is False else None
    return f"{text}, {_style(move, color, fg=hue) if hue else move}"


def _bar_and_percent(progress: Any, status: str, color: bool, g: Glyphs) -> str:
    from strat.progress import percent as whole_percent

    bar = progress_bar(progress, g)
    shown = whole_percent(progress)  # None too for a share too large to be a percentage
    percent = f"{shown:>3d}%" if shown is not None else f"  {g.dash}%"
    return f"[{_style(bar, color, fg=STATUS_COLORS.get(status))}] {percent}"


def _status_words(status: str, color: bool) -> str:
    from strat.progress import STATUS_LABELS

    return _style(STATUS_LABELS.get(status, status).lower(), color, fg=STATUS_COLORS.get(status))


def _rollup_words(rollup: dict[str, Any] | None, noun: str) -> str:
    """"3 goals, 40% of the way: 1 at risk, 2 on track" (the weighted roll-up)."""
    from strat.progress import STATUS_LABELS

    if not rollup or not rollup.get("counts"):
        return ""
    counts = rollup["counts"]
    total = sum(counts.values())
    head = f"{total} {noun}{'' if total == 1 else 's'}"
    if rollup.get("percent") is not None:
        head += f", {rollup['percent']}% of the way"
        if rollup.get("left_out"):
            head += f" ({rollup['counted']} counted)"
    shown = ", ".join(f"{n} {STATUS_LABELS.get(s, s).lower()}" for s, n in counts.items())
    return f"{head}: {shown}"


def _detail(node: Node, color: bool, g: Glyphs) -> list[str]:
    """The lines under an objective (its number; its goals) or a goal (its progress; its
    key results)."""
    from strat.numbers import measure

    f = node.facts
    if node.kind == "objective":
        unit = f.get("unit")
        number = f.get("number") or {}
        status = number.get("status") or "no-data"
        values = (f"{clean(f.get('metric_name') or f.get('metric'))} {measure(f.get('baseline'), unit)} {g.arrow} "
                  f"{measure(number.get('current'), unit) or '?'} {g.arrow} {measure(f.get('target'), unit)}"
                  + (f" by {clean(f['due'])}" if f.get("due") else ""))
        parts = [f"{_bar_and_percent(number.get('progress'), status, color, g)}  {values}"]
        forecast = number.get("forecast")
        if forecast:
            parts.append(f"forecast {_forecast_words(node, unit)}")
        parts.append(_status_words(status, color))
        if f.get("owner"):
            parts.append(f"owner {clean(f['owner'])}")
        second = []
        if number.get("date"):
            second.append(f"as of {clean(number['date'])} ({clean(number.get('source'))})")
        goals = _rollup_words(f.get("goals_rollup"), "goal")
        if goals:
            second.append(goals)
        if not f.get("connected_to_north_star"):
            second.append(_style("not connected to the North Star (A307)", color, fg="yellow"))
        return [f" {g.dot} ".join(parts)] + ([f" {g.dot} ".join(second)] if second else [])
    if node.kind == "goal":
        unit = f.get("unit")
        status = f.get("status") or "no-data"
        values = (f"{measure(f.get('baseline'), unit)} {g.arrow} {measure(f.get('current'), unit) or '?'} {g.arrow} "
                  f"{measure(f.get('target'), unit)}")
        parts = [f"{_bar_and_percent(f.get('progress'), status, color, g)}  {values}"]
        forecast = f.get("forecast")
        if forecast:
            parts.append(f"forecast {_forecast_words(node, unit)} by {clean(forecast['date'])}")
        if f.get("confidence") is not None:
            parts.append(f"confidence {f['confidence']:g}")
        parts.append(_status_words(status, color))
        holder = f.get("holder")
        if holder:
            parts.append(f"{holder['kind']} {clean(holder['id'])}")
        if f.get("owner"):
            parts.append(f"owner {clean(f['owner'])}")
        if f.get("context"):
            parts.append("shown for the goals below it")
        lines = [f" {g.dot} ".join(parts)]
        krs = _rollup_words(f.get("kr_rollup"), "key result")
        if krs:
            lines.append(krs)
        return lines
    return []


def _forecast_words(node: Node, unit: Any) -> str:
    """The forecast figure as every view shows it (`strat.progress.forecast_text`: rounded
    to the precision of the data; JSON keeps the exact value beside it)."""
    from strat.progress import forecast_text

    return forecast_text(node.progress, unit if isinstance(unit, str) else None)


def progress_bar(fraction: float | None, glyphs: Glyphs = UNICODE, cells: int = BAR_CELLS) -> str:
    """`███░░░░░░░` for 0.3: the share of the way from baseline to target, clamped to
    0..1 (the percentage beside it shows the real figure, over 100% or below 0)."""
    if fraction is None:
        return " " * cells
    filled = round(min(1.0, max(0.0, fraction)) * cells)
    return glyphs.full * filled + glyphs.empty * (cells - filled)
