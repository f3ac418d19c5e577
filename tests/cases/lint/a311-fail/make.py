"""Commit the whole strategy on 2026-08-01: the goal whose last check-in is 2026-09-01 is
stale on 2026-11-23 (45 days), the others checked in on 2026-11-15 are not."""

from pathlib import Path

from helpers import commit_all


def make(root: Path) -> None:
    commit_all(root, "2026-08-01T12:00:00+00:00")
