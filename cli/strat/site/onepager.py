"""The metrics one-pager page's drawings, built on the boxes and layout of `svg`.

Each diagram is drawn twice from the same tree (`Drawing`): *across*, top down with
siblings side by side (`svg`'s layout), for wide screens; and *down*, an outline with one
box a row, each child indented under its parent, as wide as a 390 px phone's content,
so a phone never scrolls sideways. The page shows one of the two by CSS media query
(strat.css); the other is `display: none`, so it is neither seen nor read out.

A third drawing, `print_map`, is the whole map (or, for a very big strategy, the
overview) in one SVG for print: the objectives wrap into rows and each objective's goals
into as many columns as give the largest print on a portrait A4 page; the print CSS
scales it to the page (its viewBox keeps the proportions), so the one-pager always
prints on one sheet. Every number in the boxes comes from `strat.progress` through
`strat.facts`; nothing is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from strat.facts import Facts
from strat.site.svg import (FONT, GOAL_COLUMNS, MARGIN, MAX_GOALS_ONE_DIAGRAM, SIZES, WIDE, Node, Tree, _draw,
                            _measure, _n, _objective_tree, _path, _row_width, _svg, _wrap, draw_tree, full_tree,
                            objective_map)

PRINT_BOX = (718, 907)  # px at 96 dpi: 190 × 240 mm, the part of a portrait A4 page the print CSS gives the map
PRINT_MIN_SCALE = 0.45  # below this the printed map is the overview (the example strategy prints at 0.54)
DOWN_WIDTH, DOWN_INDENT, DOWN_GAP, DOWN_MARGIN = 358, 16, 8, 4  # the outline: a 390 px phone's content width


@dataclass(frozen=True, slots=True)
class Drawing:
    """One diagram of the one-pager, drawn twice from the same tree: `across` (top down,
    siblings side by side: wide screens) and `down` (an outline, one box a row, as wide
    as a phone: narrow screens). The page shows one of them by CSS media query."""

    objective: str | None  # None: the whole map, or the overview
    across: str
    down: str


def one_pager(facts: Facts, page: str, directory_urls: bool = True,
              per_objective: bool = True) -> list[Drawing]:
    """The metrics one-pager for `page`. One diagram when the map is small enough to read
    whole; otherwise an overview (objective None) followed, unless `per_objective` is
    false, by one diagram per objective."""
    full = full_tree(facts, overview=False)
    if full is None:
        return []
    _measure(full)
    if fits_one_diagram(facts, full):
        label = "Metrics one-pager: the North Star, objectives, metrics, goals and initiatives"
        down = full_tree(facts, overview=False)
        assert down is not None
        return [Drawing(None, _draw(full, page, directory_urls, label), draw_down(down, page, directory_urls, label))]
    overview = full_tree(facts, overview=True)
    down = full_tree(facts, overview=True)
    assert overview is not None and down is not None
    label = "Metrics one-pager, overview: the North Star and the business objectives"
    out = [Drawing(None, draw_tree(overview, page, directory_urls, label), draw_down(down, page, directory_urls, label))]
    if per_objective:
        label = "Map of the objective: its metrics, goals and initiatives"
        for objective in facts.entities.get("Objective", []):
            out.append(Drawing(objective.id, objective_map(facts, objective, page, directory_urls),
                               draw_down(_objective_tree(facts, objective, WIDE), page, directory_urls, label)))
    return out


def print_map(facts: Facts, page: str, directory_urls: bool = True, overview: bool = False) -> str:
    """The whole map as one drawing for print, laid out to fill a portrait A4 page: the
    North Star over its objectives, which wrap into rows, each objective's goals in as
    many columns as give the largest print. The print CSS scales it to the page (its
    viewBox keeps the proportions), so it always prints on one page. A map that would
    print smaller than PRINT_MIN_SCALE (its 12 px text below about 4 pt) is printed as
    the overview instead: the North Star and the objectives, which read."""
    best: tuple[float, Tree] | None = None
    for columns in (GOAL_COLUMNS, 3, 2):
        probe = full_tree(facts, overview=overview, goal_columns=columns)
        if probe is None:
            return ""
        _measure(probe)
        widths = sorted({c.w for c in probe.children}) or [probe.w]
        for limit in sorted({probe.w, *(_row_width(probe.children[:k]) for k in range(1, len(probe.children) + 1)),
                             *widths}):
            tree = full_tree(facts, overview=overview, goal_columns=columns)
            assert tree is not None
            tree.max_width = limit
            _measure(tree)
            w, h = tree.w + 2 * MARGIN, tree.h + 2 * MARGIN
            scale = min(PRINT_BOX[0] / w, PRINT_BOX[1] / h)
            if best is None or scale > best[0] + 1e-9:
                best = (scale, tree)
    assert best is not None
    if not overview and best[0] < PRINT_MIN_SCALE:
        return print_map(facts, page, directory_urls, overview=True)
    label = ("Metrics one-pager, for print: the North Star and the business objectives" if overview else
             "Metrics one-pager, for print: the North Star, objectives, metrics, goals and initiatives")
    return _draw(best[1], page, directory_urls, label, css="strat-map strat-map--print", aspect="xMidYMin meet")


def fits_one_diagram(facts: Facts, full: Tree | None = None) -> bool:
    """True when the whole map reads as one diagram."""
    if full is None:
        full = full_tree(facts, overview=False)
        if full is None:
            return True
        _measure(full)
    return full.w <= WIDE and len(facts.goals()) <= MAX_GOALS_ONE_DIAGRAM




def draw_down(tree: Tree, page: str, directory_urls: bool, label: str) -> str:
    """The tree as an outline for a narrow screen: one box a row, each child indented
    under its parent and joined to it by a line, every box as wide as the screen allows.
    The same nodes and links as the drawing across."""
    links: list[str] = []
    bottom = _place_down(tree, 0, DOWN_MARGIN, links)
    return _svg(tree, page, directory_urls, label, "strat-map strat-map--down", "", DOWN_WIDTH,
                bottom + DOWN_MARGIN, links)


def _place_down(tree: Tree, depth: int, y: float, links: list[str]) -> float:
    """Places the subtree's nodes from `y` down; returns the bottom of the last one."""
    node = tree.node
    node.x, node.y = DOWN_MARGIN + depth * DOWN_INDENT, y
    node.w = DOWN_WIDTH - DOWN_MARGIN - node.x
    node.h = _down_height(node, node.w)
    bottom = y + node.height
    if not tree.children:
        return bottom
    trunk = node.x + DOWN_INDENT / 2
    ends = []
    top = bottom
    for child in tree.children:
        start = bottom + DOWN_GAP
        ends.append(start + child.node.height / 2)
        bottom = _place_down(child, depth + 1, start, links)
    links.append(_path(f"M{_n(trunk)} {_n(top)}V{_n(ends[-1])}"))
    for end, child in zip(ends, tree.children):
        links.append(_path(f"M{_n(trunk)} {_n(end)}H{_n(child.node.x)}", child.dashed))
    return bottom


def _down_height(node: Node, width: float) -> float:
    """A box's height in the outline: a wide box wraps its title onto fewer lines, and
    the lines it does not need are taken off (the box's content below the title is drawn
    from its bottom edge)."""
    height = SIZES[node.kind][1]
    if node.kind == "objective":
        return height - 15 * (3 - len(_wrap(node.title, width - 20, FONT, 3)))
    if node.kind == "goal":
        return height - 14 * (3 - len(_wrap(node.title, width - 22, FONT, 3)))
    return height
