"""What every formatter receives."""

from __future__ import annotations

from dataclasses import dataclass

from strat.diagnostics import Diagnostic, summarize


@dataclass(frozen=True, slots=True)
class Report:
    diagnostics: list[Diagnostic]
    files: int
    documents: int
    color: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return summarize(self.diagnostics)
