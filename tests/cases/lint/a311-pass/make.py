"""The stale goal's history of a311-fail, then a fresh check-in in the work tree: the
file changed recently, so the goal is not stale."""

from pathlib import Path

from helpers import commit_all


def make(root: Path) -> None:
    commit_all(root, "2026-08-01T12:00:00+00:00")
    path = root / "strategy/goals/stale-goal.yaml"
    path.write_text(path.read_text() + "  - date: 2026-11-20\n    value: 0.34\n")
