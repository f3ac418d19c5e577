"""strat.graph: iterative graph algorithms (no recursion limit on long chains)."""

from __future__ import annotations

import sys

from strat import graph


def _chain_edges(n: int) -> dict[str, list[str]]:
    return {f"n{i}": [f"n{i + 1}"] for i in range(n - 1)}


def test_strongly_connected_separates_components() -> None:
    edges = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": ["a"]}
    components = graph.strongly_connected(edges)
    assert sorted(components) == [["a", "b", "c"], ["d", "e"], ["f"]]
    # every node appears exactly once, including nodes that only appear as targets
    assert sorted(n for c in components for n in c) == ["a", "b", "c", "d", "e", "f"]


def test_strongly_connected_is_deterministic() -> None:
    edges = {"b": ["a"], "a": ["b"], "c": []}
    first = graph.strongly_connected(edges)
    again = graph.strongly_connected(dict(reversed(list(edges.items()))))
    assert first == again


def test_strongly_connected_on_a_long_chain_does_not_recurse() -> None:
    n = max(5_000, sys.getrecursionlimit() * 3)
    components = graph.strongly_connected(_chain_edges(n))
    assert len(components) == n
    assert all(len(c) == 1 for c in components)


def test_no_cycles_in_a_dag() -> None:
    assert graph.cycles({"a": ["b", "c"], "b": ["c"], "c": []}) == []
    assert graph.cycles({}) == []


def test_self_loop_is_a_cycle() -> None:
    assert graph.cycles({"a": ["a"], "b": ["a"]}) == [["a", "a"]]


def test_simple_cycle_is_a_closed_walk_from_the_smallest_node() -> None:
    assert graph.cycles({"c": ["a"], "a": ["b"], "b": ["c"]}) == [["a", "b", "c", "a"]]


def test_cycle_reported_is_a_shortest_one() -> None:
    # a → b → c → d → a, plus a shortcut c → a: the shortest cycle through a is a-b-c-a
    edges = {"a": ["b"], "b": ["c"], "c": ["d", "a"], "d": ["a"]}
    assert graph.cycles(edges) == [["a", "b", "c", "a"]]


def test_one_entry_per_cyclic_component() -> None:
    edges = {"a": ["b"], "b": ["a"], "x": ["y"], "y": ["x"], "a2": ["x"]}
    found = graph.cycles(edges)
    assert found == [["a", "b", "a"], ["x", "y", "x"]]


def test_cycle_on_a_5000_chain_closed_at_the_end() -> None:
    n = 5_000
    edges = _chain_edges(n)
    edges[f"n{n - 1}"] = ["n0"]
    found = graph.cycles(edges)
    assert len(found) == 1
    cycle = found[0]
    assert cycle[0] == cycle[-1] == "n0"
    assert len(cycle) == n + 1
    assert set(cycle) == set(edges)


def test_5000_chain_without_a_back_edge_has_no_cycle() -> None:
    assert graph.cycles(_chain_edges(5_000)) == []


def test_40_clique_is_one_cycle() -> None:
    nodes = [f"m{i:02d}" for i in range(40)]
    edges = {a: [b for b in nodes if b != a] for a in nodes}
    found = graph.cycles(edges)
    assert len(found) == 1
    assert found[0] == ["m00", "m01", "m00"]


def test_reachable() -> None:
    edges = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    assert graph.reachable("a", edges) == {"a", "b", "c"}
    assert graph.reachable("d", edges) == {"a", "b", "c", "d"}
    assert graph.reachable("zzz", edges) == {"zzz"}


def test_reachable_long_chain() -> None:
    assert len(graph.reachable("n0", _chain_edges(5_000))) == 5_000


def test_invert() -> None:
    inverse = graph.invert({"a": ["b", "c"], "b": ["c"]})
    assert {k: sorted(v) for k, v in inverse.items()} == {"b": ["a"], "c": ["a", "b"]}
    assert graph.invert({}) == {}


def test_chain_follows_parents_and_stops_at_a_loop() -> None:
    assert graph.chain("g3", {"g3": "g2", "g2": "g1", "g1": "obj"}) == ["g3", "g2", "g1", "obj"]
    assert graph.chain("a", {"a": "b", "b": "a"}) == ["a", "b"]
    assert graph.chain("lonely", {}) == ["lonely"]
    assert graph.chain("a", {"a": "a"}) == ["a"]


def test_chain_limit_and_length() -> None:
    parent = {f"n{i}": f"n{i - 1}" for i in range(1, 5_000)}
    assert len(graph.chain("n4999", parent)) == 5_000
    assert graph.chain("n4999", parent, limit=3) == ["n4999", "n4998", "n4997"]


def test_as_edges() -> None:
    assert graph.as_edges([("a", "b"), ("a", "c"), ("b", "c")]) == {"a": ["b", "c"], "b": ["c"]}
