"""Commit the whole strategy on 2026-08-01: the goal whose last check-in is 2026-09-01 is
stale on 2026-11-23 (45 days), the others checked in on 2026-11-15 are not."""

import os
import subprocess
from pathlib import Path

WHEN = "2026-08-01T12:00:00+00:00"


def make(root: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": WHEN, "GIT_COMMITTER_DATE": WHEN,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", "strategy"], check=True, env=env)


_commit_in_past = make


def make(root: Path) -> None:  # noqa: F811 - the same history, then a fresh edit
    _commit_in_past(root)
    path = root / "strategy/goals/stale-goal.yaml"
    path.write_text(path.read_text() + "  - date: 2026-11-20\n    value: 0.34\n")
