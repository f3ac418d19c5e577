"""The lint engine: load, validate, resolve references, run the rules, apply the
configuration and ignore comments, and decide the exit status once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from strat.config import Config
from strat.diagnostics import Diagnostic, Location, Severity
from strat.load import LoadResult, load_tree, no_gc, relative_path
from strat.model import Model, build_model

if TYPE_CHECKING:
    from strat.cache import Pack
    from strat.rules.context import GitFacts


@dataclass(slots=True)
class LintOptions:
    select: tuple[str, ...] = ()  # only these codes / prefixes (empty: all)
    ignore: tuple[str, ...] = ()  # never these codes / prefixes
    today: dt.date | None = None  # for rules that compare dates (default: today)
    use_git: bool = True
    fixes: bool = False  # attach the mechanical fixes (`strat lint --fix`, strat.fix)
    # The caller reads LintResult.model. False (strat lint): an unchanged run may take its
    # whole result from the lint cache (strat.cache) without building the model.
    model: bool = True


@dataclass(slots=True)
class LintResult:
    diagnostics: list[Diagnostic]
    files: int
    documents: int
    model: Model | None = None
    loaded: LoadResult | None = field(default=None, repr=False)


def lint(root: Path, folder: Path, config: Config | None = None, options: LintOptions | None = None,
         *, quick: bool = True) -> LintResult:
    """Lint the strategy below `folder` (a folder or one file) of the repository at `root`.

    One file of the strategy folder is checked with the rest of the strategy, so that its
    references resolve, and only its own findings are kept: `strat lint goals/x.yaml`
    answers "is this file right?" without reporting every other file, and without
    calling every id it names missing.

    With the lint cache on and `options.model` False, a run whose files all have the stat
    they had when they were last hashed, and whose other inputs are those of a run the
    cache remembers, takes that run's result without reading any file (`quick`; the
    result's `loaded` is then None)."""
    from strat import cache, cache_scan

    config = config or Config()
    options = options or LintOptions()
    if folder.is_file():
        alone = _lint_file_in_context(root, folder, config, options)
        if alone is not None:
            return alone
    scan = cache_scan.scan(root, folder, config.include, config.exclude) if cache.enabled() and folder.is_dir() else None
    loaded = load_tree(root, folder, config.include, config.exclude) if scan is None else None
    discovered = scan.discovered if scan is not None else loaded.diagnostics if loaded is not None else []
    extra = _submodules_not_checked_out(root, folder, config, discovered) if options.use_git else []
    stale_check = _active("A311", config, options)
    pack = scan.pack if scan is not None else None
    git_facts = _git_facts(root, folder, config, options, pack) if stale_check else None
    cacheable = pack if not options.model and not options.fixes else None  # fixes are not stored
    key = None
    if cacheable is not None and scan is not None and quick and (scan.complete or cache_scan.hash_the_rest(scan)):
        key = cacheable.run_key(_run_facts(root, folder, config, options, git_facts, [*discovered, *extra], cacheable))
        found = cacheable.run_result(key) if key else None
        if found is not None:
            cacheable.save()
            return LintResult(found[0], found[1], found[2], None, None)
    if loaded is None:
        loaded = load_tree(root, folder, config.include, config.exclude, scan)
    loaded.diagnostics.extend(extra)
    if cacheable is not None:
        key = cacheable.run_key(_run_facts(root, folder, config, options, git_facts, loaded.diagnostics, cacheable))
        found = cacheable.run_result(key) if key else None
        if found is not None:
            cacheable.save()
            return LintResult(found[0], found[1], found[2], None, loaded)
        cacheable.defer = key is not None
    with no_gc():  # as while loading: the checks add few objects and no cycles to the millions loaded
        result = check(loaded, config, options, git_facts, remember=True)
    if stale_check and git_facts is None and result.model and result.model.of_kind("Goal"):
        # A note, not a finding: it stays info whatever severity A311 is configured at.
        result.diagnostics.append(Diagnostic(
            "A311", Severity.INFO, "not a git repository (or git is unavailable): the stale-goal check was skipped",
            Location(relative_path(root, folder))))
        result.diagnostics.sort(key=lambda d: d.sort_key)
    elif stale_check and git_facts is not None and git_facts.history_cut and result.model \
            and result.model.of_kind("Goal"):
        result.diagnostics.append(Diagnostic(
            "A311", Severity.INFO, "shallow clone: A311 cannot judge staleness from history; fetch with "
            "`fetch-depth: 0` (actions/checkout) or `git fetch --unshallow`", Location(relative_path(root, folder))))
        result.diagnostics.sort(key=lambda d: d.sort_key)
    if pack is not None and key is not None:
        from strat.diffcache import lint_tree

        tree = lint_tree(root, folder, config, options, loaded, result)
        pack.remember_run(key, result.diagnostics, result.files, result.documents, tree,
                          result.model.unresolved if result.model is not None else None)
        pack.save()
    return result


def _run_facts(root: Path, folder: Path, config: Config, options: LintOptions, git_facts: "GitFacts | None",
               loader: list[Diagnostic], pack: "Pack") -> list[object]:
    """Everything but the files' bytes that a lint run's result depends on (the lint
    cache's key of a whole run, with every file's hash): the rules read the model, the
    configuration, the day and git's facts, nothing else; and the loader's findings that
    are not a file's own (a file's own are a function of its bytes): discovery's, the
    submodules', a file that could not be read."""
    from strat.cache import diagnostic_json

    git = None if git_facts is None else [git_facts.history_cut, sorted(git_facts.recently_changed)]
    return [str(root), str(folder), repr(config), list(options.select), list(options.ignore),
            (options.today or dt.date.today()).isoformat(), options.use_git, git,
            [diagnostic_json(d) for d in loader if d.location.path not in pack.shas]]


def _lint_file_in_context(root: Path, file: Path, config: Config, options: LintOptions) -> LintResult | None:
    """The findings of one file, linted with the whole strategy folder it belongs to; None
    when the file is outside that folder or not one of the files it reads."""
    strategy = (root / config.strategy).resolve()
    if strategy not in file.resolve().parents:
        return None
    whole = lint(root, strategy, config, options, quick=False)
    rel = relative_path(root, file)
    read = [f for f in (whole.loaded.files if whole.loaded else []) if f.path == rel]
    if not read:
        return None
    mine = [d for d in whole.diagnostics if d.location.path == rel]
    return LintResult(mine, 1, len(read[0].documents), whole.model, whole.loaded)


def check(loaded: LoadResult, config: Config | None = None, options: LintOptions | None = None,
          git_facts: "GitFacts | None" = None, *, remember: bool = False) -> LintResult:
    """Every check over documents already loaded (from the file system or from git).
    `remember`: `loaded` is exactly what `load_tree` read with the lint cache's pack (every
    file's hash known), so the cache's memory of reference findings (`strat.refmemo`)
    may be used and kept."""
    from strat.codes import all_codes
    from strat.ignores import apply_ignores, find_ignores
    from strat.refs import check_references
    from strat.validate import validate_documents

    config = config or Config()
    options = options or LintOptions()
    diagnostics = list(loaded.diagnostics)
    documents, schema_findings = validate_documents(loaded.documents)
    diagnostics.extend(schema_findings)
    if loaded.pack is not None and not loaded.pack.defer:
        loaded.pack.save()  # the lint cache (strat.cache): every file's parse and schema results
    model, index_findings = build_model(documents)
    diagnostics.extend(index_findings)
    codes = all_codes()
    active = {c for c in codes if _active(c, config, options)}
    if any(c.startswith(("R", "A")) for c in active):
        # The reference findings, and the entities they mark unresolved (which the alignment
        # rules skip): work no one reads when neither is selected (strat checkin: E and S).
        memo = None
        if remember and loaded.pack is not None:
            from strat.refmemo import RefMemo

            memo = RefMemo(loaded.pack, model)
        diagnostics.extend(check_references(model, memo))
        if memo is not None:
            memo.save()

    diagnostics.extend(run_rules(model, config, options, active, git_facts))

    diagnostics = [d for d in diagnostics if d.code in active or d.code not in codes]
    ignores = [i for f in loaded.files for i in find_ignores(f.path, f.text)]
    if ignores:
        # May add I001 findings, which are subject to --select/--ignore and severities too.
        diagnostics = apply_ignores(diagnostics, ignores, set(codes), active)
        diagnostics = [d for d in diagnostics if d.code in active or d.code not in codes]
    diagnostics = apply_severities(diagnostics, config)
    if options.fixes:
        from strat.fix import attach

        diagnostics = attach(diagnostics, model)
    diagnostics.sort(key=lambda d: d.sort_key)
    return LintResult(diagnostics, len(loaded.files), len(loaded.documents), model, loaded)


def _active(code: str, config: Config, options: LintOptions) -> bool:
    """Whether a code is checked this run: not `off` in strat.yaml, and let through by
    --select / --ignore."""
    from strat.codes import matches

    if config.rules.get(code) == "off":
        return False
    if options.select and not matches(code, options.select):
        return False
    return not (options.ignore and matches(code, options.ignore))


def run_rules(model: Model, config: Config, options: LintOptions, active: set[str],
              git_facts: "GitFacts | None" = None) -> list[Diagnostic]:
    """Run every active alignment rule over the model."""
    from strat.rules import RULES
    from strat.rules.context import RuleContext

    selected = [m for code, m in RULES.items() if code in active]
    if not selected:
        return []
    ctx = RuleContext(model, config, options.today or dt.date.today(), git_facts)
    out = []
    for module in selected:
        for finding in module.check(ctx):
            out.append(Diagnostic(module.CODE, module.SEVERITY, finding.message, finding.location, finding.related,
                                  finding.fix))
    return out


def _submodules_not_checked_out(root: Path, folder: Path, config: Config, found: list[Diagnostic]) -> list[Diagnostic]:
    """The submodules git knows below the strategy folder that the loader could not see (not
    checked out, as actions/checkout leaves them: an empty folder): the same one E006 as a
    checked-out one, so lint, diff and history treat every submodule alike."""
    from strat import git
    from strat.discover import other_repository_finding, selected

    if not folder.is_dir() or not git.is_repository(root):
        return []
    rel_folder = relative_path(root, folder)
    try:
        links = git.worktree_submodules(root, rel_folder)
    except git.GitError:
        return []
    seen = {d.location.path for d in found if d.code == "E006"}
    prefix = rel_folder.rstrip("/") + "/"
    return [other_repository_finding(link, rel_folder) for link in links
            if link not in seen and selected((link[len(prefix):] if link.startswith(prefix) else link) + "/x.yaml",
                                             config.include, config.exclude)]


def _git_facts(root: Path, folder: Path, config: Config, options: LintOptions,
               memo: "Pack | None" = None) -> "GitFacts | None":
    """What A311 needs from git, gathered once (None outside a repository); `memo`: the
    lint cache's pack, which keeps the history's part by the commit checked out."""
    from strat import git
    from strat.rules.context import GitFacts

    if not options.use_git or not git.is_repository(root):
        return None
    since = (options.today or dt.date.today()) - dt.timedelta(days=config.stale_after_days)
    try:
        if git.history_cut_since(root, since):
            return GitFacts(history_cut=True)
        return GitFacts(git.recently_changed(root, since, relative_path(root, folder), memo))
    except git.GitError:
        return None


def apply_severities(diagnostics: list[Diagnostic], config: Config) -> list[Diagnostic]:
    """Severity overrides from `strat.yaml`."""
    if not config.rules:
        return diagnostics
    out = []
    for d in diagnostics:
        level = config.rules.get(d.code)
        out.append(d.with_severity(Severity(level)) if level and level != "off" else d)
    return out


def exit_status(diagnostics: list[Diagnostic], strict: bool = False) -> int:
    """0: no errors (warnings allowed unless strict); 1: errors found."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return 1 if any(d.severity in failing for d in diagnostics) else 0
