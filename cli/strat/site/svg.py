"""The metrics one-pager, drawn as SVG by our own code (the charts are in `charts.py`).

Pure functions from facts to SVG text: no script, no fonts, no network; the text inherits
the page's font. Every node of the one-pager is an `<a href>` to its page. Links inside
raw HTML are not rewritten by MkDocs, so each href is the final relative URL from the
page the SVG is embedded in (`paths.href`).

The one-pager is a tree drawn top to bottom: the North Star, the business objectives,
the metrics that drive each objective, the goals that move each metric, and under each
goal the initiatives that serve it. A metric that serves two objectives appears under
each, so the drawing stays a tree and no line crosses another. Siblings that do not fit
side by side wrap onto further rows, joined by a bus line; siblings share their parent,
so the bus cannot mislead. When the whole map would be too big to read, the page shows
an overview (the North Star and the objectives) and one diagram per objective (the
page's drawings, across, down for phones and for print: `strat.site.onepager`).
Layout is deterministic (same model, same SVG), which the golden tests rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from strat.load import Document
from strat.model import as_text, mapping
from strat.site import paths
from strat.site.escape import text as esc
from strat.facts import STATUS_LABELS, STATUS_ORDER, Facts, Progress, measure, number
from strat.progress import forecast_text, sentence

# Colours per goal status: (stroke, fill). Light fills keep dark text readable in both
# colour schemes.
STATUS_COLOURS = {
    "on-track": ("#2e7d32", "#e8f5e9"),
    "at-risk": ("#e08600", "#fff4e0"),
    "off-track": ("#c62828", "#fdecea"),
    "no-data": ("#757575", "#f4f4f4"),
    "not-started": ("#5c6bc0", "#eef0fb"),
    "done": ("#1565c0", "#e3f2fd"),
    "draft": ("#9e9e9e", "#fafafa"),
    "dropped": ("#bdbdbd", "#fafafa"),
}
# Text in a status colour where the stroke itself is below 4.5:1 on its fill (WCAG AA).
STATUS_INK = {"at-risk": "#8a4b00", "no-data": "#616161", "not-started": "#3949ab", "draft": "#616161",
              "dropped": "#616161"}
INITIATIVE_COLOURS = {"running": "#1565c0", "shipped": "#2e7d32", "proposed": "#6b6b6b", "killed": "#6b6b6b"}
INK, MUTED, EDGE, WARN = "#1f2933", "#52606d", "#9aa5b1", "#c62828"

WIDTH = 180  # goals and metrics
SIZES = {  # kind → (width, height)
    "north-star": (250, 92),
    "objective": (230, 164),
    "metric": (WIDTH, 68),
    "goal": (WIDTH, 104),
    "initiative": (WIDTH - 16, 50),
}
H_GAP, ROW_GAP, LINK_GAP, STACK_GAP, GUTTER, INDENT, MARGIN = 14, 26, 28, 8, 22, 16, 16
FONT = 12
CHAR = 0.64  # average glyph width in em (bold sans-serif, generous), for wrapping
GOAL_COLUMNS = 4  # goals of one metric side by side before wrapping
WIDE = 1500  # px: above this the map is split into an overview and one diagram per objective
MAX_GOALS_ONE_DIAGRAM = 40


@dataclass(slots=True)
class Node:
    key: str
    kind: str  # north-star | objective | metric | goal | initiative
    target: str  # source path of the page it links to
    title: str
    lines: list[str] = field(default_factory=list)  # secondary lines, plain text
    status: str | None = None
    bar: float | None = None  # progress 0..1 for goals
    tick: float | None = None  # time elapsed 0..1 for goals
    rollup: dict[str, int] = field(default_factory=dict)
    owner: str = ""  # the owner's name (or handle), shown in the box
    tip: str = ""  # more words for the tooltip and the link's name
    x: float = 0.0
    y: float = 0.0
    w: float | None = None  # a width set by the layout (the vertical one); else by kind
    h: float | None = None  # a height set by the layout (the vertical one: titles wrap less); else by kind

    @property
    def width(self) -> float:
        return SIZES[self.kind][0] if self.w is None else self.w

    @property
    def height(self) -> float:
        return SIZES[self.kind][1] if self.h is None else self.h


@dataclass(slots=True)
class Tree:
    """A node and its children. `stack` children hang below it, indented (initiatives);
    otherwise they sit side by side, wrapping at `max_width`."""

    node: Node
    children: list["Tree"] = field(default_factory=list)
    stack: bool = False
    max_width: float = float("inf")
    dashed: str = ""  # why the link from the parent is drawn dashed (no drives path)
    w: float = 0.0
    h: float = 0.0
    rows: list[list["Tree"]] = field(default_factory=list)


# --- building the trees ------------------------------------------------------------------


def objective_map(facts: Facts, objective: Document, page: str, directory_urls: bool = True,
                  width: float = WIDE) -> str:
    """One objective's diagram: its metrics, goals and initiatives."""
    tree = _objective_tree(facts, objective, width)
    return draw_tree(tree, page, directory_urls, "Map of the objective: its metrics, goals and initiatives")


def full_tree(facts: Facts, overview: bool, goal_columns: int = 0) -> Tree | None:
    """The North Star over every objective (and, unless `overview`, everything below)."""
    objectives = facts.entities.get("Objective", [])
    star = facts.north_star()
    subtrees = [Tree(_objective_node(facts, o)) if overview else _objective_tree(facts, o, WIDE, goal_columns)
                for o in objectives]
    if star is None:
        if not subtrees:
            return None
        if len(subtrees) == 1:
            return subtrees[0]
    root = Tree(_star_node(facts, star)) if star is not None else Tree(Node("none", "north-star", paths.HOME,
                                                                             "No North Star", ["North Star"]))
    root.max_width = WIDE if overview else float("inf")
    for objective, sub in zip(objectives, subtrees):
        metric = objective.data.get("metric")
        linked = star is not None and isinstance(metric, str) and facts.connected_to_star(metric)
        sub.dashed = "" if linked else "no drives path between this objective's metric and the North Star"
        root.children.append(sub)
    return root


def _objective_tree(facts: Facts, objective: Document, max_width: float, goal_columns: int = 0) -> Tree:
    columns = goal_columns or GOAL_COLUMNS
    tree = Tree(_objective_node(facts, objective), max_width=max_width)
    found = [facts.get(g, "Goal") for g in facts.aligned.get(objective.id, [])]
    goals = [g for g in found if g is not None and g.data.get("status") != "dropped"]
    own_metric = objective.data.get("metric")
    by_metric: dict[str, list[Document]] = {}
    for goal in goals:
        metric = mapping(goal.data, "outcome").get("metric")
        if isinstance(metric, str) and facts.get(metric, "Metric"):
            by_metric.setdefault(metric, []).append(goal)
    order = sorted(by_metric, key=lambda m: (m != own_metric, -len(by_metric[m]),
                                             facts.title(facts.get(m, "Metric")).casefold()))  # type: ignore[arg-type]
    for metric_id in order:
        metric = facts.get(metric_id, "Metric")
        assert metric is not None
        arrow = {"up": "↑", "down": "↓"}.get(as_text(metric.data.get("better")), "")
        node = Node(f"metric:{metric_id}@{objective.id}", "metric", paths.entity("Metric", metric_id),
                    facts.title(metric), [f"{metric.data.get('type', '')} {arrow}".strip()],
                    owner=_owner(facts, metric))
        explained = facts.explains(metric_id, objective)
        sub = Tree(node, max_width=columns * WIDTH + (columns - 1) * H_GAP,
                   dashed="" if explained else "no drives path from this metric to the objective's metric (A305)")
        ranked = sorted(by_metric[metric_id], key=lambda g: (STATUS_ORDER[facts.progress[g.id].status],
                                                             facts.title(g).casefold()))
        for goal in ranked:
            leaf = Tree(_goal_node(facts, goal), stack=True)
            for iid in facts.initiatives.get(goal.id, []):
                initiative = facts.get(iid, "Initiative")
                if initiative is not None:
                    state = str(initiative.data.get("status", ""))
                    leaf.children.append(Tree(Node(f"initiative:{iid}", "initiative",
                                                   paths.entity("Initiative", iid), facts.title(initiative),
                                                   [state], status=state)))
            sub.children.append(leaf)
        tree.children.append(sub)
    return tree


def _owner(facts: Facts, doc: Document) -> str:
    """The owner's name as people know it (their Person's name), else the handle as
    written; "" when there is none."""
    owner = doc.data.get("owner")
    person = facts.get(owner, "Person")
    if person is not None:
        return facts.title(person)
    return owner if isinstance(owner, str) else ""


def _star_node(facts: Facts, star: Document) -> Node:
    """The North Star: its name, owner and latest value (from `strat.progress`)."""
    unit = star.data.get("unit")
    latest = facts.measures.trend(star.id).latest
    lines = ["North Star", f"now {measure(latest.value, unit)} ({latest.date})" if latest is not None else ""]
    return Node(f"metric:{star.id}", "north-star", paths.entity("Metric", star.id), facts.title(star), lines,
                owner=_owner(facts, star))


def _objective_node(facts: Facts, objective: Document) -> Node:
    """An objective: its owner, its number (current value, progress from baseline to
    target, forecast and status, all from `strat.progress`) and its goals' status mix."""
    data = objective.data
    metric = facts.get(data.get("metric"), "Metric")
    done = facts.measures.objective(objective)
    number_ = done.number
    unit = done.unit
    span = f"{measure(number_.baseline, unit)} → {measure(number_.target, unit)}"
    lines = [f"{facts.title(metric)}: {span}" if metric else span]
    if number_.current is None:
        lines.append("no value yet")
    else:
        now = f"now {measure(number_.current, unit)}"
        lines.append(f"{now} · {number_.percent}% of the way" if number_.percent is not None else now)
    forecast = number_.forecast
    lines.append(f"forecast {forecast_text(number_, unit)}" if forecast is not None else
                 "judged by pace" if number_.current is not None and number_.basis == "pace" else "")
    bar = None if number_.fraction is None else min(1.0, max(0.0, number_.fraction))
    goals = facts.aligned.get(objective.id, [])
    return Node(f"objective:{objective.id}", "objective", paths.entity("Objective", objective.id),
                facts.title(objective), lines, status=number_.status, bar=bar, tick=number_.elapsed,
                rollup=facts.rollup(goals), owner=_owner(facts, objective),
                tip=sentence(facts.title(metric) if metric else "the number", number_, unit))


def _goal_node(facts: Facts, goal: Document) -> Node:
    progress = facts.progress[goal.id]
    parts = []
    if progress.percent is not None:
        parts.append(f"{progress.percent}%")
    if progress.confidence is not None:
        parts.append(f"conf. {number(progress.confidence)}")
    bar = None if progress.fraction is None else min(1.0, max(0.0, progress.fraction))
    return Node(f"goal:{goal.id}", "goal", paths.entity("Goal", goal.id), facts.title(goal),
                [" · ".join(parts), progress.label], status=progress.status, bar=bar, tick=progress.elapsed,
                owner=_owner(facts, goal))


# --- layout ------------------------------------------------------------------------------


def _measure(tree: Tree) -> None:
    """Sizes, bottom up."""
    node = tree.node
    for child in tree.children:
        _measure(child)
    if not tree.children:
        tree.w, tree.h = node.width, node.height
        return
    if tree.stack:
        tree.w = max(node.width, INDENT + max(c.w for c in tree.children))
        tree.h = node.height + sum(STACK_GAP + c.h for c in tree.children)
        return
    rows: list[list[Tree]] = [[]]
    used = 0.0
    for child in tree.children:
        extra = child.w + (H_GAP if rows[-1] else 0)
        if rows[-1] and used + extra > tree.max_width:
            rows.append([child])
            used = child.w
        else:
            rows[-1].append(child)
            used += extra
    tree.rows = rows
    row_w = max(_row_width(r) for r in rows)
    children_h = sum(max(c.h for c in r) for r in rows) + (len(rows) - 1) * ROW_GAP
    tree.w = max(node.width, row_w + (GUTTER if len(rows) > 1 else 0))
    tree.h = node.height + LINK_GAP + children_h


def _row_width(row: list[Tree]) -> float:
    return sum(c.w for c in row) + H_GAP * (len(row) - 1)


def _place(tree: Tree, x: float, y: float, links: list[str]) -> None:
    """Positions, top down, and the connecting lines as SVG path elements."""
    node = tree.node
    if not tree.children:
        node.x, node.y = x + (tree.w - node.width) / 2, y
        return
    if tree.stack:
        node.x, node.y = x, y
        trunk = x + INDENT / 2
        top = y + node.height
        cy = top
        ends = []
        for child in tree.children:
            cy += STACK_GAP
            _place(child, x + INDENT, cy, links)
            ends.append(cy + child.node.height / 2)
            cy += child.h
        links.append(_path(f"M{_n(trunk)} {_n(top)}V{_n(ends[-1])}"))
        for end, child in zip(ends, tree.children):
            links.append(_path(f"M{_n(trunk)} {_n(end)}H{_n(child.node.x)}", child.dashed))
        return
    bottom = y + node.height
    if len(tree.rows) == 1:
        node.x, node.y = x + (tree.w - node.width) / 2, y
        row = tree.rows[0]
        left = x + (tree.w - _row_width(row)) / 2
        bus = bottom + LINK_GAP / 2
        centres = []
        for child in row:
            _place(child, left, bottom + LINK_GAP, links)
            centres.append(child.node.x + child.node.width / 2)
            left += child.w + H_GAP
        px = node.x + node.width / 2
        links.append(_path(f"M{_n(px)} {_n(bottom)}V{_n(bus)}"))
        lo, hi = min(centres + [px]), max(centres + [px])
        if hi > lo:
            links.append(_path(f"M{_n(lo)} {_n(bus)}H{_n(hi)}"))
        for cx, child in zip(centres, row):
            links.append(_path(f"M{_n(cx)} {_n(bus)}V{_n(child.node.y)}", child.dashed))
        return
    # Several rows: the node sits left, a trunk runs down the gutter, each row hangs off
    # its own bus.
    node.x, node.y = x, y
    trunk = x + GUTTER / 2
    top = bottom + LINK_GAP
    last_bus = bottom
    for row in tree.rows:
        bus = top - LINK_GAP / 2
        left = x + GUTTER
        centres = []
        for child in row:
            _place(child, left, top, links)
            centres.append(child.node.x + child.node.width / 2)
            left += child.w + H_GAP
        links.append(_path(f"M{_n(trunk)} {_n(bus)}H{_n(max(centres))}"))
        for cx, child in zip(centres, row):
            links.append(_path(f"M{_n(cx)} {_n(bus)}V{_n(child.node.y)}", child.dashed))
        last_bus = bus
        top += max(c.h for c in row) + ROW_GAP
    links.append(_path(f"M{_n(trunk)} {_n(bottom)}V{_n(last_bus)}"))


def _path(d: str, dashed: str = "") -> str:
    if dashed:
        return f'<path d="{d}" stroke="{WARN}" stroke-dasharray="5 4"><title>{esc(dashed)}</title></path>'
    return f'<path d="{d}"/>'


def _nodes(tree: Tree) -> list[Node]:
    out = [tree.node]
    for child in tree.children:
        out += _nodes(child)
    return out


def draw_tree(tree: Tree, page: str, directory_urls: bool, label: str) -> str:
    _measure(tree)
    return _draw(tree, page, directory_urls, label)


def _draw(tree: Tree, page: str, directory_urls: bool, label: str, css: str = "strat-map",
          aspect: str = "") -> str:
    links: list[str] = []
    _place(tree, MARGIN, MARGIN, links)
    width, height = tree.w + 2 * MARGIN, tree.h + 2 * MARGIN
    return _svg(tree, page, directory_urls, label, css, aspect, width, height, links)


def _svg(tree: Tree, page: str, directory_urls: bool, label: str, css: str, aspect: str, width: float,
         height: float, links: list[str]) -> str:
    ratio = f' preserveAspectRatio="{aspect}"' if aspect else ""
    out = [f'<svg class="{css}" xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
           f'viewBox="0 0 {_n(width)} {_n(height)}"{ratio} font-size="{FONT}" role="group" aria-label="{esc(label)}">',
           f"<title>{esc(label)}</title>",
           f'<g class="strat-links" fill="none" stroke="{EDGE}" stroke-width="1.4">', *links, "</g>"]
    for node in _nodes(tree):
        out.append(_node(node, paths.href(page, node.target, directory_urls)))
    out.append("</svg>")
    return "".join(out)


# --- drawing -----------------------------------------------------------------------------


def _node(node: Node, href: str) -> str:
    x, y, w, h = node.x, node.y, node.width, node.height
    owner = f"owner {node.owner}" if node.owner else ""
    tip = " · ".join(part for part in [node.title, owner, *node.lines, node.tip] if part)
    parts = [f'<a href="{href}" class="strat-node strat-{node.kind}"><title>{esc(tip)}</title>']
    if node.kind == "north-star":
        parts.append(_rect(x, y, w, h, "#263238", "#263238", 10))
        parts.append(_text(x + w / 2, y + 18, "NORTH STAR", "#b0bec5", 9, anchor="middle", weight=700, spacing=1))
        for i, line in enumerate(_wrap(node.title, w - 20, 13, 2)):
            parts.append(_text(x + w / 2, y + 36 + i * 16, line, "#ffffff", 13, anchor="middle", weight=700))
        now = node.lines[1] if len(node.lines) > 1 else ""
        parts.append(_text(x + w / 2, y + h - 22, _fit(now, w - 20, 10), "#cfd8dc", 10, anchor="middle"))
        parts.append(_text(x + w / 2, y + h - 9, _fit(owner, w - 20, 10), "#cfd8dc", 10, anchor="middle"))
    elif node.kind == "objective":
        stroke = STATUS_COLOURS.get(node.status or "no-data", STATUS_COLOURS["no-data"])[0]
        parts.append(_rect(x, y, w, h, "#455a64", "#eceff1", 8))
        parts.append(_text(x + 10, y + 16, "OBJECTIVE", MUTED, 9, weight=700, spacing=1))
        if node.owner:
            parts.append(_text(x + w - 10, y + 16, _fit(node.owner, w - 100, 10), MUTED, 10, anchor="end"))
        for i, line in enumerate(_wrap(node.title, w - 20, FONT, 3)):
            parts.append(_text(x + 10, y + 32 + i * 15, line, INK, FONT, weight=700))
        span, now, forecast = (node.lines + ["", "", ""])[:3]
        parts.append(_text(x + 10, y + h - 76, _fit(span, w - 20, 10), MUTED, 10))
        parts.append(_text(x + 10, y + h - 60, _fit(now, w - 20, 11), INK, 11, weight=600))
        parts.append(_bar(x + 10, y + h - 51, w - 20, node.bar, node.tick, stroke))
        ink = STATUS_INK.get(node.status or "no-data", stroke)
        label = STATUS_LABELS.get(node.status or "no-data", "")
        parts.append(_text(x + 10, y + h - 25, _fit(forecast, w - 90, 10), MUTED, 10))
        parts.append(_text(x + w - 10, y + h - 25, label, ink, 10, anchor="end", weight=700))
        parts.append(_rollup_bar(x + 10, y + h - 12, w - 20, node.rollup))
    elif node.kind == "metric":
        parts.append(_rect(x, y, w, h, "#6a1b9a", "#f6effa", 14))
        for i, line in enumerate(_wrap(node.title, w - 24, FONT, 2)):
            parts.append(_text(x + w / 2, y + 18 + i * 14, line, INK, FONT, anchor="middle", weight=600))
        if node.owner:
            parts.append(_text(x + w / 2, y + h - 20, _fit(node.owner, w - 24, 10), MUTED, 10, anchor="middle"))
        if node.lines:
            parts.append(_text(x + w / 2, y + h - 7, node.lines[0], "#6a1b9a", 9, anchor="middle"))
    elif node.kind == "goal":
        stroke, fill = STATUS_COLOURS.get(node.status or "no-data", STATUS_COLOURS["no-data"])
        dash = ' stroke-dasharray="5 3"' if node.status in ("draft", "dropped") else ""
        parts.append(_rect(x, y, w, h, stroke, fill, 6, dash, width=1.6))
        parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="5" height="{h}" rx="2" fill="{stroke}"/>')
        for i, line in enumerate(_wrap(node.title, w - 22, FONT, 3)):
            parts.append(_text(x + 12, y + 17 + i * 14, line, INK, FONT, weight=600))
        if node.owner:
            parts.append(_text(x + 12, y + h - 40, _fit(node.owner, w - 22, 10), MUTED, 10))
        parts.append(_bar(x + 12, y + h - 31, w - 22, node.bar, node.tick, stroke))
        left, status = (node.lines + ["", ""])[:2]
        parts.append(_text(x + 12, y + h - 8, left, MUTED, 10))
        ink = STATUS_INK.get(node.status or "no-data", stroke)
        parts.append(_text(x + w - 10, y + h - 8, status, ink, 10, anchor="end", weight=700))
    else:  # initiative
        colour = INITIATIVE_COLOURS.get(node.status or "", MUTED)
        parts.append(_rect(x, y, w, h, "#b0bec5", "#ffffff", 6))
        for i, line in enumerate(_wrap(node.title, w - 20, 11, 2)):
            parts.append(_text(x + 10, y + 16 + i * 13, line, INK, 11))
        if node.lines:
            parts.append(_text(x + 10, y + h - 7, node.lines[0], colour, 10, weight=700))
    parts.append("</a>")
    return "".join(parts)


def _bar(x: float, y: float, width: float, fraction: float | None, tick: float | None, colour: str) -> str:
    """A progress bar: filled to `fraction` of the way, a tick at the share of time gone."""
    out = [f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="6" rx="3" fill="#ffffff" '
           f'stroke="{EDGE}" stroke-width="0.5"/>']
    if fraction is not None:
        out.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width * fraction)}" height="6" rx="3" fill="{colour}"/>')
    if tick is not None:
        tx = x + width * min(1.0, max(0.0, tick))
        out.append(f'<line x1="{_n(tx)}" y1="{_n(y - 3)}" x2="{_n(tx)}" y2="{_n(y + 9)}" stroke="{INK}" '
                   f'stroke-width="1.2"/>')
    return "".join(out)


def _rollup_bar(x: float, y: float, width: float, rollup: dict[str, int]) -> str:
    total = sum(rollup.values())
    if not total:
        return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="5" rx="2" fill="#cfd8dc"/>'
    out, left = [], x
    for status, count in rollup.items():
        w = width * count / total
        out.append(f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(w)}" height="5" fill="{STATUS_COLOURS[status][0]}">'
                   f"<title>{esc(f'{count} {STATUS_LABELS[status].lower()}')}</title></rect>")
        left += w
    return "".join(out)


def _rect(x: float, y: float, w: float, h: float, stroke: str, fill: str, radius: float, extra: str = "",
          width: float = 1.2) -> str:
    return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{_n(radius)}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{width}"{extra}/>')


def _text(x: float, y: float, content: str, colour: str, size: int, anchor: str = "start", weight: int = 400,
          spacing: float = 0) -> str:
    attrs = f' text-anchor="{anchor}"' if anchor != "start" else ""
    attrs += f' font-weight="{weight}"' if weight != 400 else ""
    attrs += f' letter-spacing="{spacing}"' if spacing else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" fill="{colour}" font-size="{size}"{attrs}>{esc(content)}</text>'


def _wrap(content: str, width: float, size: int, max_lines: int) -> list[str]:
    """Words into lines that fit `width` pixels (estimated), an ellipsis on the last line
    when the text does not fit in `max_lines`."""
    limit = max(4, int(width / (size * CHAR)))
    words = content.split()
    lines: list[str] = []
    current = ""
    for word in words:
        while len(word) > limit:  # a word longer than a line is cut
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= limit:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _ellipsis(lines[-1], limit)
    return lines or [""]


def _ellipsis(line: str, limit: int) -> str:
    """The line with " …" after its last whole word that leaves room for it; a word is
    cut only when it alone is too long."""
    words = line.split()
    while words and len(" ".join(words)) + 2 > limit:
        words.pop()
    return " ".join(words) + " …" if words else line[: limit - 1].rstrip() + "…"


def _fit(content: str, width: float, size: int) -> str:
    limit = max(4, int(width / (size * CHAR)))
    return content if len(content) <= limit else content[: limit - 1].rstrip() + "…"


def _n(value: float) -> str:
    """Coordinates with at most one decimal, without trailing zeros: stable output."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
