"""`strat import csv`: the lint of the result (`strat.importcsv`): the repository's
strategy linted with the planned files in it, as `strat lint` will see it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strat.load import LoadResult, parse_bytes

if TYPE_CHECKING:
    from strat.importcsv import Planned, Repository, Target
    from strat.diagnostics import Diagnostic
    from strat.lint import LintResult

_INFO_NOTE = "strat lint will add info findings"


def lint_with(repo: Repository, texts: dict[str, str]) -> "LintResult":
    """Lint the repository's strategy with these files (path → text) in it, replacing
    files of the same path: what `strat lint` would say once they are written."""
    from strat.lint import LintOptions, check

    assert repo.loaded is not None
    files = [f for f in repo.loaded.files if f.path not in texts]
    diagnostics = [d for d in repo.loaded.diagnostics if d.location.path not in texts]
    for path, text in texts.items():
        source, found = parse_bytes(text.encode("utf-8"), path)
        diagnostics.extend(found)
        if source is not None:
            files.append(source)
    return check(LoadResult(files, diagnostics), repo.config, LintOptions(use_git=False))


def lint_new_files(repo: Repository, by_path: dict[str, Any]) -> tuple[
        list[tuple[Any, "Diagnostic"]], list[tuple[Any, "Diagnostic"]], str | None]:
    """Lint the repository's strategy with the new files in it (`by_path`: path → the
    planned item, whose `.text` is the file): the errors and the warnings of the new files,
    each with its item, and a note counting their info findings (None when there are none).
    The one reading of that lint for `strat import csv` and the OKR importers."""
    from strat.diagnostics import Severity

    result = lint_with(repo, {path: item.text for path, item in by_path.items()})
    errors: list[tuple[Any, Diagnostic]] = []
    warnings: list[tuple[Any, Diagnostic]] = []
    infos: dict[str, int] = {}
    for d in result.diagnostics:
        item = by_path.get(d.location.path)
        if item is None:
            continue
        if d.severity is Severity.ERROR:
            errors.append((item, d))
        elif d.severity is Severity.WARNING:
            warnings.append((item, d))
        else:
            infos[d.code] = infos.get(d.code, 0) + 1
    note = None
    if infos:
        parts = ", ".join(f"{n} {code}" for code, n in sorted(infos.items()))
        note = f"{_INFO_NOTE} on the new files ({parts}; `strat explain CODE` says why)"
    return errors, warnings, note


def _lint_overlay(repo: Repository, target: Target, planned: dict[int, Planned]
                  ) -> tuple[dict[int, list[str]], dict[int, list[str]], str | None]:
    """Lint the repository's strategy with the planned files in it (replacing files of
    the same path). Errors in the new files refuse their rows; warnings are shown."""
    found_errors, found_warnings, note = lint_new_files(
        repo, {target.lint_path(p.id): p for p in planned.values()})
    errors: dict[int, list[str]] = {}
    warnings: dict[int, list[str]] = {}
    for item, d in found_errors:
        errors.setdefault(item.line, []).append(f"{d.code} {d.message} (strat lint would fail)")
    for item, d in found_warnings:
        warnings.setdefault(item.line, []).append(f"{d.code} {d.message}")
    return errors, warnings, note
