"""`Measures.latest` (one pass over the readings, no series built: what A313 and A314
use) gives the same answer as the last of `Measures.series` on or before today, and
`has_readings` the same as a non-empty series, for every case below (hostile ones too)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers import copy_base
from strat.loaded import load_strategy
from strat.progress import Measures, _last_until

TODAY = "2026-11-23"


def readings(ident: str, *lines: str, metric: str = "net-revenue-retention") -> str:
    return "\n".join(["kind: Readings", f"id: {ident}", f"metric: {metric}", "values:", *lines]) + "\n"


CASES = {
    "sorted": {"a.yaml": readings("a", "  - {date: 2026-10-01, value: 103}", "  - {date: 2026-11-01, value: 104}")},
    "unsorted": {"a.yaml": readings("a", "  - {date: 2026-11-01, value: 104}", "  - {date: 2026-10-01, value: 103}")},
    "conflict on the last date: the later wins": {"a.yaml": readings(
        "a", "  - {date: 2026-11-01, value: 104}", "  - {date: 2026-11-01, value: 105}")},
    "a, b, a on one date": {"a.yaml": readings(
        "a", "  - {date: 2026-11-01, value: 1}", "  - {date: 2026-11-01, value: 2}", "  - {date: 2026-11-01, value: 1}")},
    "a, a on one date: the first line": {"a.yaml": readings(
        "a", "  - {date: 2026-11-01, value: 1}", "  - {date: 2026-11-01, value: 1}")},
    "a, b, b on one date: the first b": {"a.yaml": readings(
        "a", "  - {date: 2026-11-01, value: 1}", "  - {date: 2026-11-01, value: 2}", "  - {date: 2026-11-01, value: 2}")},
    "a, b, b with another date between": {"a.yaml": readings(
        "a", "  - {date: 2026-11-01, value: 1}", "  - {date: 2026-11-01, value: 2}", "  - {date: 2026-10-01, value: 7}",
        "  - {date: 2026-11-01, value: 2}")},
    "equal values across two files": {
        "a.yaml": readings("a", "  - {date: 2026-11-01, value: 5}", "  - {date: 2026-11-02, value: 6}"),
        "b.yaml": readings("b", "  - {date: 2026-11-02, value: 6}", "  - {date: 2026-11-01, value: 9}")},
    "conflict across two files": {
        "a.yaml": readings("a", "  - {date: 2026-11-02, value: 5}"),
        "b.yaml": readings("b", "  - {date: 2026-11-02, value: 6}"),
        "c.yaml": readings("c", "  - {date: 2026-11-02, value: 5}")},
    "a reading on today counts": {"a.yaml": readings(
        "a", f"  - {{date: {TODAY}, value: 3}}", "  - {date: 2026-11-24, value: 4}")},
    "only future readings": {"a.yaml": readings("a", "  - {date: 2026-12-01, value: 3}", "  - {date: 2027-01-01, value: 4}")},
    "future readings after the latest": {"a.yaml": readings(
        "a", "  - {date: 2027-01-01, value: 4}", "  - {date: 2026-01-01, value: 1}", "  - {date: 2026-12-01, value: 3}")},
    "bad dates and values are skipped": {"a.yaml": readings(
        "a", "  - {date: 2026-11-01, value: 1}", "  - {date: 2026-13-01, value: 2}", "  - {date: 2026-11-3, value: 2}",
        "  - {date: '2026-11-05', value: .nan}", "  - {date: 2026-11-06, value: true}", "  - {date: 2026-11-07, value: x}",
        "  - {date: 2026-11-08}", "  - {value: 9}", "  - just text", "  - {date: 2026-11-09, value: 1e400}",
        "  - {date: 20261110, value: 3}")},
    "nothing valid": {"a.yaml": readings("a", "  - {date: nope, value: 1}", "  - {date: 2026-11-01, value: .inf}")},
    "no values at all": {"a.yaml": "kind: Readings\nid: a\nmetric: net-revenue-retention\nvalues: []\n"},
    "notes are kept": {"a.yaml": readings(
        "a", "  - {date: 2026-11-01, value: 1, note: first}", "  - {date: 2026-11-01, value: 2, note: restated}")},
    "two metrics": {"a.yaml": readings("a", "  - {date: 2026-11-01, value: 1}"),
                    "b.yaml": readings("b", "  - {date: 2026-11-02, value: 2}", metric="gross-margin")},
}


@pytest.mark.parametrize("name", list(CASES))
def test_latest_is_the_last_of_the_series(name: str, tmp_path: Path) -> None:
    root = copy_base(tmp_path / "r", {f"strategy/readings/{k}": v for k, v in CASES[name].items()})
    ctx = load_strategy(root, root / "strategy", None, dt.date.fromisoformat(TODAY)).ctx
    metrics = {d.id for d in ctx.entities("Metric")} | {"not-a-metric"}
    for metric in sorted(metrics):
        scan, built = Measures(ctx), Measures(ctx)
        series = built.series(metric)
        assert scan.latest(metric) == _last_until(series, TODAY), metric
        assert scan.has_readings(metric) == bool(series), metric
        assert built.latest(metric) == scan.latest(metric), metric  # from the series once it is built
    if name.startswith("a, b, b"):  # the case is what it says: the latest is a line in the middle
        latest = Measures(ctx).latest("net-revenue-retention")
        assert latest is not None and latest.value == 2 and latest.line is not None
