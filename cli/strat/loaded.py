"""The strategy loaded for a command that reads it (tree, roi, codeowners, checkin):
the files, schemas and references checked as `strat lint` does, without the alignment
rules or git. Commands show what is valid and leave the findings to `strat lint`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from strat.config import Config
from strat.diagnostics import Diagnostic, Severity
from strat.model import Model
from strat.rules.context import RuleContext


@dataclass(slots=True)
class Loaded:
    model: Model
    ctx: RuleContext  # alignment queries over the valid, resolved entities
    diagnostics: list[Diagnostic]  # file, schema and reference findings

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)


def load_strategy(root: Path, folder: Path, config: Config | None = None, today: dt.date | None = None,
                  references: bool = True) -> Loaded:
    """Load and check the strategy below `folder` of the repository at `root`. Without
    `references`, only the files and schemas are checked (no R findings, and `ctx` does
    not know which entities have unresolved references): for a command that needs ids
    and valid documents only (strat checkin)."""
    from strat.lint import LintOptions, lint

    config = config or Config()
    select = ("E", "S", "R") if references else ("E", "S")
    result = lint(root, folder, config, LintOptions(select=select, today=today, use_git=False))
    assert result.model is not None
    return Loaded(result.model, RuleContext(result.model, config, today or dt.date.today()), result.diagnostics)
