"""strat.progress on long Readings files: every reading kept with its value, date, note,
file and line, whether the file went through the YAML parser or strat.flowtail's
shortcut, and values no float can hold are left out rather than crashing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from helpers import copy_base
from strat.loaded import load_strategy
from strat.progress import Reading, _metric_reading, measures


def test_a_metric_reading_is_the_reading_its_constructor_makes() -> None:
    fast = _metric_reading("2026-01-02", 4.5, "a note", "strategy/readings/arr.yaml", 7)
    slow = Reading("2026-01-02", 4.5, note="a note", source="readings", path="strategy/readings/arr.yaml", line=7)
    assert fast == slow and hash(fast) == hash(slow)
    assert dataclasses.astuple(fast) == dataclasses.astuple(slow)


def test_every_daily_reading_keeps_its_value_note_file_and_line(tmp_path: Path) -> None:
    lines = ["kind: Readings", "id: nrr-2026", "metric: net-revenue-retention", "values:"]
    start = dt.date(2026, 1, 1)
    for i in range(300):  # long enough for the shortcut; one comment line in the second file sends it to YAML
        note = f', note: "day {i}"' if i % 50 == 7 else ""
        lines.append(f"  - {{date: {start + dt.timedelta(days=i)}, value: {100 + i * 0.5}{note}}}")
    text = "\n".join(lines) + "\n"
    other = text.replace("nrr-2026", "nrr-copy").replace("  - {date: 2026-01-01,", "  # first\n  - {date: 2026-01-01,")
    big = "kind: Readings\nid: big\nmetric: net-revenue-retention\nvalues:\n  - {date: 2027-06-01, value: 1" + "0" * 390 + "}\n"
    root = copy_base(tmp_path / "r", {"strategy/readings/nrr.yaml": text, "strategy/readings/z-copy.yaml": other,
                                      "strategy/readings/big.yaml": big})
    loaded = load_strategy(root, root / "strategy", None, dt.date(2026, 11, 23))
    series = measures(loaded.ctx).series("net-revenue-retention")
    assert len(series) == 300  # the copy's equal readings count once; the 391-digit value is no value
    for i, r in enumerate(series):
        assert (r.date, r.value, r.source, r.confidence, r.by) == (
            (start + dt.timedelta(days=i)).isoformat(), 100 + i * 0.5, "readings", None, None)
        assert r.note == (f"day {i}" if i % 50 == 7 else None)
        assert (r.path, r.line) == ("strategy/readings/nrr.yaml", 5 + i)
