"""Output formats: pure functions from a lint report to text, one per module, chosen by
name from `FORMATS` (its keys are the `--format` choices)."""

from __future__ import annotations

from typing import Callable

from strat.formats import github, json_format, markdown, sarif, text
from strat.formats.report import Report

Formatter = Callable[[Report], str]

FORMATS: dict[str, Formatter] = {
    "text": text.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
    "markdown": markdown.render,
}

__all__ = ["FORMATS", "Formatter", "Report"]
