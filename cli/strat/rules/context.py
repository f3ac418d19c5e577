"""What a rule receives: the model plus the alignment queries several rules share
(goal → objective chains, the metric tree, a goal's department), each computed once.
Rules never read files, call git or print; the engine gathers git facts beforehand."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Iterator

from strat import graph
from strat.config import Config
from strat.diagnostics import Fix, Location
from strat.load import Document
from strat.model import Model
from strat.numbers import measure, number


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule yields; the engine attaches the code and severity."""

    location: Location
    message: str
    related: tuple[Location, ...] = ()
    fix: Fix | None = None  # a mechanical edit that settles it (`strat lint --fix`)


@dataclass(slots=True)
class GitFacts:
    """What the engine learned from git before the rules ran (None outside a repo)."""

    recently_changed: set[str] = field(default_factory=set)  # repo-relative paths
    # A shallow clone cut inside the stale window: the history that would clear a goal is
    # missing, so staleness cannot be judged (the engine adds one info note instead).
    history_cut: bool = False


@dataclass(eq=False)  # hashed by identity
class RuleContext:
    model: Model
    config: Config = field(default_factory=Config)
    today: dt.date = field(default_factory=dt.date.today)
    git: GitFacts | None = None
    # Per-run caches, held by the context itself (a `functools.lru_cache` on a method would
    # keep every context, and its whole model, alive for as long as the process lives).
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict, init=False, repr=False)

    def _remember(self, what: str, key: str, compute: Any) -> Any:
        found = self._memo.get((what, key))
        if found is None:
            found = self._memo[(what, key)] = compute(key)
        return found

    # --- entities ------------------------------------------------------------------

    def entities(self, kind: str) -> list[Document]:
        """Entities of a kind that passed the schema and whose references resolved
        (computed once per kind: every rule asks)."""
        return self._remember("entities", kind,
                              lambda k: [d for d in self.model.of_kind(k) if self.usable(d)])  # type: ignore[no-any-return]

    def usable(self, doc: Document | None) -> bool:
        return doc is not None and doc.valid and doc.id not in self.model.unresolved

    def get(self, ident: Any, kind: str | None = None) -> Document | None:
        doc = self.model.get(ident, kind)
        return doc if self.usable(doc) else None

    # --- goals ---------------------------------------------------------------------

    def goal_department(self, goal: Document) -> str | None:
        """The department a goal belongs to: its own, its team's, or its person's."""
        data = goal.data
        if "department" in data:
            return data["department"]
        holder = self.get(data.get("team"), "Team") or self.get(data.get("person"), "Person")
        return holder.data.get("department") if holder else None

    @functools.cached_property
    def _goal_parent(self) -> dict[str, str]:
        return {g.id: g.data["parent"] for g in self.entities("Goal") if isinstance(g.data.get("parent"), str)}

    @functools.cached_property
    def _links_to_objective(self) -> dict[str, tuple[int, str | None]]:
        """goal id → (links to the first Objective on its parent chain, that objective).
        Memoised and iterative, so a 5,000-long chain costs linear time in total."""
        memo: dict[str, tuple[int, str | None]] = {}
        parent = self._goal_parent
        for start in parent:
            path: list[str] = []
            on_path: set[str] = set()
            node: str | None = start
            while True:
                if node is None or node in on_path:  # chain ends without an objective, or loops
                    base: tuple[int, str | None] = (0, None)
                    break
                if node in memo:
                    base = memo[node]
                    break
                doc = self.get(node)
                if doc is None:
                    base = (0, None)
                    break
                if doc.kind == "Objective":
                    base = memo[node] = (0, node)
                    break
                path.append(node)
                on_path.add(node)
                node = parent.get(node)
            for member in reversed(path):
                base = (base[0] + 1, base[1]) if base[1] else (0, None)
                memo[member] = base
        return memo

    def objective_of(self, goal: Document) -> Document | None:
        """The Objective a goal ultimately aligns to (through its parent chain)."""
        found = self._links_to_objective.get(goal.id)
        return self.get(found[1], "Objective") if found and found[1] else None

    def links(self, goal: Document) -> int:
        found = self._links_to_objective.get(goal.id)
        return found[0] if found else 0

    def chain(self, goal: Document, limit: int = 1_000_000) -> list[str]:
        """goal → parent → … → objective, as ids."""
        return graph.chain(goal.id, self._goal_parent, limit)

    # --- metrics -------------------------------------------------------------------

    @functools.cached_property
    def drives(self) -> dict[str, list[str]]:
        """The metric tree: metric → the metrics it drives."""
        edges: dict[str, list[str]] = {}
        for metric in self.entities("Metric"):
            for edge in metric.data.get("drives", []):
                if self.get(edge.get("metric"), "Metric"):
                    edges.setdefault(metric.id, []).append(edge["metric"])
        return edges

    @functools.cached_property
    def driven_by(self) -> dict[str, list[str]]:
        return graph.invert(self.drives)

    def drivers_of(self, metric: str) -> frozenset[str]:
        """Every metric with a `drives` path to `metric` (itself included)."""
        return self._remember("drivers_of", metric,  # type: ignore[no-any-return]
                              lambda m: frozenset(graph.reachable(m, self.driven_by)))

    def driven_from(self, metric: str) -> frozenset[str]:
        """Every metric `metric` has a `drives` path to (itself included)."""
        return self._remember("driven_from", metric,  # type: ignore[no-any-return]
                              lambda m: frozenset(graph.reachable(m, self.drives)))

    def metric(self, ident: Any) -> Document | None:
        return self.get(ident, "Metric")

    def reading_location(self, path: str | None, line: int | None) -> tuple[Location, ...]:
        """The place of a metric reading (a `strat.progress.Reading`'s path and line), as a
        related location: () when it did not come from a Readings file. Looks only in the
        Readings documents of that file, on demand (a finding is rare, readings many)."""
        if path is None or line is None:
            return ()
        for doc in self.entities("Readings"):
            if doc.path != path:
                continue
            for i, _ in enumerate(doc.data.get("values") or ()):
                pos = doc.values.get(("values", i))
                if pos is not None and pos[0] == line:
                    return (doc.location(("values", i, "value")),)
        return (Location(path, line),)

    # --- dates ---------------------------------------------------------------------

    def period_end(self, period: Any) -> str | None:
        found = self.model.periods.get(period) if isinstance(period, str) else None
        return found.end if found else None

    def objective_due(self, objective: Document) -> str | None:
        return objective.data.get("due") or self.period_end(objective.data.get("period"))


def two_values(a: float, b: float, unit: Any) -> tuple[str, str]:
    """Two values of one metric in words, with its unit (`strat.numbers.measure`); when
    the rounding shown would make them look equal (EUR 1M and EUR 1M), the exact figures
    follow in brackets, so a message never says a value differs from itself."""
    shown_a, shown_b = measure(a, unit), measure(b, unit)
    if shown_a == shown_b and a != b:
        exact_a, exact_b = number(a), number(b)
        if exact_a == exact_b:
            exact_a, exact_b = repr(a), repr(b)
        shown_a, shown_b = f"{shown_a} ({exact_a})", f"{shown_b} ({exact_b})"
    return shown_a, shown_b


def ids(items: Iterator[str] | list[str], limit: int = 4) -> str:
    """`a`, `b`, `c` (and 3 more)."""
    items = list(items)
    shown = ", ".join(f"`{i}`" for i in items[:limit])
    return shown + (f" (and {len(items) - limit} more)" if len(items) > limit else "")
