"""Graph algorithms over id → ids edges. Iterative throughout: a 5,000-long parent chain
must not hit Python's recursion limit."""

from __future__ import annotations

from collections import deque
from typing import Iterable, Mapping, Sequence

Edges = Mapping[str, Sequence[str]]


def strongly_connected(edges: Edges) -> list[list[str]]:
    """Tarjan's algorithm, iterative. Returns every strongly connected component (each a
    list of nodes), in a deterministic order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    nodes = sorted(set(edges) | {t for ts in edges.values() for t in ts})
    for start in nodes:
        if start in index:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, child_i = work.pop()
            if child_i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, ())
            recurse = False
            while child_i < len(targets):
                target = targets[child_i]
                child_i += 1
                if target not in index:
                    work.append((node, child_i))
                    work.append((target, 0))
                    recurse = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if recurse:
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def cycles(edges: Edges) -> list[list[str]]:
    """One entry per strongly connected component that contains a cycle (never one per
    cycle: 40 nodes linking each other hold millions). Each entry is a shortest cycle
    through the component's smallest node, as a closed walk [a, b, ..., a]."""
    out = []
    for component in strongly_connected(edges):
        members = set(component)
        start = component[0]
        if len(component) == 1 and start not in edges.get(start, ()):
            continue
        out.append(_shortest_cycle(start, edges, members))
    return sorted(out)


def _shortest_cycle(start: str, edges: Edges, members: set[str]) -> list[str]:
    previous: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for target in edges.get(node, ()):
            if target not in members:
                continue
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [start] + list(reversed(path[:-1])) + [start] if node != start else [start, start]
            if target not in seen:
                seen.add(target)
                previous[target] = node
                queue.append(target)
    return [start, start]


def reachable(start: str, edges: Edges) -> set[str]:
    """Every node reachable from `start` (including itself)."""
    seen = {start}
    queue = deque([start])
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def invert(edges: Edges) -> dict[str, list[str]]:
    """The inverse relation: for every edge a → b, b → a."""
    out: dict[str, list[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            out.setdefault(target, []).append(source)
    return out


def chain(start: str, parent: Mapping[str, str], limit: int = 1_000_000) -> list[str]:
    """Follow a single-valued link (a goal's parent) from `start` until it ends or loops."""
    path = [start]
    seen = {start}
    while path[-1] in parent and len(path) < limit:
        nxt = parent[path[-1]]
        if nxt in seen:
            break
        path.append(nxt)
        seen.add(nxt)
    return path


def as_edges(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for a, b in pairs:
        out.setdefault(a, []).append(b)
    return out
