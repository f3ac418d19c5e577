"""`strat diff BASE [HEAD]`: what a change does to the strategy, for a pull request.

Reads both sides from git objects (HEAD defaults to the working tree): no checkout, no
working-tree change. Entity changes come from the files that differ; the lint findings
the change introduces or fixes come from linting both sides whole (a file the same on
both sides is read and parsed once), or from the lint cache when a run linted the same
files before (`strat.diffcache`, keyed by git blob ids). What the change does to the
numbers (current values, progress, forecasts, statuses: `strat.diffnumbers`) comes from
measuring both sides on the same day, `today`, whenever a changed document can move a
number (Readings, Objective, Goal, Metric, Strategy): only the objectives and goals it
can move, each goal the change leaves alone measured once for both sides. On by
default at any size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from strat.changes import EntityChange, changed_paths, diff_entities, entities, load_revision
from strat.diffnumbers import NUMBER_KINDS
from strat.config import Config
from strat.diagnostics import Diagnostic
from strat.load import Document, LoadResult, load_file, load_tree

if TYPE_CHECKING:
    from strat.diffnumbers import NumberChange
    from strat.lint import LintResult
    from strat.model import Model


@dataclass(slots=True)
class DiffReport:
    base: str
    head: str | None  # None: the working tree
    changes: list[EntityChange]
    introduced: list[Diagnostic] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)
    lint_compared: bool = True
    lint_note: str = ""  # why the lint comparison was skipped
    notes: list[str] = field(default_factory=list)  # what the comparison does not read (submodules)
    numbers: list["NumberChange"] = field(default_factory=list)  # what the change does to the numbers
    numbers_compared: bool = True
    numbers_note: str = ""  # why the numbers were not measured
    today: dt.date | None = None  # the day both sides are measured on

    @property
    def head_label(self) -> str:
        return self.head[:12] if self.head else "working tree"


def diff(root: Path, folder: str, base_rev: str, head_rev: str | None, config: Config,
         compare_lint: bool | None = None, today: dt.date | None = None,
         compare_numbers: bool | None = None) -> DiffReport:
    """Compare the strategy at two revisions of the repository at `root`. compare_lint,
    compare_numbers: True/False, or None for the default (on, at any size). Both sides
    are measured (and linted) as on `today` (default: today)."""
    today = today or dt.date.today()
    from strat import git

    base = git.resolve(root, base_rev)
    head = git.resolve(root, head_rev) if head_rev is not None else None
    paths = changed_paths(root, base, head, folder)
    compare_lint = True if compare_lint is None else compare_lint
    compare_numbers = True if compare_numbers is None else compare_numbers
    cache: dict = {}
    if compare_lint:
        before_all = load_revision(root, base, folder, None, cache, config.include, config.exclude)
        after_all = _load_head(root, folder, head, None, cache, config)
        before_docs = [d for d in before_all.documents if d.path in paths]
        after_docs = [d for d in after_all.documents if d.path in paths]
        context = entities(after_all.documents)
    else:
        before_docs = load_revision(root, base, folder, paths, cache, config.include, config.exclude).documents
        after_docs = _load_head(root, folder, head, paths, cache, config).documents
        context = entities(after_docs)
    report = DiffReport(base, head, diff_entities(entities(before_docs), entities(after_docs), context),
                        lint_compared=compare_lint, today=today, numbers_compared=compare_numbers)
    models: tuple["Model | None", "Model | None"] = (None, None)
    if compare_lint:
        old = _side(root, folder, base, before_all, config, today)
        new = _side(root, folder, head, after_all, config, today)
        report.introduced, report.fixed = _delta_of(old.diagnostics, new.diagnostics)
        if compare_numbers and any(change.kind in NUMBER_KINDS for change in report.changes):
            models = old.model(), new.model()
    if compare_numbers and any(change.kind in NUMBER_KINDS for change in report.changes):
        if models[0] is None or models[1] is None:
            models = (_model(load_revision(root, base, folder, None, cache, config.include, config.exclude), config),
                      _model(_load_head(root, folder, head, None, cache, config), config))
        report.numbers = _numbers(models[0], models[1], config, today, before_docs + after_docs)
    report.notes = submodule_notes(root, folder, base, head)
    return report


@dataclass(slots=True)
class _Side:
    """One side's lint findings (as `strat diff` lints: without A311 and git's facts) and
    its model, built only when the numbers ask for it if the findings came from the
    lint cache (with the unresolved ids the references check found)."""
    loaded: LoadResult
    diagnostics: list[Diagnostic]
    unresolved: set[str] = field(default_factory=set)
    built: "Model | None" = None

    def model(self) -> "Model":
        if self.built is None:
            from strat.model import build_model
            from strat.validate import validate_documents

            self.built = build_model(validate_documents(self.loaded.documents)[0])[0]
            self.built.unresolved = set(self.unresolved)
        return self.built


def _side(root: Path, folder: str, commit: str | None, loaded: LoadResult, config: Config, today: dt.date) -> _Side:
    """Lint one side, or take its findings from the lint cache when a run linted the same
    files (`strat.diffcache`: keyed by git blob ids, so a commit's blobs need not be read
    to find them); a side linted here is kept there for the next run."""
    from strat import diffcache
    from strat.lint import LintOptions, check

    files, links = _side_files(root, folder, commit, loaded, config)
    found = diffcache.side_result(root, folder, files, links, config, today) if files is not None else None
    if found is not None:
        return _Side(loaded, found[0], found[1])
    result = check(loaded, config, LintOptions(ignore=("A311",), use_git=False, today=today))
    assert result.model is not None
    if files is not None:
        diffcache.remember_side(root, folder, files, links, config, today, result.diagnostics, result.model.unresolved)
    return _Side(loaded, result.diagnostics, built=result.model)


def _side_files(root: Path, folder: str, commit: str | None, loaded: LoadResult,
                config: Config) -> tuple[dict[str, str] | None, tuple[str, ...]]:
    """{path: blob id} of a side's files and its submodules; None when they are not all
    known (the working tree: the blob ids of the files the lint cache hashed, if it
    hashed every file read)."""
    from strat import git
    from strat.changes import revision_files

    if commit is not None:
        return revision_files(root, commit, folder, config.include, config.exclude), git.tree(root, commit, folder).submodules
    pack = loaded.pack
    if pack is None or set(pack.blobs) != set(pack.shas) or any(f.path not in pack.blobs for f in loaded.files) \
            or any(d.location.path not in pack.blobs for d in loaded.diagnostics):
        return None, ()
    return dict(pack.blobs), git.worktree_submodules(root, folder)


def _model(loaded: LoadResult, config: Config) -> "Model | None":
    """The model of one side, checked as `strat tree` checks it (files, schemas, references)."""
    from strat.lint import LintOptions, check

    return check(loaded, config, LintOptions(select=("E", "S", "R"), use_git=False)).model


def _numbers(before: "Model | None", after: "Model | None", config: Config, today: dt.date,
             changed: list[Document]) -> list["NumberChange"]:
    """The numbers the change moves: only the objectives and goals the changed documents
    can move are measured (`strat.diffnumbers.affected`)."""
    from strat.diffnumbers import affected, number_changes
    from strat.rules.context import RuleContext

    if before is None or after is None:
        return []
    old, new = RuleContext(before, config, today), RuleContext(after, config, today)
    return number_changes(old, new, affected(old, new, changed))


def submodule_notes(root: Path, folder: str, base: str, head: str | None) -> list[str]:
    """One note per submodule (gitlink) below the strategy folder on either side: strat
    never reads into one, so a change inside it is not in the diff."""
    from strat import git
    from strat.history import submodule_note

    links = set(git.tree(root, base, folder).submodules)
    links.update(git.tree(root, head, folder).submodules if head is not None else git.worktree_submodules(root, folder))
    return [submodule_note(path) for path in sorted(links)]


def _load_head(root: Path, folder: str, head: str | None, paths: set[str] | None, cache: dict,
               config: Config) -> LoadResult:
    from strat.load import selected

    if head is not None:
        return load_revision(root, head, folder, paths, cache, config.include, config.exclude)
    if paths is None:
        return _without_submodules(root, folder, load_tree(root, root / folder, config.include, config.exclude), config)
    prefix = folder.rstrip("/") + "/"
    paths = {p for p in paths
             if selected(p[len(prefix):] if p.startswith(prefix) else p, config.include, config.exclude)}
    result = LoadResult([], [])
    for rel in sorted(paths):
        path = root / rel
        if path.is_file() and not path.is_symlink():
            source, diags = load_file(path, rel)
            result.diagnostics.extend(diags)
            if source is not None:
                result.files.append(source)
    return result


def _without_submodules(root: Path, folder: str, loaded: LoadResult, config: Config) -> LoadResult:
    """The working tree as the git side sees it: nothing read inside a submodule, and the
    one E006 that names it (whether or not it is checked out)."""
    from strat import git
    from strat.discover import other_repository_finding
    from strat.load import selected

    links = git.worktree_submodules(root, folder)
    if not links:
        return loaded

    def inside(path: str) -> bool:
        return any(path.startswith(link + "/") for link in links)

    out = LoadResult([f for f in loaded.files if not inside(f.path)],
                     [d for d in loaded.diagnostics if not inside(d.location.path)], loaded.pack)
    prefix = folder.rstrip("/") + "/"
    for link in links:
        finding = other_repository_finding(link, folder)
        if (selected((link[len(prefix):] if link.startswith(prefix) else link) + "/x.yaml", config.include, config.exclude)
                and all((d.code, d.location.path) != (finding.code, finding.location.path) for d in out.diagnostics)):
            out.diagnostics.append(finding)
    return out


def lint_delta(before: LoadResult, after: LoadResult, config: Config,
               today: dt.date | None = None) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Findings present after but not before (introduced) and before but not after
    (fixed). Matched by code, file, field and message, so a finding that only moved
    lines is neither. The stale-goal rule (A311) is left out: it reads git history, not
    the two sides; the other date rules judge both sides on the same `today`."""
    return _delta(*_lint_both(before, after, config, today))


def _lint_both(before: LoadResult, after: LoadResult, config: Config,
               today: dt.date | None) -> tuple["LintResult", "LintResult"]:
    from strat.lint import LintOptions, check

    options = LintOptions(ignore=("A311",), use_git=False, today=today)
    return check(before, config, options), check(after, config, options)


def _delta(old_result: "LintResult", new_result: "LintResult") -> tuple[list[Diagnostic], list[Diagnostic]]:
    return _delta_of(old_result.diagnostics, new_result.diagnostics)


def _delta_of(old: list[Diagnostic], new: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    def key(d: Diagnostic) -> tuple[str, str, str, str]:
        return (d.code, d.location.path, d.location.json_path, d.message)

    old_keys, new_keys = {key(d) for d in old}, {key(d) for d in new}
    return [d for d in new if key(d) not in old_keys], [d for d in old if key(d) not in new_keys]
