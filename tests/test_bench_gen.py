"""bench/gen.py's readings (bench/lint.py --readings): valid Readings files, the rest of
the repository byte-identical to the one without them, so the timing compares like with
like."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from strat.config import Config
from strat.lint import LintOptions, lint

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import gen  # noqa: E402


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def test_readings_are_valid_and_the_only_difference(tmp_path: Path) -> None:
    today = dt.date(2026, 12, 7)
    without = gen.generate(tmp_path / "n", 40, today=today, git=False, min_metrics=20)
    with_ = gen.generate(tmp_path / "r", 40, today=today, git=False, readings=20, readings_years=1)
    assert without["metrics"] == with_["metrics"] == 20
    assert with_["readings"] == 20 * 365 and with_["readings_files"] == 40  # a calendar year boundary inside
    a, b = files(tmp_path / "n"), files(tmp_path / "r")
    extra = set(b) - set(a)
    assert set(a) <= set(b) and all(k.startswith("strategy/readings/") for k in extra) and len(extra) == 40
    assert all(a[k] == b[k] for k in a)
    found = lint(tmp_path / "r", tmp_path / "r" / "strategy", Config(), LintOptions(today=today, use_git=False))
    assert not [d for d in found.diagnostics if d.location.path.startswith("strategy/readings/")]
    readings = [d for d in found.model.of_kind("Readings")] if found.model else []
    assert sum(len(d.data["values"]) for d in readings) == 20 * 365


def test_readings_stay_inside_the_guardrails_so_the_findings_are_the_same(tmp_path: Path) -> None:
    """bench/lint.py compares lint with and without readings: the daily readings of the
    guardrail metrics (objectives' `health`) must not breach them (A313), nor go stale
    (A314), or the two runs would report different findings."""
    today = dt.date(2026, 12, 7)
    found = {}
    for name, kwargs in (("n", {"min_metrics": 10}), ("r", {"readings": 10, "readings_years": 3})):
        gen.generate(tmp_path / name, 40, today=today, git=False, **kwargs)
        result = lint(tmp_path / name, tmp_path / name / "strategy", Config(), LintOptions(today=today, use_git=False))
        found[name] = sorted((d.code, d.location.path, d.location.line, d.message) for d in result.diagnostics)
    assert any(code == "S104" for code, *_ in found["n"])  # the injected errors are there
    assert found["r"] == found["n"]
