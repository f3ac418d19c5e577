"""The metrics one-pager and the check-in charts, drawn as SVG by our own code.

Pure functions from facts to SVG text: no script, no fonts, no network; the text inherits
the page's font. Every node of the one-pager is an `<a href>` to its page. Links inside
raw HTML are not rewritten by MkDocs, so each href is the final relative URL from the
page the SVG is embedded in (`paths.href`).

The one-pager is layered top to bottom: the North Star, the business objectives, the
metrics that drive each objective, the goals that move those metrics, the initiatives
that serve those goals. Each objective owns a column block; inside a block a layer wraps
onto several rows, so a diagram grows downwards rather than to 12,000 pixels wide.
Layout is deterministic (same model, same SVG), which the golden tests rely on.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from strat.load import Document
from strat.site import paths
from strat.site.escape import text as esc
from strat.site.facts import STATUS_LABELS, STATUS_ORDER, Facts, Progress, measure, number

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
INITIATIVE_COLOURS = {"running": "#1565c0", "shipped": "#2e7d32", "proposed": "#757575", "killed": "#9e9e9e"}
INK, MUTED, EDGE, WARN = "#1f2933", "#52606d", "#9aa5b1", "#c62828"

WIDTH = 172
HEIGHTS = {"north-star": 60, "objective": 86, "metric": 50, "goal": 86, "initiative": 54}
H_GAP, ROW_GAP, LAYER_GAP, BLOCK_GAP, MARGIN = 14, 14, 44, 36, 16
FONT = 12
CHAR = 0.56  # average glyph width in em, for wrapping

# Above these sizes the one-pager shows an overview (North Star and objectives) and
# each objective gets its own diagram on its page.
SPLIT_GOALS, SPLIT_OBJECTIVES, SPLIT_INITIATIVES = 30, 6, 45


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
    width: int = WIDTH
    x: float = 0.0
    y: float = 0.0

    @property
    def height(self) -> int:
        return HEIGHTS[self.kind]


@dataclass(slots=True)
class Edge:
    parent: str
    child: str
    dashed: bool = False
    tip: str = ""


@dataclass(slots=True)
class Block:
    """One objective and the layers below it."""

    head: Node
    layers: list[list[Node]]


def needs_split(facts: Facts) -> bool:
    """True when the whole map would be too big to read as one diagram."""
    return (len(facts.goals()) > SPLIT_GOALS or len(facts.entities.get("Objective", [])) > SPLIT_OBJECTIVES
            or len(facts.entities.get("Initiative", [])) > SPLIT_INITIATIVES)


# --- the one-pager -------------------------------------------------------------------


def one_pager(facts: Facts, page: str, directory_urls: bool = True, objectives: list[str] | None = None,
              overview: bool = False, columns: int | None = None) -> str:
    """The metrics one-pager as SVG, for embedding in `page`.

    `objectives` limits it to some objectives (an objective's own diagram); `overview`
    draws only the North Star and the objectives, each with the status of its goals."""
    chosen = [o for o in facts.entities.get("Objective", []) if objectives is None or o.id in objectives]
    star = facts.north_star()
    root = _star_node(facts, star) if star is not None and objectives is None else None
    blocks: list[Block] = []
    edges: list[Edge] = []
    for objective in chosen:
        head = _objective_node(facts, objective, wide=overview)
        if root is not None:
            linked = star is not None and star.id in facts.ctx.driven_from(objective.data.get("metric", ""))
            edges.append(Edge(root.key, head.key, not linked,
                              "" if linked else "no drives path from this objective's metric to the North Star"))
        layers: list[list[Node]] = [[], [], []] if not overview else []
        if not overview:
            _fill_block(facts, objective, head, layers, edges)
        blocks.append(Block(head, layers))
    if not blocks and root is None:
        return ""
    if overview:
        cap = columns or 4
        blocks = [Block(b.head, []) for b in blocks]
        return _draw_grid(root, [b.head for b in blocks], edges, page, directory_urls, cap)
    cap = columns or (2 if len(blocks) >= 4 else 3 if len(blocks) >= 2 else 5)
    return _draw_blocks(root, blocks, edges, page, directory_urls, cap, facts)


def _star_node(facts: Facts, star: Document) -> Node:
    return Node(f"metric:{star.id}", "north-star", paths.entity("Metric", star.id), facts.title(star),
                ["North Star"], width=WIDTH + 60)


def _objective_node(facts: Facts, objective: Document, wide: bool = False) -> Node:
    data = objective.data
    metric = facts.get(data.get("metric"), "Metric")
    unit = metric.data.get("unit") if metric else None
    lines = []
    if metric is not None:
        lines.append(f"{facts.title(metric)}: {measure(data.get('baseline'), unit)} → {measure(data.get('target'), unit)}")
    goals = facts.aligned.get(objective.id, [])
    rollup = facts.rollup(goals)
    return Node(f"objective:{objective.id}", "objective", paths.entity("Objective", objective.id),
                facts.title(objective), lines, rollup=rollup, width=WIDTH + (48 if wide else 0))


def _fill_block(facts: Facts, objective: Document, head: Node, layers: list[list[Node]], edges: list[Edge]) -> None:
    goals = [facts.get(g, "Goal") for g in facts.aligned.get(objective.id, [])]
    goals = [g for g in goals if g is not None and g.data.get("status") != "dropped"]
    own_metric = objective.data.get("metric")
    by_metric: dict[str, list[Document]] = {}
    for goal in goals:
        metric = goal.data.get("outcome", {}).get("metric")
        if facts.get(metric, "Metric"):
            by_metric.setdefault(metric, []).append(goal)
    order = sorted(by_metric, key=lambda m: (m != own_metric, -len(by_metric[m]),
                                             facts.title(facts.get(m, "Metric")).casefold()))  # type: ignore[arg-type]
    for metric_id in order:
        metric = facts.get(metric_id, "Metric")
        assert metric is not None
        key = f"metric:{metric_id}@{objective.id}"
        kind = metric.data.get("type", "")
        arrow = {"up": "↑", "down": "↓"}.get(metric.data.get("better"), "")
        layers[0].append(Node(key, "metric", paths.entity("Metric", metric_id), facts.title(metric),
                              [f"{kind} {arrow}".strip()]))
        explained = facts.explains(metric_id, objective)
        edges.append(Edge(head.key, key, not explained,
                          "" if explained else "no drives path from this metric to the objective's metric (A305)"))
        ranked = sorted(by_metric[metric_id], key=lambda g: (STATUS_ORDER[facts.progress[g.id].status],
                                                             facts.title(g).casefold()))
        for goal in ranked:
            gkey = f"goal:{goal.id}"
            if any(n.key == gkey for n in layers[1]):
                continue
            layers[1].append(_goal_node(facts, goal))
            edges.append(Edge(key, gkey))
            for iid in facts.initiatives.get(goal.id, []):
                initiative = facts.get(iid, "Initiative")
                if initiative is None:
                    continue
                state = initiative.data.get("status", "")
                layers[2].append(Node(f"initiative:{iid}", "initiative", paths.entity("Initiative", iid),
                                      facts.title(initiative), [str(state)], status=str(state)))
                edges.append(Edge(gkey, f"initiative:{iid}"))


def _goal_node(facts: Facts, goal: Document) -> Node:
    progress = facts.progress[goal.id]
    parts = []
    if progress.percent is not None:
        parts.append(f"{progress.percent}%")
    if progress.confidence is not None:
        parts.append(f"conf. {number(progress.confidence)}")
    bar = None if progress.fraction is None else min(1.0, max(0.0, progress.fraction))
    return Node(f"goal:{goal.id}", "goal", paths.entity("Goal", goal.id), facts.title(goal),
                [" · ".join(parts), progress.label], status=progress.status, bar=bar, tick=progress.elapsed)


def _rows(nodes: list[Node], cols: int) -> list[list[Node]]:
    return [nodes[i:i + cols] for i in range(0, len(nodes), cols)] if nodes else []


def _draw_blocks(root: Node | None, blocks: list[Block], edges: list[Edge], page: str, directory_urls: bool,
                 cap: int, facts: Facts) -> str:
    cols = [max(1, min(cap, max((len(layer) for layer in b.layers), default=1))) for b in blocks]
    widths = [max(b.head.width, c * WIDTH + (c - 1) * H_GAP) for b, c in zip(blocks, cols)]
    layer_kinds = ("metric", "goal", "initiative")
    band = [max((math.ceil(len(b.layers[i]) / c) for b, c in zip(blocks, cols)), default=0) for i in range(3)]

    y = MARGIN
    if root is not None:
        root.y = y
        y += root.height + LAYER_GAP
    heads_y = y
    y += max((b.head.height for b in blocks), default=0) + LAYER_GAP
    band_y = []
    for i, rows in enumerate(band):
        band_y.append(y)
        if rows:
            y += rows * (HEIGHTS[layer_kinds[i]] + ROW_GAP) - ROW_GAP + LAYER_GAP
    height = y - LAYER_GAP + MARGIN if any(band) or blocks else y

    x = MARGIN
    for block, col, width in zip(blocks, cols, widths):
        block.head.x, block.head.y = x + (width - block.head.width) / 2, heads_y
        for i, layer in enumerate(block.layers):
            for r, row in enumerate(_rows(layer, col)):
                row_width = len(row) * WIDTH + (len(row) - 1) * H_GAP
                left = x + (width - row_width) / 2
                for j, node in enumerate(row):
                    node.x = left + j * (WIDTH + H_GAP)
                    node.y = band_y[i] + r * (HEIGHTS[layer_kinds[i]] + ROW_GAP)
        x += width + BLOCK_GAP
    total_width = max(x - BLOCK_GAP + MARGIN, (root.width + 2 * MARGIN) if root else 0)
    if root is not None:
        root.x = (total_width - root.width) / 2
    nodes = ([root] if root else []) + [n for b in blocks for n in [b.head] + [m for layer in b.layers for m in layer]]
    label = "Metrics one-pager: North Star, objectives, metrics, goals and initiatives"
    return _svg(nodes, edges, total_width, height, page, directory_urls, label)


def _draw_grid(root: Node | None, heads: list[Node], edges: list[Edge], page: str, directory_urls: bool,
               cap: int) -> str:
    """The overview: the North Star above rows of objectives."""
    y = MARGIN
    if root is not None:
        root.y = y
        y += root.height + LAYER_GAP
    cols = max(1, min(cap, len(heads)))
    width = cols * heads[0].width + (cols - 1) * (H_GAP + 10) if heads else 0
    total_width = max(width + 2 * MARGIN, (root.width + 2 * MARGIN) if root else 0)
    for r, row in enumerate(_rows(heads, cols)):
        row_width = len(row) * row[0].width + (len(row) - 1) * (H_GAP + 10)
        left = (total_width - row_width) / 2
        for j, node in enumerate(row):
            node.x = left + j * (node.width + H_GAP + 10)
            node.y = y + r * (node.height + LAYER_GAP)
    rows = math.ceil(len(heads) / cols) if heads else 0
    height = y + rows * (HEIGHTS["objective"] + LAYER_GAP) - LAYER_GAP + MARGIN
    if root is not None:
        root.x = (total_width - root.width) / 2
    label = "Metrics one-pager, overview: the North Star and the business objectives"
    return _svg(([root] if root else []) + heads, edges, total_width, height, page, directory_urls, label)


def _svg(nodes: list[Node], edges: list[Edge], width: float, height: float, page: str, directory_urls: bool,
         label: str) -> str:
    by_key = {n.key: n for n in nodes}
    out = [f'<svg class="strat-map" xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
           f'viewBox="0 0 {_n(width)} {_n(height)}" font-size="{FONT}" role="group" aria-label="{esc(label)}">',
           f"<title>{esc(label)}</title>", '<g class="strat-edges" fill="none">']
    for edge in edges:
        parent, child = by_key.get(edge.parent), by_key.get(edge.child)
        if parent is None or child is None:
            continue
        x1, y1 = parent.x + parent.width / 2, parent.y + parent.height
        x2, y2 = child.x + child.width / 2, child.y
        mid = (y2 - y1) / 2
        style = f'stroke="{WARN}" stroke-dasharray="5 4"' if edge.dashed else f'stroke="{EDGE}"'
        tip = f"<title>{esc(edge.tip)}</title>" if edge.tip else ""
        out.append(f'<path d="M{_n(x1)} {_n(y1)} C{_n(x1)} {_n(y1 + mid)} {_n(x2)} {_n(y2 - mid)} {_n(x2)} {_n(y2)}" '
                   f'{style} stroke-width="1.4">{tip}</path>')
    out.append("</g>")
    for node in nodes:
        out.append(_node(node, paths.href(page, node.target, directory_urls)))
    out.append("</svg>")
    return "".join(out)


def _node(node: Node, href: str) -> str:
    x, y, w, h = node.x, node.y, node.width, node.height
    tip = " · ".join([node.title, *(line for line in node.lines if line)])
    parts = [f'<a href="{href}" class="strat-node strat-{node.kind}"><title>{esc(tip)}</title>']
    dash = ""
    if node.kind == "north-star":
        parts.append(_rect(x, y, w, h, "#263238", "#263238", 10))
        parts.append(_text(x + w / 2, y + 22, "NORTH STAR", "#b0bec5", 10, anchor="middle", weight=700, spacing=1))
        for i, line in enumerate(_wrap(node.title, w - 20, 14, 1)):
            parts.append(_text(x + w / 2, y + 43 + i * 16, line, "#ffffff", 14, anchor="middle", weight=700))
    elif node.kind == "objective":
        parts.append(_rect(x, y, w, h, "#455a64", "#eceff1", 8))
        parts.append(_text(x + 10, y + 16, "OBJECTIVE", MUTED, 9, weight=700, spacing=1))
        for i, line in enumerate(_wrap(node.title, w - 20, FONT, 2)):
            parts.append(_text(x + 10, y + 32 + i * 15, line, INK, FONT, weight=700))
        for i, line in enumerate(node.lines[:1]):
            parts.append(_text(x + 10, y + 65, _fit(line, w - 20, 10), MUTED, 10))
        parts.append(_rollup_bar(x + 10, y + h - 12, w - 20, node.rollup))
    elif node.kind == "metric":
        parts.append(_rect(x, y, w, h, "#6a1b9a", "#f6effa", h / 2))
        for i, line in enumerate(_wrap(node.title, w - 28, FONT, 2)):
            parts.append(_text(x + w / 2, y + 20 + i * 14, line, INK, FONT, anchor="middle", weight=600))
        if node.lines:
            parts.append(_text(x + w / 2, y + h - 7, node.lines[0], "#6a1b9a", 9, anchor="middle"))
    elif node.kind == "goal":
        stroke, fill = STATUS_COLOURS.get(node.status or "no-data", STATUS_COLOURS["no-data"])
        if node.status in ("draft", "dropped"):
            dash = ' stroke-dasharray="5 3"'
        parts.append(_rect(x, y, w, h, stroke, fill, 6, dash, width=2))
        parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="5" height="{h}" rx="2" fill="{stroke}"/>')
        for i, line in enumerate(_wrap(node.title, w - 22, FONT, 3)):
            parts.append(_text(x + 12, y + 17 + i * 14, line, INK, FONT, weight=600))
        bar_y, bar_w = y + h - 28, w - 22
        parts.append(f'<rect x="{_n(x + 12)}" y="{_n(bar_y)}" width="{_n(bar_w)}" height="6" rx="3" fill="#ffffff" '
                     f'stroke="{EDGE}" stroke-width="0.5"/>')
        if node.bar is not None:
            parts.append(f'<rect x="{_n(x + 12)}" y="{_n(bar_y)}" width="{_n(bar_w * node.bar)}" height="6" rx="3" '
                         f'fill="{stroke}"/>')
        if node.tick is not None:
            tx = x + 12 + bar_w * node.tick
            parts.append(f'<line x1="{_n(tx)}" y1="{_n(bar_y - 3)}" x2="{_n(tx)}" y2="{_n(bar_y + 9)}" stroke="{INK}" '
                         f'stroke-width="1.2"/>')
        left, status = (node.lines + ["", ""])[:2]
        parts.append(_text(x + 12, y + h - 8, left, MUTED, 10))
        parts.append(_text(x + w - 10, y + h - 8, status, stroke, 10, anchor="end", weight=700))
    else:  # initiative
        colour = INITIATIVE_COLOURS.get(node.status or "", MUTED)
        parts.append(_rect(x, y, w, h, "#b0bec5", "#ffffff", 6))
        for i, line in enumerate(_wrap(node.title, w - 20, 11, 2)):
            parts.append(_text(x + 10, y + 16 + i * 13, line, INK, 11))
        if node.lines:
            parts.append(_text(x + 10, y + h - 8, node.lines[0], colour, 10, weight=700))
    parts.append("</a>")
    return "".join(parts)


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
        lines[-1] = _fit(lines[-1] + " …", width, size)
        if not lines[-1].endswith("…"):
            lines[-1] = lines[-1][: limit - 1].rstrip() + "…"
    return lines or [""]


def _fit(content: str, width: float, size: int) -> str:
    limit = max(4, int(width / (size * CHAR)))
    return content if len(content) <= limit else content[: limit - 1].rstrip() + "…"


def _n(value: float) -> str:
    """Coordinates with at most one decimal, without trailing zeros: stable output."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# --- the check-in chart ----------------------------------------------------------------


def checkin_chart(progress: Progress, unit: str | None, today: dt.date, width: int = 640, height: int = 200) -> str:
    """A small line chart of a goal's check-ins against its baseline and target, with the
    straight path from baseline to target over the period and a marker for today."""
    readings = progress.readings
    if not readings:
        return ""
    dates = [dt.date.fromisoformat(r.date) for r in readings]
    start = dt.date.fromisoformat(progress.start) if progress.start else min(dates)
    end = dt.date.fromisoformat(progress.end) if progress.end else max(dates)
    lo_d, hi_d = min([start, *dates]), max([end, *dates])
    if hi_d == lo_d:
        lo_d, hi_d = lo_d - dt.timedelta(days=15), hi_d + dt.timedelta(days=15)
    values = [r.value for r in readings] + [v for v in (progress.baseline, progress.target) if v is not None]
    lo_v, hi_v = min(values), max(values)
    if hi_v == lo_v:
        lo_v, hi_v = lo_v - 1, hi_v + 1
    pad_v = (hi_v - lo_v) * 0.12
    lo_v, hi_v = lo_v - pad_v, hi_v + pad_v
    left, right, top, bottom = 12, 120, 14, 26
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(day: dt.date) -> float:
        return left + plot_w * (day - lo_d).days / (hi_d - lo_d).days

    def py(value: float) -> float:
        return top + plot_h * (1 - (value - lo_v) / (hi_v - lo_v))

    stroke = STATUS_COLOURS.get(progress.status, STATUS_COLOURS["no-data"])[0]
    label = f"Check-ins: {len(readings)}, latest {measure(readings[-1].value, unit)} on {readings[-1].date}"
    out = [f'<svg class="strat-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-size="11" role="img" aria-label="{esc(label)}">',
           f"<title>{esc(label)}</title>",
           f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafbfc" stroke="#e4e7eb"/>']
    for name, value, colour in (("baseline", progress.baseline, "#9aa5b1"), ("target", progress.target, "#2e7d32")):
        if value is None:
            continue
        y = py(value)
        out.append(f'<line x1="{left}" y1="{_n(y)}" x2="{left + plot_w}" y2="{_n(y)}" stroke="{colour}" '
                   f'stroke-dasharray="4 3"/>')
        out.append(_text(left + plot_w + 6, y + 4, f"{name} {measure(value, unit)}", colour, 11))
    if progress.baseline is not None and progress.target is not None and progress.start and progress.end:
        s, e = dt.date.fromisoformat(progress.start), dt.date.fromisoformat(progress.end)
        out.append(f'<line x1="{_n(px(s))}" y1="{_n(py(progress.baseline))}" x2="{_n(px(e))}" '
                   f'y2="{_n(py(progress.target))}" stroke="#cbd2d9" stroke-dasharray="2 3">'
                   f"<title>{esc('the straight path from baseline to target over the period')}</title></line>")
    if lo_d <= today <= hi_d:
        tx = px(today)
        out.append(f'<line x1="{_n(tx)}" y1="{top}" x2="{_n(tx)}" y2="{top + plot_h}" stroke="#7b8794" '
                   f'stroke-width="1"/>')
        out.append(_text(tx, top + plot_h + 22, "today", "#7b8794", 10, anchor="middle"))
    points = " ".join(f"{_n(px(d))},{_n(py(r.value))}" for d, r in zip(dates, readings))
    out.append(f'<polyline points="{points}" fill="none" stroke="{stroke}" stroke-width="2"/>')
    for day, reading in zip(dates, readings):
        tip = f"{reading.date}: {measure(reading.value, unit)}"
        if reading.confidence is not None:
            tip += f" (confidence {number(reading.confidence)})"
        if reading.note:
            tip += f" — {reading.note}"
        out.append(f'<circle cx="{_n(px(day))}" cy="{_n(py(reading.value))}" r="4" fill="#ffffff" stroke="{stroke}" '
                   f'stroke-width="2"><title>{esc(tip)}</title></circle>')
    out.append(_text(left, height - 8, lo_d.isoformat(), MUTED, 10))
    out.append(_text(left + plot_w, height - 8, hi_d.isoformat(), MUTED, 10, anchor="end"))
    last = readings[-1]
    out.append(_text(px(dates[-1]), py(last.value) - 9, measure(last.value, unit), stroke, 11, anchor="middle",
                     weight=700))
    out.append("</svg>")
    return "".join(out)
