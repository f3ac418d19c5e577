"""`strat tree`: the metrics one-pager in the terminal.

North Star → objectives → the metrics their goals move → goals (cascaded goals under the
goal they align to) → initiatives. Each goal shows its progress from baseline through
its current value to its target (a percentage and a bar), its latest confidence and its
status, computed exactly as the site computes them (`strat.facts`), so the terminal
and the site never disagree.

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
    """The ID given is not an objective or goal (the message says what it is)."""


@dataclass(slots=True)
class Node:
    """One line of the tree: what it is, and the facts shown beside it."""

    kind: str  # north-star | strategy | objective | metric | goal | initiative | unaligned
    id: str | None
    title: str
    facts: dict[str, Any] = field(default_factory=dict)
    children: list["Node"] = field(default_factory=list)


def clean(value: Any) -> str:
    """Text from YAML as one terminal-safe line (`strat.inert.text`: hidden characters
    shown visibly, e.g. ESC as \\x1b), without the line break a YAML block scalar ends with."""
    from strat import inert

    return inert.text(None if value is None else str(value).strip())


def build_tree(ctx: RuleContext, root_id: str | None = None) -> Node:
    """The tree of the whole strategy, or of one objective or goal (`root_id`)."""
    from strat.facts import build_facts

    facts = build_facts(ctx)
    builder = _Builder(ctx, facts)
    if root_id is not None:
        doc = facts.get(root_id)
        if doc is None or doc.kind not in ("Objective", "Goal"):
            raise TreeProblem(_not_a_root(ctx, root_id))
        return builder.objective(doc) if doc.kind == "Objective" else builder.goal(doc, set())
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
    def __init__(self, ctx: RuleContext, facts: Any) -> None:
        self.ctx, self.facts = ctx, facts

    def whole(self) -> Node:
        facts = self.facts
        star = facts.north_star()
        strategy = self.ctx.model.strategy
        if star is not None:
            root = Node("north-star", star.id, clean(facts.title(star)), self.metric_facts(star))
        else:
            company = strategy.data.get("company") if strategy is not None else None
            root = Node("strategy", None, clean(company or "Strategy"), {"note": "no North Star metric"})
        root.children = [self.objective(o) for o in facts.entities.get("Objective", [])]
        aligned_somewhere = set(facts.objective)
        loose = [g for g in facts.goals() if g.id not in aligned_somewhere
                 and facts.get(g.data.get("parent"), "Goal") is None]
        if loose:
            seen: set[str] = set()
            root.children.append(Node("unaligned", None, "Goals not aligned to any objective", {},
                                      [self.goal(g, seen) for g in loose]))
        return root

    def objective(self, objective: Any) -> Node:
        facts, ctx = self.facts, self.ctx
        data = objective.data
        metric = facts.get(data.get("metric"), "Metric")
        unit = metric.data.get("unit") if metric is not None else None
        info: dict[str, Any] = {
            "owner": data.get("owner"),
            "metric": data.get("metric"),
            "metric_name": clean(facts.title(metric)) if metric is not None else None,
            "unit": unit,
            "baseline": data.get("baseline"),
            "target": data.get("target"),
            "due": ctx.objective_due(objective),
            "connected_to_north_star": bool(metric is not None and facts.path_to_north_star(metric.id)),
            "goals": facts.rollup(facts.aligned.get(objective.id, [])),
        }
        node = Node("objective", objective.id, clean(facts.title(objective)), info)
        groups: dict[str | None, list[Any]] = {}  # None: goals whose outcome names no metric
        for gid in facts.children.get(objective.id, []):
            goal = facts.get(gid, "Goal")
            outcome = goal.data.get("outcome") or {}
            groups.setdefault(outcome.get("metric"), []).append(goal)
        seen: set[str] = set()
        for metric_id in sorted(groups, key=lambda m: self.metric_sort_key(m)):
            metric_doc = facts.get(metric_id, "Metric")
            if metric_doc is None:
                node.children.extend(self.goal(g, seen) for g in groups[metric_id])
                continue
            metric_node = Node("metric", metric_id, clean(facts.title(metric_doc)), self.metric_facts(metric_doc))
            metric_node.facts["explains_objective"] = facts.explains(metric_id, objective)
            metric_node.children = [self.goal(g, seen) for g in groups[metric_id]]
            node.children.append(metric_node)
        return node

    def metric_sort_key(self, metric_id: Any) -> tuple[str, str]:
        doc = self.facts.get(metric_id, "Metric")
        return (self.facts.title(doc).casefold(), str(metric_id)) if doc is not None else ("~", str(metric_id))

    def metric_facts(self, metric: Any) -> dict[str, Any]:
        data = metric.data
        return {"type": data.get("type"), "unit": data.get("unit"), "better": data.get("better"),
                "owner": data.get("owner")}

    def goal(self, goal: Any, seen: set[str]) -> Node:
        facts = self.facts
        seen.add(goal.id)
        progress = facts.progress[goal.id]
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
            "target": progress.target,
            "progress": None if progress.fraction is None else round(progress.fraction, 4),
            "percent": progress.percent,
            "confidence": progress.confidence,
            "status": progress.status,
            "period": goal.data.get("period"),
        }
        node = Node("goal", goal.id, clean(facts.title(goal)), info)
        for iid in facts.initiatives.get(goal.id, []):
            initiative = facts.get(iid, "Initiative")
            node.children.append(Node("initiative", iid, clean(facts.title(initiative)),
                                      {"status": initiative.data.get("status"), "owner": initiative.data.get("owner")}))
        for child in facts.children.get(goal.id, []):
            if child not in seen:
                node.children.append(self.goal(facts.get(child, "Goal"), seen))
        return node


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
    detail = _detail(node, color, g)
    child_rest = rest + (g.pipe if node.children else g.blank)
    if detail:
        lines.append(f"{child_rest}  {detail}")
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
        return f"{g.dot} " + ", ".join(parts) if parts else ""
    if node.kind == "initiative":
        return f"{g.dot} " + ", ".join(p for p in (clean(f.get("status")), f"owner {clean(f['owner'])}"
                                             if f.get("owner") else "") if p)
    if node.kind == "strategy":
        return f"{g.dot} {f['note']}"
    return ""


def _detail(node: Node, color: bool, g: Glyphs) -> str:
    """The second line of an objective or a goal."""
    from strat.numbers import measure
    from strat.facts import STATUS_LABELS

    f = node.facts
    if node.kind == "objective":
        unit = f.get("unit")
        parts = [f"{clean(f.get('metric_name') or f.get('metric'))} {measure(f.get('baseline'), unit)} {g.arrow} "
                 f"{measure(f.get('target'), unit)}" + (f" by {clean(f['due'])}" if f.get("due") else "")]
        if f.get("owner"):
            parts.append(f"owner {clean(f['owner'])}")
        counts = f.get("goals") or {}
        total = sum(counts.values())
        if total:
            shown = ", ".join(f"{n} {STATUS_LABELS[s].lower()}" for s, n in counts.items())
            parts.append(f"{total} goal{'' if total == 1 else 's'}: {shown}")
        if not f.get("connected_to_north_star"):
            parts.append(_style("not connected to the North Star (A307)", color, fg="yellow"))
        return f" {g.dot} ".join(parts)
    if node.kind == "goal":
        unit = f.get("unit")
        status = f.get("status") or "no-data"
        bar = progress_bar(f.get("progress"), g)
        percent = f"{f['percent']:>3d}%" if f.get("percent") is not None else f"  {g.dash}%"
        values = (f"{measure(f.get('baseline'), unit)} {g.arrow} {measure(f.get('current'), unit) or '?'} {g.arrow} "
                  f"{measure(f.get('target'), unit)}")
        parts = [f"[{_style(bar, color, fg=STATUS_COLORS.get(status))}] {percent}  {values}"]
        if f.get("confidence") is not None:
            parts.append(f"confidence {f['confidence']:g}")
        parts.append(_style(STATUS_LABELS.get(status, status).lower(), color, fg=STATUS_COLORS.get(status)))
        holder = f.get("holder")
        if holder:
            parts.append(f"{holder['kind']} {clean(holder['id'])}")
        if f.get("owner"):
            parts.append(f"owner {clean(f['owner'])}")
        return f" {g.dot} ".join(parts)
    return ""


def progress_bar(fraction: float | None, glyphs: Glyphs = UNICODE, cells: int = BAR_CELLS) -> str:
    """`███░░░░░░░` for 0.3: the share of the way from baseline to target, clamped to
    0..1 (the percentage beside it shows the real figure, over 100% or below 0)."""
    if fraction is None:
        return " " * cells
    filled = round(min(1.0, max(0.0, fraction)) * cells)
    return glyphs.full * filled + glyphs.empty * (cells - filled)
