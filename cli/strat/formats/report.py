"""What every formatter receives."""

from __future__ import annotations

from dataclasses import dataclass

from strat.diagnostics import Diagnostic, summarize


def one_line(text: str) -> str:
    """Text from YAML made safe for a CI log: one line (CR/LF shown as `\\n`), and no
    `##[` sequence, which GitHub Actions reads as a workflow command anywhere in a line."""
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n").replace("##[", "#\u200b#[")


@dataclass(frozen=True, slots=True)
class Report:
    diagnostics: list[Diagnostic]
    files: int
    documents: int
    color: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return summarize(self.diagnostics)
