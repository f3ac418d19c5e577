"""What changed in the strategy since a revision, for section 8 of `strat report`: the
entity changes of `strat diff` (`strat.diff.diff`, the working tree against the base),
narrowed to targets moved and goals added or dropped.

The base is `--since REV`, else the last commit dated before the period's start (the
strategy as it stood when the period began; `strat.digest.base_before`). Outside git, in
a shallow clone, with a revision git cannot read, or with no commit before the period,
`Report.changes_note` says so in a sentence and no change is listed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from strat.config import Config
from strat.report import Change, Report

def add_changes(report: Report, root: Path, folder: Path, config: Config, since: str | None) -> None:
    from strat import git
    from strat.digest import base_before
    from strat.load import relative_path

    rel = relative_path(root, folder)
    try:
        if not git.is_repository(root) or not git.has_commits(root):
            report.changes_note = "not a git repository (or no commit yet), so what changed cannot be read from history"
            return
        if since is not None:
            report.base = git.resolve(root, since)
            report.base_label = f"`{since}`"
        else:
            day = dt.date.fromisoformat(report.start)
            base, note = base_before(root, rel, day)
            if note:
                report.changes_note = note
                return
            if base is None:
                report.changes_note = (f"no commit of the strategy is dated before the period's start "
                                       f"({report.start}): the whole strategy is new in this period")
                return
            report.base = base
            report.base_label = f"the last commit before the period's start ({report.start})"
        _compare(report, root, rel, config)
    except git.GitError as problem:
        report.base = None
        report.changes_note = f"git could not read the history: {problem}"


def _compare(report: Report, root: Path, folder: str, config: Config) -> None:
    from strat.changes import MISSING
    from strat.diff import diff

    assert report.base is not None
    found = diff(root, folder, report.base, None, config, compare_lint=False, today=report.today,
                 compare_numbers=False)
    out = []
    for change in found.changes:
        if change.kind == "Goal" and change.status == "added":
            out.append(Change("added", "Goal", change.id, change.title, f"new goal `{change.id}`"
                              + (f" {change.context}" if change.context else "")))
            continue
        if change.kind == "Goal" and change.status == "removed":
            out.append(Change("dropped", "Goal", change.id, change.title, f"goal `{change.id}` removed"))
            continue
        if change.status not in ("changed", "moved") or change.kind not in ("Goal", "Objective"):
            continue
        noun = f"{change.kind.lower()} `{change.id}`"
        for c in change.fields:
            if c.path == ("status",) and c.new == "dropped":
                out.append(Change("dropped", change.kind, change.id, change.title, f"{noun}: {c.words}"))
            elif c.path and c.path[-1] == "target" and c.old is not MISSING and c.new is not MISSING:
                out.append(Change("target", change.kind, change.id, change.title, f"{noun}: {c.words}"))
    order = {"target": 0, "added": 1, "dropped": 2}
    report.changes = sorted(out, key=lambda c: (order[c.kind], c.entity))
