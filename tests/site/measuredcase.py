"""A strategy with numbers over time, for the site's measured views: the base strategy of
tests/cases plus Readings of the North Star and of an objective's metric, check-ins on an
objective, and a goal with enough check-ins for a forecast, confidences, and weighted key
results (one with check-ins of its own, one with a hand-written current value)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import helpers

KR_TITLE = "<img src=x onerror=alert(1)> setup tickets"


def _weekly(start: dt.date, values: list[float]) -> str:
    return "\n".join(f"  - {{date: {(start + dt.timedelta(weeks=i)).isoformat()}, value: {v}}}"
                     for i, v in enumerate(values))


STAR = [4000 + 55 * i + (15 if i % 3 == 0 else 0) for i in range(25)]  # weekly from 2026-06-01

FILES = {
    "strategy/readings/paid-invoices-weekly-2026.yaml": (
        "kind: Readings\nid: paid-invoices-weekly-2026\nmetric: paid-invoices-weekly\nvalues:\n"
        + _weekly(dt.date(2026, 6, 1), STAR) + "\n"),
    "strategy/readings/net-revenue-retention-2026.yaml": (
        "kind: Readings\nid: net-revenue-retention-2026\nmetric: net-revenue-retention\nvalues:\n"
        "  - {date: 2026-07-01, value: 104.0}\n  - {date: 2026-08-01, value: 104.6}\n"
        "  - {date: 2026-09-01, value: 105.1}\n  - {date: 2026-10-01, value: 105.9}\n"
        "  - {date: 2026-11-01, value: 106.3}\n"),
    "strategy/objectives/cut-support-cost.yaml": (
        "kind: Objective\nid: cut-support-cost\ntitle: Cut the cost of support by a fifth\nowner: bjones\n"
        "metric: support-cost\nbaseline: 900000\ntarget: 720000\ndue: 2027-06-30\ncheckins:\n"
        "  - {date: 2026-08-01, value: 880000}\n  - {date: 2026-09-01, value: 866000}\n"
        "  - {date: 2026-10-01, value: 851000}\n  - {date: 2026-11-01, value: 842000, note: Help centre live}\n"),
}


def faster_activation(root: Path) -> str:
    """The base goal `faster-activation` with four check-ins (confidences going down and
    up), weights and two key results."""
    text = (root / "strategy/goals/faster-activation.yaml").read_text(encoding="utf-8")
    head = text[: text.index("checkins:")]
    return head + (
        "weight: 2\n"
        "key_results:\n"
        f"  - title: \"{KR_TITLE}\"\n    metric: setup-tickets\n    baseline: 1200\n    target: 1000\n    weight: 3\n"
        "    checkins:\n      - {date: 2026-08-01, value: 1180}\n      - {date: 2026-09-15, value: 1120}\n"
        "      - {date: 2026-11-01, value: 1090, confidence: 0.5}\n"
        "  - title: Activation in week one\n    metric: activation-rate\n    baseline: 0.32\n    target: 0.45\n"
        "    current: 0.36\n"
        "checkins:\n"
        "  - {date: 2026-08-01, value: 0.33, confidence: 0.8, by: cwu}\n"
        "  - {date: 2026-09-01, value: 0.35, confidence: 0.7, by: cwu}\n"
        "  - {date: 2026-10-01, value: 0.36, confidence: 0.5, by: cwu}\n"
        "  - {date: 2026-11-15, value: 0.38, confidence: 0.7, note: Wizard live for half of sign-ups., by: cwu}\n")


def measured_repo(root: Path, git: bool = False) -> Path:
    """The measured strategy at `root`."""
    helpers.copy_base(root, git=False)
    files = dict(FILES)
    files["strategy/goals/faster-activation.yaml"] = faster_activation(root)
    return helpers.make_repo(root, files, "", git)
