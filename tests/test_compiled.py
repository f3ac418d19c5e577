"""The compiled validator (jsonschema-rs) decides which documents are valid and jsonschema
explains the others (strat.validate.compiled): its verdict must be jsonschema's on every
document, and lint's output must be byte for byte what jsonschema alone gives."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from strat import schemas, validate
from strat.load import load_tree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from test_cases import build_case, case_dirs  # noqa: E402


def _seeds() -> list[tuple[str, dict[str, Any]]]:
    """Every document of the example strategy and of the test suite's base strategy: a
    valid document of every kind, to mutate."""
    out = []
    for root in (REPO, helpers.BASE):
        for doc in load_tree(root, root / "strategy").documents:
            if isinstance(doc.data.get("kind"), str):
                out.append((doc.data["kind"], doc.data))
    return out


SEEDS = _seeds()

# Values that sit on the edges where two validators could differ: dates jsonschema-rs
# alone would take (year 0) or that Python's `\d` matches (Arabic-Indic digits), ids at
# their length limit, integers past 64 bits, floats that are whole numbers, booleans
# where numbers belong, text with a final newline (`$` would take it).
DATE_EDGES = ["2026-02-30", "2026-02-28", "2024-02-29", "1900-02-29", "0000-01-01", "0001-01-01", "9999-12-31",
              "2026-1-01", "٢٠٢٦-٠١-٠١", "2026-01-01\n", "2026-01-01 ", "20260101", "2026-W01-1", "2026-00-01",
              "2026-01-32", "0000-00-00"]
EDGES = [*DATE_EDGES, "x" * 80, "x" * 81,
         "a-", "-a", "Ab", "ab\n", "a\u0130", "USD", "usd", "US", "EURO", "ana@example.com", "ana@", "", " ",
         "active", "done", "up", "down", "0.5", "45%", "Goal", "goal", "a b", "é"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.integers(), st.sampled_from([2**63, -2**63 - 1, 2**70, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([0.0, -0.0, 1.0, 100.0, 0.5, 1e300]),
    st.sampled_from(EDGES), st.text(max_size=6))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["id", "date", "value", "x-a", "zz", "target"]),
                                                 inner, max_size=3)), max_leaves=6)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:4]):
            out += _paths(value, (*path, i))
    return out


def _at(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


def _names(kind: str) -> list[str]:
    """Every property name the kind's schema declares, at any level (so a mutation can add
    a real field where it does not belong, or the right field with a wrong value)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.update(node.get("properties", {}) if isinstance(node.get("properties"), dict) else ())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schemas.inlined(kind))
    return sorted(found)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kind, seed = draw(st.sampled_from(SEEDS))
    data = _copy(seed)
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["replace", "edge", "edge", "delete", "add", "add-known"]))
        paths = _paths(data)
        if action == "edge":  # a text value, to swap for an edge case of its shape
            paths = [p for p in paths if p and isinstance(_at(data, p), str)] or paths
        path = draw(st.sampled_from(paths))
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        target = parent[path[-1]] if path else data
        if action == "edge" and path and isinstance(target, str):
            # a text value: an edge case of its own shape (a date for a date)
            parent[path[-1]] = draw(st.sampled_from(DATE_EDGES if re.match(r"\d{4}-", target) else EDGES))
        elif action in ("replace", "edge") and path:
            parent[path[-1]] = draw(values)
        elif action == "delete" and path and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "delete" and path and isinstance(parent, list):
            parent.pop(path[-1])
        elif action in ("add", "add-known") and isinstance(target, dict):
            name = draw(st.sampled_from(_names(kind))) if action == "add-known" else \
                draw(st.sampled_from(["x-mine", "extra", "X-no", "customer_progres"]))
            target[name] = draw(values)
        elif isinstance(target, list):
            target.append(draw(values) if action != "add-known" else _copy(target[0]) if target else None)
    return kind, data


def test_every_kind_compiles() -> None:
    """Without a compiled validator for a kind, its documents silently go back to
    jsonschema's speed: every shipped schema must compile."""
    assert sorted(validate.compiled()) == sorted(schemas.kinds())


def test_the_date_format_is_jsonschemas() -> None:
    """jsonschema-rs's own `date` format takes year 0; strat's is jsonschema's checker."""
    kind, seed = next((k, d) for k, d in SEEDS if k == "Decision")
    assert validate.compiled_verdict(kind, seed) is True
    for date, valid in (("0000-01-01", False), ("2026-02-30", False), ("2024-02-29", True)):
        data = {**seed, "date": date}
        assert validate.compiled_verdict(kind, data) is valid
        assert validate._validators()[kind].is_valid(data) is valid


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_compiled_verdict_is_jsonschemas(case: tuple[str, dict[str, Any]]) -> None:
    kind, data = case
    expected = validate._validators()[kind].is_valid(data)
    assert validate.compiled_verdict(kind, data) == expected, (kind, data)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_not_finite_numbers_never_pass_as_valid(value: float) -> None:
    """jsonschema takes `.nan` and `.inf` as numbers (strat reports them itself, S104). The
    compiled validator may refuse them: the document then goes to jsonschema, which is
    only slower; it must never pass a document jsonschema would fail."""
    for kind, seed in SEEDS:
        for path in _paths(seed)[1:]:
            data = _copy(seed)
            parent: Any = data
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]] = value
            if validate.compiled_verdict(kind, data):
                assert validate._validators()[kind].is_valid(data), (kind, path)


_LINT_ALL = """
import json, sys
from pathlib import Path
if sys.argv[1] == "jsonschema-only":
    sys.modules["jsonschema_rs"] = None  # import fails: strat.validate falls back to jsonschema alone
from strat import validate
from strat.formats import json_format
from strat.formats.report import Report
from strat.lint import LintOptions, lint
import datetime
assert bool(validate.compiled()) == (sys.argv[1] == "compiled")
out = {}
for root in sys.argv[2:]:
    r = lint(Path(root), Path(root) / "strategy", None, LintOptions(today=datetime.date(2026, 11, 23)))
    out[root] = [(d.code, d.severity.value, d.message, d.location.path, d.location.line, d.location.column,
                  d.location.json_path) for d in r.diagnostics]
print(json.dumps(out))
"""


def test_lint_output_is_the_same_without_the_compiled_validator(tmp_path: Path) -> None:
    """Every acceptance case with schema findings and the example: the same findings,
    messages and locations with the compiled validator as with jsonschema alone."""
    roots = [str(REPO)]
    for case in case_dirs():
        if case.name[0] in "se" or case.name.startswith("every"):
            roots.append(str(build_case(case, tmp_path / case.name)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "cli"), os.environ.get("PYTHONPATH", "")])}
    runs = {}
    for mode in ("compiled", "jsonschema-only"):
        proc = subprocess.run([sys.executable, "-c", _LINT_ALL, mode, *roots], capture_output=True, text=True,
                              env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr
        runs[mode] = json.loads(proc.stdout)
    assert runs["compiled"] == runs["jsonschema-only"]
    assert sum(len(v) for v in runs["compiled"].values()) > 30
