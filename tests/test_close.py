"""`strat close PERIOD`: the goal fields it writes (`result`, `carried_from`), the
close-out itself (scores, carried drafts, all files or none, idempotent) and how
`strat diff` says it."""

from __future__ import annotations

from pathlib import Path

import pytest

import helpers
from strat.load import load_tree
from strat.model import build_model
from strat.refs import check_references
from strat.validate import validate_documents

BASE_GOAL = (helpers.BASE / "strategy/goals/fewer-setup-tickets.yaml").read_text()
BASE_DEFLECTION = (helpers.BASE / "strategy/goals/support-deflection.yaml").read_text()


def _analyse(root: Path) -> list:
    loaded = load_tree(root, root / "strategy")
    assert loaded.diagnostics == []
    documents, schema = validate_documents(loaded.documents)
    model, index = build_model(documents)
    return schema + index + check_references(model)


# --- the schema: result and carried_from ------------------------------------------------

RESULT_CASES = [  # (result block, error expected)
    ("result:\n  date: 2026-12-31\n  final: 1080\n  score: 0.4\n  note: \"\"\n", False),
    ("result: {date: 2026-12-31, final: 1080, score: 1}\n", False),
    ("result: {date: 2026-12-31, final: -3.5, score: 0, note: Missed.}\n", False),
    ("result: {date: 2026-12-31, final: 1080, score: 0.45}\n", True),  # not a multiple of 0.1
    ("result: {date: 2026-12-31, final: 1080, score: 1.1}\n", True),
    ("result: {date: 2026-12-31, final: 1080, score: -0.1}\n", True),
    ("result: {date: 2026-12-31, final: 1080, score: true}\n", True),
    ("result: {date: 2026-12-31, score: 0.4}\n", True),  # final is required
    ("result: {final: 1080, score: 0.4}\n", True),  # date is required
    ("result: {date: 2026-12-31, final: 1080}\n", True),  # score is required
    ("result: {date: 2026-12-31, final: high, score: 0.4}\n", True),
    ("result: {date: 2026-12-31, final: 1080, score: 0.4, grade: A}\n", True),
    ("result: {date: 2026-12-31, final: 1080, score: 0.4, x-review: board}\n", False),
]


@pytest.mark.parametrize("block, error", RESULT_CASES)
def test_result_schema(tmp_path: Path, block: str, error: bool) -> None:
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/fewer-setup-tickets.yaml":
                                              BASE_GOAL + "status: done\n" + block}, git=False)
    found = _analyse(root)
    assert bool(found) == error and {d.code for d in found} <= {"S102", "S103", "S104"}, [d.message for d in found]


def test_carried_from_is_a_reference_with_did_you_mean(tmp_path: Path) -> None:
    carried = BASE_DEFLECTION + "carried_from: fewer-setup-ticket\n"
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/support-deflection.yaml": carried}, git=False)
    [d] = _analyse(root)
    assert (d.code, d.location.path, d.location.json_path) == (
        "R201", "strategy/goals/support-deflection.yaml", "carried_from")
    assert d.message == ("`carried_from` names `fewer-setup-ticket`, but there is no Goal with that id; "
                         "did you mean `fewer-setup-tickets`?")


def test_carried_from_must_name_a_goal(tmp_path: Path) -> None:
    carried = BASE_DEFLECTION + "carried_from: cut-support-cost\n"
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/support-deflection.yaml": carried}, git=False)
    [d] = _analyse(root)
    assert d.code == "R203" and "`carried_from` must name a Goal" in d.message


def test_carried_from_a_goal_is_clean(tmp_path: Path) -> None:
    carried = BASE_DEFLECTION + "carried_from: fewer-setup-tickets\n"
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/support-deflection.yaml": carried}, git=False)
    assert _analyse(root) == []
