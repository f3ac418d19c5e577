"""The lint engine: load, validate, resolve references, run the rules, apply the
configuration, and decide the exit status once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from strat.config import Config
from strat.diagnostics import Diagnostic, Severity
from strat.load import LoadResult, load_tree
from strat.model import Model, build_model


@dataclass(slots=True)
class LintResult:
    diagnostics: list[Diagnostic]
    files: int
    documents: int
    model: Model | None = None
    loaded: LoadResult | None = field(default=None, repr=False)


def lint(root: Path, folder: Path, config: Config | None = None) -> LintResult:
    """Lint the strategy below `folder` (a folder or one file) of the repository at `root`."""
    from strat.refs import check_references
    from strat.validate import validate_documents

    config = config or Config()
    loaded = load_tree(root, folder)
    diagnostics = list(loaded.diagnostics)
    documents, schema_findings = validate_documents(loaded.documents)
    diagnostics.extend(schema_findings)
    model, index_findings = build_model(documents)
    diagnostics.extend(index_findings)
    diagnostics.extend(check_references(model))
    diagnostics = apply_config(diagnostics, config)
    diagnostics.sort(key=lambda d: d.sort_key)
    return LintResult(diagnostics, len(loaded.files), len(loaded.documents), model, loaded)


def apply_config(diagnostics: list[Diagnostic], config: Config) -> list[Diagnostic]:
    """Severity overrides from `strat.yaml` (`off` drops the finding)."""
    if not config.rules:
        return diagnostics
    out = []
    for d in diagnostics:
        level = config.rules.get(d.code)
        if level == "off":
            continue
        out.append(d.with_severity(Severity(level)) if level else d)
    return out


def exit_status(diagnostics: list[Diagnostic], strict: bool = False) -> int:
    """0: no errors (warnings allowed unless strict); 1: errors found."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return 1 if any(d.severity in failing for d in diagnostics) else 0
