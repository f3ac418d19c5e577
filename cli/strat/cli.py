"""The `strat` command line: a thin layer. Each command gathers its options, calls one
library function, and returns an exit code. Slow imports (jsonschema, git, mkdocs) happen
inside the commands that need them, so `strat --version` stays fast.

Exit codes: 0 success / no errors, 1 findings that fail the run, 2 usage or internal error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from strat import __version__

if TYPE_CHECKING:  # imported inside _locate at run time: `strat --version` stays fast
    from strat.checkin import Request
    from strat.config import Config
    from strat.lint import LintOptions, LintResult
    from strat.model import Model
    from strat.write import Transaction

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMAT_CHOICES = ("text", "json", "github", "sarif", "markdown")


class UsageProblem(click.UsageError):
    """A problem with how strat was called or where: exit 2 with a clear message."""


def _say(message: object = "", err: bool = False, nl: bool = True, color: bool | None = None,
         formatted: bool = False) -> None:
    """Print for the user: every line strat prints goes through here. Messages and
    reports carry values from the repository and the command line; `strat.inert.lines`
    keeps their line breaks, shows every other control, escape or bidi character visibly
    and keeps any line from reading as a GitHub workflow command. Colour codes strat adds
    itself (`color`) stay. `formatted` output (workflow commands) is printed as rendered:
    its formatter made each value inert for its format."""
    from strat import inert

    text = str(message) if formatted else inert.lines(str(message), keep_sgr=bool(color))
    click.echo(text, err=err, nl=nl, color=color)


def _text_arguments(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """`_text_argument` for an option given several times."""
    return tuple(_text_argument(ctx, param, v) or "" for v in values)


def _text_argument(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An argument strat stores in UTF-8 YAML or matches against names from it: refused
    (exit 2) when it holds bytes that are not UTF-8, rather than written or crashing."""
    from strat.inert import not_utf8

    why = not_utf8(value) if isinstance(value, str) else None
    if why:
        raise click.BadParameter(why)
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="strat", message="%(prog)s %(version)s")
def cli() -> None:
    """strat: strategy as code.

    Company strategy, product plans and team goals live as YAML in git. strat lints them
    against alignment rules, explains what a change does, and publishes the strategy site.

    \b
    Start here:
      strat init my-strategy     a starter repository that works at once
      strat lint                 check the strategy/ folder of this repository
      strat explain A301         what a finding means and how to fix it
      strat schema goal          the fields of a kind (JSON Schema)

    \b
    Exit status: 0 success, 1 findings or a refused change, 2 usage error.
    Shell completion (bash; zsh and fish alike): add to ~/.bashrc
      eval "$(_STRAT_COMPLETE=bash_source strat)"
    """
    from strat import cache
    from strat.write import recover_pending

    cache.enable()  # the lint cache (strat.cache); --no-cache or STRAT_NO_CACHE=1 turn it off
    recover_pending(Path.cwd(), _note)


def _no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        from strat import cache

        cache.enable(False)


_NO_CACHE = click.option(
    "--no-cache", is_flag=True, expose_value=False, callback=_no_cache,
    help="Read and check every file again; neither read nor write the lint cache (see `strat cache info`).")


def _note(message: str) -> None:
    """A note on stderr (the write path's: waiting for the lock, an interrupted write finished)."""
    _say(message, err=True)


def _hold_lock(root: Path, command: str) -> Transaction:
    """Take the repository lock (strat.write.transaction) for the rest of this command:
    it is released when the command ends, however it ends. Raises WriteRefused."""
    from contextlib import ExitStack

    from strat.write import transaction

    stack = ExitStack()
    tx = stack.enter_context(transaction(root, command, _note))
    click.get_current_context().call_on_close(stack.close)
    return tx


def _locate(path: str | None, need_folder: bool = True) -> tuple[Path, Path, Config]:
    """(repository root, strategy folder or file, config) for a command. Commands that
    read git history pass need_folder=False: the folder may be gone from the work tree."""
    from strat.config import find_root, load_config

    start = Path(path) if path else Path.cwd()
    if path and not start.exists():
        raise UsageProblem(f"no such file or folder: {path}")
    root = find_root(start) or (start if start.is_dir() else start.parent).resolve()
    config, problems = load_config(root)
    if problems:
        raise _ConfigProblem(problems)
    if path:
        target = start.resolve()
    else:
        target = (root / config.strategy).resolve()
        if need_folder and not target.is_dir():
            looked = ("" if find_root(start) else
                      f" (no strat.yaml or .git in {start.resolve()} or any folder above it, so strat "
                      "took this folder for the repository)")
            raise UsageProblem(
                f"no strategy folder at {target}{looked}; run strat inside a strategy repository, pass the "
                "folder (strat lint PATH), or create one with `strat init`")
    root_resolved = root.resolve()
    if target != root_resolved and root_resolved not in target.parents:
        raise UsageProblem(f"the strategy folder {target} is outside the repository at {root_resolved}; "
                           "strat reads nothing outside the repository")
    return root_resolved, target, config


class _ConfigProblem(Exception):
    def __init__(self, diagnostics: list) -> None:
        super().__init__("invalid strat.yaml")
        self.diagnostics = diagnostics


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option("--format", "-f", "fmt", type=click.Choice(FORMAT_CHOICES), default="text", show_default=True,
              help="text for people, json for tools, github for workflow annotations, sarif for code "
                   "scanning, markdown for a pull request comment.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings as well as errors.")
@click.option("--select", metavar="CODES", default="",
              help="Only report these codes or prefixes, comma-separated (e.g. A3,R201).")
@click.option("--ignore", "ignore_codes", metavar="CODES", default="",
              help="Never report these codes or prefixes, comma-separated (e.g. A312).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Evaluate date rules (A309, A311) as of this day instead of today: reproducible runs.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: only on a terminal).")
@click.option("--fix", is_flag=True,
              help="Fix the mechanical findings in place (`strat rules` marks them), then report what is left.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the fixes --fix would make as a unified diff, and write nothing.")
@_NO_CACHE
def lint(path: str | None, fmt: str, strict: bool, select: str, ignore_codes: str, today: "object",
         color: bool | None, fix: bool, show_diff: bool) -> int:
    """Check strategy files: YAML, schemas, references and alignment rules.

    PATH is the strategy folder (default: strategy/ of the enclosing repository, the
    nearest folder with strat.yaml or .git) or a single file; a file of the strategy
    folder is checked with the rest of the strategy, so its references resolve, and only
    its own findings are shown. Findings print as path:line:col: CODE severity message,
    paths relative to the repository root.

    \b
    Examples:
      strat lint
      strat lint strategy/goals/faster-activation.yaml
      strat lint --format github --strict     in CI
      strat lint --diff                       the mechanical fixes, as a diff (exit 1: some)
      strat lint --fix                        make them, then report what is left

    \b
    Exit status: 0 no errors (warnings allowed unless --strict),
                 1 errors found, 2 usage or internal error.
    strat lint writes to the strategy files only with --fix: each fix is a
    byte-preserving edit that changes nothing but its finding, all files or none.
    """
    from strat.formats import FORMATS, Report
    from strat.lint import LintOptions, exit_status, lint as run_lint

    options = LintOptions(select=_codes_option(select, "--select"), ignore=_codes_option(ignore_codes, "--ignore"),
                          today=today.date() if today else None, model=False)  # type: ignore[attr-defined]
    try:
        root, target, config = _locate(path)
    except _ConfigProblem as problem:
        report = Report(problem.diagnostics, 1, 0, color=_want_color(color))
        _say(FORMATS[fmt](report), nl=False, color=report.color, formatted=fmt == "github")
        return EXIT_FINDINGS
    if show_diff:
        return _lint_diff(root, target, config, options)
    if fix:
        fixed = _lint_fix(root, target, config, options)
        if fixed is None:
            return EXIT_FINDINGS
        result = fixed
    else:
        result = run_lint(root, target, config, options)
    report = Report(result.diagnostics, result.files, result.documents, color=_want_color(color))
    _say(FORMATS[fmt](report), nl=False, color=report.color, formatted=fmt == "github")
    _write_job_summary(report)
    return exit_status(result.diagnostics, strict)


def _lint_diff(root: Path, target: Path, config: Config, options: "LintOptions") -> int:
    """`strat lint --diff`: the fixes of one round as a unified diff; nothing written.
    Exit 1 when there is something to fix (a CI check that fixes were made), else 0."""
    import dataclasses

    from strat import fix as fixes
    from strat.lint import lint as run_lint

    result = run_lint(root, target, config, dataclasses.replace(options, fixes=True))
    planned = fixes.plan(root, result.diagnostics)
    for finding, why in planned.skipped:
        _say(f"strat lint: not fixed: {finding.location} {finding.code}: {why}", err=True)
    _say(planned.diff(), nl=False)
    _say(f"strat lint: {len(planned.fixed)} fix(es) in {len(planned.changes)} file(s); nothing written (--diff)"
         + ("; a fix can make another possible (a reference fixed settles a period): --fix goes on until none is left"
            if planned.changes else ""), err=True)
    return EXIT_FINDINGS if planned.changes else EXIT_OK


def _lint_fix(root: Path, target: Path, config: Config, options: "LintOptions") -> "LintResult | None":
    """`strat lint --fix`: under the repository lock, plan the fixes (strat.fix), write them
    all or none, lint again and go on while a round fixed something (at most 5 rounds: a
    fixed reference can settle a period). Returns the last lint result (None: refused)."""
    import dataclasses

    from strat import fix as fixes
    from strat.lint import lint as run_lint
    from strat.write import WriteRefused

    try:  # held from reading to writing: a run that raced this one has landed
        tx = _hold_lock(root, "strat lint --fix")
    except WriteRefused as refused:
        _say(f"strat lint: {refused}", err=True)
        return None
    with_fixes = dataclasses.replace(options, fixes=True)
    total, files = 0, set[str]()
    for _ in range(5):
        result = run_lint(root, target, config, with_fixes)
        planned = fixes.plan(root, result.diagnostics)
        if not planned.changes:
            break
        try:
            tx.write_all(planned.changes)
        except WriteRefused as refused:
            _say(f"strat lint: {refused}", err=True)
            return None
        for finding in planned.fixed:
            assert finding.fix is not None
            _say(f"{finding.location}: {finding.code} fixed: {finding.fix.title}", err=True)
        total += len(planned.fixed)
        files.update(change.rel for change in planned.changes)
    for finding, why in planned.skipped:
        _say(f"strat lint: not fixed: {finding.location} {finding.code}: {why}", err=True)
    _say(f"strat lint: fixed {total} finding(s) in {len(files)} file(s)", err=True)
    return run_lint(root, target, config, options) if total else result


def _write_job_summary(report: "object") -> None:
    """On GitHub Actions, append a Markdown summary of the run to the job summary."""
    import os

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from strat.formats import markdown

    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown.render(report))  # type: ignore[arg-type]
    except OSError as exc:
        _say(f"strat: cannot write the job summary to {target}: {exc.strerror}", err=True)


def _codes_option(value: str, option: str) -> tuple[str, ...]:
    """`A3, R201` → ('A3', 'R201'), each checked against the known codes."""
    items = tuple(v.strip().upper() for v in value.split(",") if v.strip())
    if not items:
        return items
    from strat.codes import all_codes

    known = all_codes()
    for item in items:
        if item != "ALL" and not any(code.startswith(item) for code in known):
            raise UsageProblem(f"{option}: no code starts with {item!r}; see `strat rules`")
    return items


def _want_color(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    return sys.stdout.isatty()


def _complete_kinds(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from strat import schemas

    return [k.lower() for k in schemas.kinds() if k.lower().startswith(incomplete.lower())]


def _complete_codes(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from strat.codes import all_codes

    return [c for c in all_codes() if c.startswith(incomplete.upper())]


@cli.command()
@click.argument("kind", required=False, shell_complete=_complete_kinds)
@click.option("--export", "export_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write every schema into this folder instead of printing one.")
def schema(kind: str | None, export_dir: Path | None) -> int:
    """Print the JSON Schema of KIND (goal, metric, …) or export them all.

    The schemas are the reference for every field: each property has a description and
    each kind has examples. --export also writes strat.schema.json, the schema editors
    use: it checks any document by its kind, so one line at the head of each document
    of a strategy file gives validation, completion and hover as you type:
    `# yaml-language-server: $schema=../../schemas/strat.schema.json`.
    strat init writes these files; --export refreshes them (it replaces the files it
    writes, and nothing else).

    \b
    Examples:
      strat schema goal
      strat schema --export schemas/
    Exit status: 0 printed or written, 1 a file could not be written, 2 unknown kind.
    """
    import json

    from strat import schemas

    if export_dir is not None:
        return _export_schemas(export_dir)
    by_lower = {k.lower(): k for k in schemas.kinds()}
    if kind is None:
        raise UsageProblem(f"name a kind ({', '.join(k.lower() for k in schemas.kinds())}) or use --export DIR")
    kind_name = by_lower.get(kind.lower())
    if kind_name is None:
        raise UsageProblem(f"unknown kind {kind!r}; kinds: {', '.join(k.lower() for k in schemas.kinds())}")
    _say(json.dumps(schemas.schema_for(kind_name), indent=2, ensure_ascii=False))
    return EXIT_OK


def _export_schemas(export_dir: Path) -> int:
    from strat import editors
    from strat.write import WriteRefused

    try:
        count = editors.export(export_dir)
    except (WriteRefused, OSError) as problem:
        _say(f"strat schema --export: {problem}", err=True)
        return EXIT_FINDINGS
    _say(f"wrote {count} schemas to {export_dir} ({editors.BUNDLE_FILE} is the one editors use)", err=True)
    return EXIT_OK


@cli.command()
@click.argument("code", shell_complete=_complete_codes, callback=_text_argument)
def explain(code: str) -> int:
    """Explain a diagnostic CODE: what it checks, why it matters, how to fix it.

    \b
    Example:
      strat explain A301         (strat rules lists every code)

    Exit status: 0 explained, 2 unknown code.
    """
    from strat.codes import all_codes

    info = all_codes().get(code.strip().upper())
    if info is None:
        raise UsageProblem(f"unknown code {code!r}; `strat rules` lists every code")
    from strat.fix import FIXABLE

    _say(f"{info.code} {info.name} (default: {info.severity.value})\n")
    _say(info.doc)
    if info.code in FIXABLE:
        _say(f"\n## Fixable\n\n`strat lint --fix` fixes it: {FIXABLE[info.code]} (`strat lint --diff` shows the edit first).")
    return EXIT_OK


@cli.command()
@click.option("--format", "-f", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for tools.")
def rules(fmt: str) -> int:
    """List every diagnostic code with its name, default severity and summary.

    `fix` marks the codes `strat lint --fix` fixes, in the cases `strat explain CODE`
    names. Set a code's severity (or turn it off) in strat.yaml under `rules`; `strat explain
    CODE` prints its documentation.
    """
    import json

    from strat.codes import all_codes
    from strat.fix import FIXABLE

    codes = all_codes()
    if fmt == "json":
        _say(json.dumps([{"code": c.code, "name": c.name, "severity": c.severity.value, "summary": c.summary,
                          "fix": FIXABLE.get(c.code)} for c in codes.values()], indent=2))
        return EXIT_OK
    width = max(len(c.name) for c in codes.values())
    for c in codes.values():
        _say(f"{c.code}  {c.name:<{width}}  {c.severity.value:<7}  {'fix' if c.code in FIXABLE else '   '}  {c.summary}")
    _say("\nfix: `strat lint --fix` fixes it in some cases (`strat explain CODE`); `strat lint --diff` shows how.")
    return EXIT_OK


# --- strat site: the published strategy (strat.site) ---------------------------------------

_TODAY = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
                      help="Compute goal status as of this day instead of today: reproducible sites.")


@cli.group()
def site() -> None:
    """Publish the strategy as a static site (MkDocs with mkdocs-material).

    \b
      strat site build           the site, into public/ (or mkdocs.yml's site_dir)
      strat site serve           a local preview that follows every YAML change
      strat site render DIR      a project for another builder (MkDocs, ProperDocs, Zensical)

    A strategy with lint errors is not published (exit 1); warnings are shown on the
    site's Lint health page. --audience public (the default unless strat.yaml's
    site.audience says otherwise) leaves out what is internal; --audience internal
    publishes everything.
    """


_AUDIENCE = click.option("--audience", type=click.Choice(("public", "internal")), default=None,
                         help="Who the site is for: public leaves out what strat.yaml's site.public names (team "
                              "cost and people's e-mail by default), every entity marked `visibility: internal`, "
                              "the lint findings, the changelog and the review packs; internal publishes "
                              "everything. Default: site.audience of strat.yaml, else public.")
_ALLOW_PLUGIN = click.option("--allow-plugin", "allow_plugins", multiple=True, metavar="NAME",
                             help="Let mkdocs.yml use this MkDocs plugin (repeatable). Only search, tags and "
                                  "offline are allowed without it: a plugin runs code of its own.")
_ALLOW_EXTENSION = click.option("--allow-extension", "allow_extensions", multiple=True, metavar="NAME",
                                help="Let mkdocs.yml use this Markdown extension beyond Python-Markdown's and "
                                     "pymdown-extensions' own (repeatable).")


def _trust(plugins: tuple[str, ...], extensions: tuple[str, ...]) -> "object":
    from strat.site.mkdocs_config import Trust

    return Trust(set(plugins), set(extensions))


def _site_args(today: "object") -> tuple[Path, Path, "object", "object"]:
    root, target, config = _locate(None)
    return root, target, config, today.date() if today else None  # type: ignore[attr-defined]


@site.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Output folder (default: site_dir of mkdocs.yml, else public/). Emptied on every build.")
@click.option("--strict", is_flag=True, help="Fail (exit 2) on MkDocs warnings such as broken links.")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
@_AUDIENCE
@_ALLOW_PLUGIN
@_ALLOW_EXTENSION
@_TODAY
@_NO_CACHE
def site_build(out: Path | None, strict: bool, quiet: bool, audience: str | None, allow_plugins: tuple[str, ...],
               allow_extensions: tuple[str, ...], today: "object") -> int:
    """Build the strategy site: generated pages, plus the hand-written pages of the docs
    folder (site/), with the repository's mkdocs.yml or a built-in default.

    \b
    Examples:
      strat site build                   into public/ (or mkdocs.yml's site_dir)
      strat site build --strict --out public     in CI: broken links fail the build
      strat site build --audience internal --out internal   everything, for the company only

    mkdocs.yml is repository content: it may not run code (no hooks, only known plugins
    and extensions) nor name paths outside the repository (see the site's About page).

    Exit status: 0 built, 1 the strategy has lint errors, mkdocs.yml asks for something
    refused, or a public build's text names an internal entity; 2 usage error (a wrong
    site.public setting) or MkDocs failure.
    """
    from strat.site.build import SiteOptions, build_site

    try:
        root, target, config, day = _site_args(today)
    except _ConfigProblem as problem:
        return _config_problem(problem)
    return build_site(root, target, config, SiteOptions(out=out, strict=strict, today=day, quiet=quiet,  # type: ignore[arg-type]
                                                        trust=_trust(allow_plugins, allow_extensions),  # type: ignore[arg-type]
                                                        audience=audience))


@site.command("serve")
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT",
              help="Where to serve the preview.")
@_AUDIENCE
@_ALLOW_PLUGIN
@_ALLOW_EXTENSION
@_TODAY
def site_serve(dev_addr: str, audience: str | None, allow_plugins: tuple[str, ...], allow_extensions: tuple[str, ...],
               today: "object") -> int:
    """Preview the site locally; it re-renders when a strategy file, a hand-written page
    or mkdocs.yml changes. Stop with Ctrl-C.

    \b
    Example:
      strat site serve                   then open http://127.0.0.1:8000
    Exit status: 0 stopped, 1 mkdocs.yml asks for something refused, 2 cannot serve
    (e.g. the port is taken: use --dev-addr).
    """
    from strat.site.serve import serve_site

    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise UsageProblem(f"--dev-addr: expected HOST:PORT, got {dev_addr!r}")
    try:
        root, target, config, day = _site_args(today)
    except _ConfigProblem as problem:
        return _config_problem(problem)
    return serve_site(root, target, config, host=host, port=int(port), today=day,  # type: ignore[arg-type]
                      trust=_trust(allow_plugins, allow_extensions), audience=audience)  # type: ignore[arg-type]


@site.command("render")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@_AUDIENCE
@_TODAY
def site_render(directory: Path, audience: str | None, today: "object") -> int:
    """Write the site as a project for another MkDocs-compatible builder (MkDocs with
    any theme, ProperDocs, Zensical) into DIRECTORY, without building it.

    \b
      DIRECTORY/mkdocs.yml   configuration: navigation, stylesheet, no web fonts
      DIRECTORY/docs/        generated pages, hand-written pages, strat.css

    \b
    Example:
      strat site render out              the project, into out/
      mkdocs build -f out/mkdocs.yml     then the site, into out/site/ (properdocs
                                         build and zensical build work the same way)

    Every page carries its title in front matter, made safe for any theme, so no theme
    override is needed. mkdocs.yml is strat's own: plugins, hooks and extensions of the
    repository's mkdocs.yml are not copied (merge what you trust). DIRECTORY must be new,
    empty, or one strat rendered into before (its docs/ is then replaced).

    Exit status: 0 written, 1 the strategy has lint errors or mkdocs.yml is refused,
    2 cannot write.
    """
    from strat.site.portable import render_only

    try:
        root, target, config, day = _site_args(today)
    except _ConfigProblem as problem:
        return _config_problem(problem)
    return render_only(root, target, config, directory, today=day, audience=audience)  # type: ignore[arg-type]


def _config_problem(problem: "_ConfigProblem") -> int:
    from strat.formats import FORMATS, Report

    _say(FORMATS["text"](Report(problem.diagnostics, 1, 0, color=False)), nl=False, err=True)
    return EXIT_FINDINGS

@cli.command()
@click.argument("base", callback=_text_argument)
@click.argument("head", required=False, callback=_text_argument)
@click.option("--format", "-f", "fmt", type=click.Choice(("markdown", "text", "json")), default="text",
              show_default=True, help="markdown for a pull request or job summary, text for a terminal, json for tools.")
@click.option("--lint/--no-lint", "compare_lint", default=None,
              help="List the lint findings the change introduces or fixes (both sides linted, through "
                   "the lint cache). Default: on, at any size.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Measure both sides (current values, forecasts, statuses) and judge date rules as of this day.")
@click.option("--numbers/--no-numbers", "compare_numbers", default=None,
              help="Say how the change moves each objective's and goal's numbers (only those the change "
                   "can move are measured). Default: on, at any size.")
@_NO_CACHE
def diff(base: str, head: str | None, fmt: str, compare_lint: bool | None, today: "object",
         compare_numbers: bool | None) -> int:
    """What a change does to the strategy, in words.

    Compares the strategy at BASE with HEAD (a revision; default: the working tree),
    entity by entity: added, removed, moved to another file, or fields changed
    ("goal `x`: outcome.target 0.45 → 0.5"), grouped by kind, plus the lint findings
    the change introduces or fixes. When the change moves a number (new readings or
    check-ins, a new target), each objective and goal it moves gets one line: its
    value, progress, forecast and status now and before, both sides measured on the
    same day (--today), with the figures of `strat tree` and the site. Reads git
    objects: no checkout, nothing changes in your working tree.

    \b
    Examples:
      strat diff main                    what your working tree changes against main
      strat diff origin/main HEAD -f markdown >> "$GITHUB_STEP_SUMMARY"

    Exit status: 0 shown (whatever the change), 2 a revision git does not know, or not a
    git repository.
    """
    from strat import git
    from strat.diff import diff as run_diff
    from strat.diffreport import DIFF_FORMATS

    root, _, config = _locate(None, need_folder=False)
    try:
        report = run_diff(root, config.strategy, base, head, config, compare_lint,
                          today.date() if today else None, compare_numbers)  # type: ignore[attr-defined]
    except git.GitError as problem:
        raise UsageProblem(str(problem)) from None
    _say(DIFF_FORMATS[fmt](report), nl=False)
    return EXIT_OK


@cli.command()
@click.argument("entity_id", metavar="ID", callback=_text_argument)
@click.option("--rev", default="HEAD", show_default=True, callback=_text_argument,
              help="Walk history from this revision.")
@click.option("--format", "-f", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for tools.")
def history(entity_id: str, rev: str, fmt: str) -> int:
    """The life of one entity through git history: each change, when, by whom.

    Lists every commit that changed the entity ID, newest first, with the date, the
    author and the fields that changed. One walk of the history, however long. A merge
    shows only what its resolution made that neither side had; a shallow clone says
    where its history stops.

    \b
    Example:
      strat history faster-activation

    Exit status: 0 shown, 2 no commit changed ID, or not a git repository.
    """
    from strat import git
    from strat.history import entity_history
    from strat.historyreport import HISTORY_FORMATS

    root, _, config = _locate(None, need_folder=False)
    try:
        found = entity_history(root, config.strategy, entity_id, rev)
    except git.GitError as problem:
        raise UsageProblem(str(problem)) from None
    if not found.entries and found.cut is None:
        raise UsageProblem(f"no commit changed an entity with id {entity_id!r} (from {rev})"
                           + "".join(f"; {note}" for note in found.notes))
    _say(HISTORY_FORMATS[fmt](found), nl=False)
    return EXIT_OK


# --- strat checkin (strat.checkin) --------------------------------------------------------


@cli.command()
@click.argument("goal", required=False, callback=_text_argument, metavar="[GOAL|OBJECTIVE]")
@click.option("--kr", metavar="METRIC", callback=_text_argument,
              help="Check in the goal's key result on this metric instead of its outcome (METRIC#N for the "
                   "N-th key result when two measure one metric).")
@click.option("--value", metavar="NUMBER", callback=_text_argument,
              help="The value of the metric checked in (required with GOAL): the goal's outcome metric, the key "
                   "result's with --kr, the objective's; 14% is 14 when the metric's unit is %, 0.14 when it is "
                   "a ratio.")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=_text_argument,
              help="The day of the reading (default: today; never in the future).")
@click.option("--confidence", metavar="0..1", callback=_text_argument,
              help="How sure the owner is of reaching the target, from 0 to 1 (70% is 0.7).")
@click.option("--note", metavar="TEXT", callback=_text_argument, help="A short note: what moved the number.")
@click.option("--by", metavar="PERSON", callback=_text_argument,
              help="Who checked in (a Person id; default: the Person whose email is git's user.email).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Check in many goals, key results and objectives at once from a CSV file (instead of GOAL and "
                   "the options above).")
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
@_NO_CACHE
def checkin(goal: str | None, kr: str | None, value: str | None, day: str | None, confidence: str | None,
            note: str | None, by: str | None, csv_file: Path | None, dry_run: bool) -> int:
    """Add a dated check-in to a goal, one of its key results, or an objective, in place.

    A goal's id checks in its outcome; with --kr METRIC, its key result on that metric;
    an objective's id checks in the objective's metric (the business number).

    The check-in is inserted into the file; every other byte of the file stays as it
    was (comments, quoting, order, indentation, line endings, other documents). The new
    file is checked with strat's own loader and schemas before it is written, and it is
    written atomically, all files or none, even if the run is killed (a lock and a
    journal: see the guide, "Writing safely"). Check-ins stay in date order.

    When the goal keeps an `outcome.current` (a key result its `current`) and the
    check-in is its newest, `current` is set to the new value too; one without
    `current` gets none.

    \b
    Examples:
      strat checkin faster-activation --value 0.41 --confidence 0.7 --note "wizard at 100%"
      strat checkin faster-activation --kr setup-tickets --value 420
      strat checkin grow-active-teams --value 1260 --note "Weekly active teams, Monday's count"
      strat checkin --csv readings.csv

    \b
    The CSV has a header row: goal and value, and optionally kr, date, confidence,
    note, by (columns named x-… are ignored; any other column is an error). `goal`
    holds a goal's or an objective's id; `kr` a key result's metric, METRIC#N as
    with --kr (empty: the goal's outcome). Blank rows are skipped; UTF-8 with or
    without a BOM. All or nothing: if any row is wrong, every bad row is reported
    with its line and no file is written.

    \b
    Exit status: 0 written (or nothing to do), 1 refused (the reasons, with file:line),
                 2 usage error.
    """
    import datetime as dt

    from strat.checkin import MAX_CHECKIN_CSV_BYTES, Request, load_checked, plan_checkins, read_csv
    from strat.write import WriteRefused

    if csv_file is not None:
        if goal or value is not None or any(v is not None for v in (kr, day, confidence, note, by)):
            raise UsageProblem("--csv FILE takes the check-ins from the file: give no GOAL, --kr, --value, --date, "
                               "--confidence, --note or --by with it")
        raw = _read_bounded(csv_file, MAX_CHECKIN_CSV_BYTES, "strat checkin --csv")
        requests, problems = read_csv(raw, str(csv_file))
    else:
        if not goal:
            raise UsageProblem("name a GOAL or OBJECTIVE with --value, or give --csv FILE (see strat checkin --help)")
        if value is None:
            raise UsageProblem("--value is required: the value of the metric checked in")
        if kr is not None and not kr.strip():
            raise UsageProblem("--kr needs a key result's metric (METRIC, or METRIC#N); leave --kr out to check in "
                               "the goal's outcome")
        requests, problems = [Request(goal, value, day, confidence, note, by, kr)], []
    if not problems and not requests:
        _say(f"strat checkin: no check-ins in {csv_file}; nothing to do", err=True)
        return EXIT_OK
    root, target, _ = _locate(None)
    try:  # planned with the lock held: a run that raced this one has landed, this goes on top
        tx = None if dry_run else _hold_lock(root, "strat checkin")
    except WriteRefused as refused:
        _say(f"strat checkin: {refused}", err=True)
        return EXIT_FINDINGS
    model, found = load_checked(root, target)
    by_note = None
    if csv_file is None and by is None:
        requests, by_note = _by_git_user(root, model, requests)
    plan = plan_checkins(root, model, requests, dt.date.today(), found)
    problems = sorted([*problems, *plan.problems], key=lambda p: p.line)
    if problems:
        for problem in problems:
            _say(f"strat checkin: {problem}" if not problem.where else str(problem), err=True)
        count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
        _say(f"Refused ({count}): nothing was written.", err=True)
        return EXIT_FINDINGS
    if by_note:
        _say(f"strat checkin: {by_note}", err=True)
    if dry_run or tx is None:
        _say(plan.diff(), nl=False)
        return EXIT_OK
    try:
        tx.write_all(plan.changes)
    except WriteRefused as refused:
        _say(f"strat checkin: {refused}", err=True)
        return EXIT_FINDINGS
    for added in plan.added:
        also = f"; {added.current_field} {added.current[0]} → {added.current[1]}" if added.current else ""
        _say(f"{added.path}: {added.subject or f'goal `{added.goal}`'} checked in {added.value} on {added.date}{also}")
    return EXIT_OK


def _by_git_user(root: Path, model: Model, requests: list[Request]) -> tuple[list[Request], str | None]:
    """Check-ins given without --by are by the Person whose email is git's `user.email`
    (case-insensitive). When no Person (or several) has it, they have no `by`, and the
    note (second item) says why; without a user.email, silently none."""
    import dataclasses

    from strat import git
    from strat.checkin import people_with_email

    email = git.config_value(root, "user.email")
    if email is None:
        return requests, None
    people = people_with_email(model, email)
    if len(people) != 1:
        who = f"{len(people)} Persons ({', '.join(people)}) have" if people else "no Person has"
        return requests, f"the check-in has no `by`: {who} the email {email} (git config user.email); give --by PERSON"
    return [dataclasses.replace(request, by=people[0]) for request in requests], None


# --- strat close (strat.close) ------------------------------------------------------------


@cli.command()
@click.argument("period", callback=_text_argument)
@click.option("--carry", is_flag=True,
              help="Write a draft goal in the next period for each goal that fell short (score below 1).")
@click.option("--drafts", type=click.Choice(("drop", "carry")), default=None,
              help="What to do with the period's draft goals: drop them (status: dropped), or carry them "
                   "(dropped here, a draft in the next period). Required when the period has drafts.")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=_text_argument,
              help="The day of the results (default: the period's end when it is past, else today).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Measure final values as of this day instead of today: reproducible runs.")
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
def close(period: str, carry: bool, drafts: str | None, day: str | None, today: "object", dry_run: bool) -> int:
    """Close a period: score every goal still active and mark it done.

    Each active goal of PERIOD gets a `result` (date, final value, score, an empty
    note for the owner) and `status: done`. The final value is the goal's current value
    (as strat tree shows it); the score is its progress from baseline to target,
    clamped to 0..1 and rounded to a multiple of 0.1. With --carry, each goal that fell
    short continues as a draft goal in the next period (`carried_from`, baseline = the
    final value), in a new file beside the original. Every other byte of each file is
    kept; all files are written together or none. Running it again changes nothing.

    \b
    Examples:
      strat close year-one --dry-run     what the close would write
      strat close year-one               close it; add --carry to carry goals that fell short

    \b
    Exit status: 0 closed (or nothing to close), 1 refused (the reasons), 2 usage error.
    """
    import datetime as dt

    from strat.close import CloseUsage, plan_close
    from strat.numbers import number
    from strat.loaded import load_strategy
    from strat.write import WriteRefused

    root, target, config = _locate(None)
    day_today = today.date() if today else dt.date.today()  # type: ignore[attr-defined]
    try:  # planned with the lock held: a run that raced this one has landed
        tx = None if dry_run else _hold_lock(root, "strat close")
    except WriteRefused as refused:
        _say(f"strat close: {refused}", err=True)
        return EXIT_FINDINGS
    loaded = load_strategy(root, target, config, day_today)
    if loaded.errors:
        _say(f"strat close: the strategy has {loaded.errors} lint error(s); fix them first (strat lint). "
             "Nothing was written.", err=True)
        return EXIT_FINDINGS
    try:
        plan = plan_close(root, loaded.ctx, period, day_today, day, carry, drafts)
    except CloseUsage as problem:
        raise UsageProblem(str(problem)) from None
    if plan.problems:
        for why in plan.problems:
            _say(f"strat close: {why}", err=True)
        _say("Refused: nothing was written.", err=True)
        return EXIT_FINDINGS
    for note in plan.notes:
        _say(f"strat close: {note}", err=True)
    if dry_run or tx is None:
        _say(plan.diff(), nl=False)
        return EXIT_OK
    try:
        tx.write_all(plan.changes)
    except WriteRefused as refused:
        _say(f"strat close: {refused}", err=True)
        return EXIT_FINDINGS
    for done in plan.closed:
        _say(f"{done.path}: goal `{done.goal}` closed on {plan.date}: final {number(done.final)}, scored {done.score:g}")
    for ident in plan.dropped:
        _say(f"goal `{ident}` dropped (a draft of {plan.period})")
    for carried in plan.carried:
        scored = f" (scored {carried.score:g})" if carried.score is not None else " (a draft, not scored)"
        _say(f"{carried.path}: draft goal `{carried.goal}` in {plan.next_period}, carried from `{carried.source}`{scored}")
    if not plan.changes:
        _say(f"strat close: nothing to close in {plan.period}", err=True)
    return EXIT_OK


# --- strat measure (strat.measure) ----------------------------------------------------------


@cli.command()
@click.argument("metrics", nargs=-1, callback=_text_arguments, metavar="[METRIC...]")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Measure from this day (default: the day after each metric's latest reading).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Measure up to this day instead of today: reproducible runs.")
@click.option("--dry-run", is_flag=True, help="Run the queries and report; write nothing.")
@click.option("--restate", is_flag=True,
              help="Write restatements too: a value that differs from a stored reading of the same date "
                   "replaces it (without it they are listed and the exit status is 1).")
@click.option("--format", "-f", "fmt", type=click.Choice(("text", "markdown", "json")), default="text",
              show_default=True, help="text for people, markdown for a pull request body, json for tools.")
def measure(metrics: tuple[str, ...], since: "object", today: "object", dry_run: bool, restate: bool,
            fmt: str) -> int:
    """Run each metric's query and append the readings the repository lacks.

    For every metric with a `query` (or only the METRICs named), the query runs against
    its connection (`connections` in strat.yaml; a URL with a secret comes from the
    environment through `url_env`) for the window from the day after the metric's latest
    reading (or --since) to today, with :start and :end bound. Each row must be a date
    and a number. New readings are appended, one `- {date: D, value: V}` line each, to
    the Readings file holding the metric's latest reading (every other byte kept), or
    to a new strategy/readings/METRIC.yaml; all files are written atomically, all or
    none. A second run adds nothing.

    A value that differs from a stored reading of the same date is a restatement: it is
    listed, and written only with --restate. A failing connection or query names the
    metric and the connection; nothing is written for that metric and the others go on.
    Queries run read-only, with the connection's timeout_seconds; a DuckDB query reads
    only files inside the repository. Progress goes to stderr.

    \b
    Examples:
      strat measure --dry-run                      what the queries would add
      strat measure --since 2026-11-01 --dry-run   re-read a window (restatements)
      strat measure --format markdown > pr-body.md

    A strategy file that cannot be loaded (E001 and the like), or an error in a file
    holding a Metric or Readings document, is listed first as strat lint lists it and
    fails the run; the other metrics are measured.

    \b
    Exit status: 0 ok (also when nothing is new), 1 a metric failed, a row was bad, a
                 restatement was not written or a file could not be loaded, 2 usage error.
    """
    import os

    from strat.connections import environment_secrets, redact
    from strat.measure import MeasureUsage, measure as run_measure
    from strat.measure_report import FORMATS as MEASURE_FORMATS

    if since and today and since > today:  # type: ignore[operator]
        raise UsageProblem("--since is after --today: the window would be empty")
    root, target, config = _locate(None)
    secrets = environment_secrets(config, os.environ)
    try:
        result = run_measure(root, target, config, metrics=metrics,
                             since=since.date() if since else None,  # type: ignore[attr-defined]
                             today=today.date() if today else None,  # type: ignore[attr-defined]
                             dry_run=dry_run, restate=restate, progress=_note, notify=_note)
    except MeasureUsage as problem:
        raise UsageProblem(str(problem)) from None
    except Exception as exc:  # a driver's surprise: never let its text carry a secret out
        _say(redact(f"strat measure: internal error: {type(exc).__name__}: {exc}", secrets), err=True)
        return EXIT_USAGE
    # JSON is inert as `strat.inert.json_dumps` writes it (no line of it can start a workflow
    # command): printed as is, rather than scanned again line by line (18,000 readings).
    _say(redact(MEASURE_FORMATS[fmt](result), secrets), nl=False, formatted=fmt == "json")
    return result.exit_code


# --- strat codeowners (strat.codeowners) --------------------------------------------------


@cli.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 1 and print a diff when the file is out of date.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="The CODEOWNERS file (default: the one GitHub reads: .github/CODEOWNERS, CODEOWNERS or "
                   "docs/CODEOWNERS, whichever exists, else .github/CODEOWNERS).")
def codeowners(check: bool, output: Path | None) -> int:
    """Write a CODEOWNERS block: the owner of each entity, and each joint goal's partner
    leader, reviews changes to its file.

    \b
    Reviewers per kind (Person ids are the git host's user names, written @id):
      Goal          owner; for each joint goal, the partner department's leader (and joint owner)
      Objective, Plan, Initiative, Metric   owner
      Team lead · Department leader · Person themselves · Decision decided_by
      Strategy      the leaders of every department
    A file with several documents gets them all. On GitHub one approval from any owner
    of a line satisfies it; turn on "Require review from Code Owners" in the branch
    protection of main to make it required.

    Only the lines between `# BEGIN strat` and `# END strat` are managed; your own lines
    outside them are kept. A file without the block gets it appended.

    \b
    Examples:
      strat codeowners            write or update .github/CODEOWNERS
      strat codeowners --check    in CI: fail when it is out of date

    Exit status: 0 written or up to date, 1 out of date (--check) or refused, 2 usage error.
    """
    from strat import codeowners as owners
    from strat.write import WriteRefused

    root, target, config = _locate(None)
    try:
        tx = None if check else _hold_lock(root, "strat codeowners")
        outcome = owners.plan(root, target, config, output)
    except (owners.CodeownersProblem, WriteRefused) as problem:
        _say(f"strat codeowners: {problem}", err=True)
        return EXIT_FINDINGS
    for note in outcome.notes:
        _say(f"strat codeowners: {note}", err=True)
    if outcome.up_to_date:
        _say(f"{outcome.shown} is up to date ({outcome.files} strategy files with reviewers).", err=True)
        return EXIT_OK
    if check or tx is None:
        _say(owners.diff(outcome.old, outcome.new, outcome.shown), nl=False)
        _say(f"{outcome.shown} is out of date; run `strat codeowners` to update it.", err=True)
        return EXIT_FINDINGS
    try:
        owners.write(outcome, tx)
    except WriteRefused as refused:
        _say(f"strat codeowners: {refused}", err=True)
        return EXIT_FINDINGS
    _say(f"wrote {outcome.shown} ({outcome.files} strategy files with reviewers)")
    return EXIT_OK


# --- strat tree (strat.tree) --------------------------------------------------------------


@cli.command()
@click.argument("entity_id", metavar="[ID]", required=False, callback=_text_argument)
@click.option("--format", "-f", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for tools.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Measure current values, forecasts and statuses as of this day instead of today (values dated after it are ignored).")
@click.option("--color/--no-color", default=None, help="Colour the text (default: only on a terminal).")
@click.option("--team", "teams", multiple=True, metavar="TEAM", callback=_text_arguments,
              help="Only goals held by this team (repeat for several), with the path to them.")
@click.option("--owner", "owners", multiple=True, metavar="PERSON", callback=_text_arguments,
              help="Only goals owned by this person (repeat for several), with the path to them.")
@click.option("--period", "periods", multiple=True, metavar="PERIOD", callback=_text_arguments,
              help="Only goals of this period (repeat for several), with the path to them.")
@_NO_CACHE
def tree(entity_id: str | None, fmt: str, today: "object", color: bool | None, teams: tuple[str, ...],
         owners: tuple[str, ...], periods: tuple[str, ...]) -> int:
    """The metrics one-pager as an indented tree, with the numbers.

    North Star → objectives → the metrics their goals move → goals (cascaded goals
    under their parent goal) → initiatives. The North Star shows its latest value and
    its move over four weeks; each objective its number (the latest value of its
    metric), how far it has come from baseline to target, its forecast by the due
    date, its status and its goals' weighted roll-up; each goal its progress (a
    percentage and a bar), forecast, latest confidence, status and key results'
    roll-up: the same figures as the site and `strat diff`. ID narrows the tree to one
    objective or goal; --team, --owner and --period keep the matching goals and the
    path to them (several values of one option: any of them; several options: all).

    \b
    Examples:
      strat tree
      strat tree grow-active-teams       one objective and everything under it
      strat tree faster-activation -f json
      strat tree --team growth --period year-one

    Exit status: 0 shown (entities with lint errors are left out: see strat lint),
    2 usage error, an ID that is not an objective or goal, or a filter naming no
    team, person or period.
    """
    from strat import inert
    from strat.loaded import load_strategy
    from strat.tree import ASCII, TreeProblem, build_tree, has_goals, make_filter, render_text, to_json

    root, target, config = _locate(None)
    loaded = load_strategy(root, target, config, today.date() if today else None)  # type: ignore[attr-defined]
    try:
        only = make_filter(loaded.ctx, teams, owners, periods)
        node = build_tree(loaded.ctx, entity_id, only)
    except TreeProblem as problem:
        raise UsageProblem(str(problem)) from None
    if fmt == "json":  # inert as json_dumps writes it: printed as is, not scanned again line by line
        _say(inert.json_dumps(to_json(node), indent=2), formatted=True)
    else:
        want = _want_color(color)
        if _can_print("█├→★·–"):
            _say(render_text(node, want), nl=False, color=want)
        else:  # not a UTF-8 terminal: ASCII lines, and titles with what the terminal can show
            encoding = getattr(sys.stdout, "encoding", None) or "ascii"
            text = render_text(node, want, ASCII).encode(encoding, "replace").decode(encoding)
            _say(text, nl=False, color=want)
    if only and not has_goals(node):
        _say("strat tree: no goal matches the filters (--team, --owner, --period)", err=True)
    if loaded.errors:
        _say(f"strat tree: {loaded.errors} lint error(s): entities with errors are left out; run `strat lint`",
                   err=True)
    return EXIT_OK


def _can_print(sample: str) -> bool:
    """Whether standard output can show these characters (a UTF-8 terminal can)."""
    import codecs

    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        codecs.encode(sample, encoding)
    except (LookupError, UnicodeEncodeError):
        return False
    return True


# --- strat roi (strat.roi) ----------------------------------------------------------------


@cli.command()
@click.option("--format", "-f", "fmt", type=click.Choice(("text", "json", "markdown")), default="text",
              show_default=True, help="text for people, json for tools, markdown for a pull request or job summary.")
@_NO_CACHE
def roi(fmt: str) -> int:
    """Each team's annual cost against the expected annual impact of its goals.

    The impact of a team is the sum of `impact.annual` over the goals it holds that are
    not dropped, per currency; the ROI is that impact in the currency of the team's
    `cost`, divided by `cost.annual`. Currencies are never converted: impact in another
    currency is shown and flagged, not counted (the ratio is then a lower bound, ≥).
    Teams are sorted by ROI, best first; teams whose ROI cannot be shown (no cost, no
    impact) come last with the reason. Each goal's `basis` is listed.

    \b
    Examples:
      strat roi
      strat roi -f markdown >> "$GITHUB_STEP_SUMMARY"

    Exit status: 0 shown (teams with lint errors are left out: see strat lint),
    2 usage error.
    """
    from strat.loaded import load_strategy
    from strat.roi import FORMATS, roi_rows

    root, target, config = _locate(None)
    loaded = load_strategy(root, target, config)
    _say(FORMATS[fmt](roi_rows(loaded.ctx)), nl=False, formatted=fmt == "json")  # JSON: inert as written
    if loaded.errors:
        _say(f"strat roi: {loaded.errors} lint error(s): entities with errors are left out; run `strat lint`",
                   err=True)
    return EXIT_OK


# --- strat digest (strat.digest) ----------------------------------------------------------


@cli.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Also list joint commitments added since this day (from git history).")
@click.option("--mention", is_flag=True, help="@-mention each owner by their Person id (the git host handle).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Judge dates, statuses and forecasts as of this day instead of today.")
@click.option("--format", "-f", "fmt", type=click.Choice(("markdown", "text", "json")), default="markdown",
              show_default=True, help="markdown for an issue, text for people, json for tools.")
def digest(since: "object", mention: bool, today: "object", fmt: str) -> int:
    """What needs attention now, grouped by owner.

    Breached guardrails (A313), goals off track or at risk with their forecast, goals
    with no check-in in `stale_after_days` (A311), stale data (A314), initiatives past
    their `review_by` (A309) and, with --since, joint commitments added since that day.
    Owners are @-mentioned only with --mention; any other @ or #123 in the repository's
    text is made inert.

    \b
    Examples:
      strat digest
      strat digest --since 2026-11-30 --mention > digest.md

    Exit status: 0 shown (whether or not anything needs attention), 2 usage error.
    """
    from strat.digest import build_digest
    from strat.digest_format import FORMATS

    root, target, config = _locate(None)
    found = build_digest(root, target, config, today.date() if today else None,  # type: ignore[attr-defined]
                         since.date() if since else None)  # type: ignore[attr-defined]
    _say(FORMATS[fmt](found, mention), nl=False)
    return EXIT_OK


# --- strat report (strat.report) ---------------------------------------------------------


@cli.command()
@click.argument("period", required=False, callback=_text_argument)
@click.option("--since", metavar="REV", callback=_text_argument,
              help="List what changed since this revision (default: the last commit before the period's start).")
@click.option("--format", "-f", "fmt", type=click.Choice(("markdown", "html")), default="markdown",
              show_default=True, help="markdown for a pull request or wiki; html for one printable page.")
@click.option("--pdf", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Also print the HTML page to FILE as a PDF, through a headless Chromium.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Write the report to FILE instead of the terminal.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Judge dates, statuses and forecasts as of this day instead of today.")
def report(period: str | None, since: str | None, fmt: str, pdf: Path | None, out: Path | None,
           today: "object") -> int:
    """The review pack of a period, for a leadership or board meeting.

    In this order: the North Star and every objective with its number, trend and
    forecast; the period's goals by status with their forecast (their score once
    closed, and each objective's average score); breached guardrails and stale data;
    initiatives shipped or killed with their results; decisions taken in the period and
    the values they cite; joint commitments and whether they were banked; ROI by team;
    what changed since REV (targets moved, goals added or dropped, from git).

    PERIOD defaults to the period containing today (else the latest that started).
    --pdf finds Chromium in $STRAT_CHROMIUM, else chromium, chromium-browser,
    google-chrome or google-chrome-stable on PATH.

    \b
    Examples:
      strat report                               Markdown of the current period
      strat report year-one --format html --out review.html
      strat report year-one --since HEAD --format html --out review.html

    Exit status: 0 written, 1 the file or PDF could not be written (no Chromium found,
    Chromium failed), 2 usage error (an unknown period). A --since revision git cannot
    read is said in the report's last section (and on stderr), not an error.
    """
    import datetime as dt

    from strat.report import UnknownPeriod, build_report
    from strat.write import WriteRefused, write_output

    root, target, config = _locate(None)
    day = today.date() if today else dt.date.today()  # type: ignore[attr-defined]
    try:
        found = build_report(root, target, config, period, day, since)
    except UnknownPeriod as problem:
        raise UsageProblem(str(problem)) from None
    if since is not None and found.base is None:
        _say(f"strat report: --since {since}: {found.changes_note}", err=True)
    if fmt == "html" or pdf is not None:
        from strat.report_html import to_html

        page = to_html(found)
    if fmt == "html":
        text = page
    else:
        from strat.report_md import to_markdown

        text = to_markdown(found)
    try:
        if out is not None:
            write_output(out, text.encode("utf-8"))
            _say(f"strat report: wrote {out}", err=True)
        elif pdf is None:  # with --pdf alone, the PDF is the output
            _say(text, nl=False)
        if pdf is not None:
            from strat.report_pdf import PdfProblem, print_pdf

            try:
                write_output(pdf, print_pdf(page))
            except PdfProblem as problem:
                _say(f"strat report: {problem}", err=True)
                return EXIT_FINDINGS
            _say(f"strat report: wrote {pdf}", err=True)
    except WriteRefused as refused:
        _say(f"strat report: {refused}", err=True)
        return EXIT_FINDINGS
    return EXIT_OK


# --- strat init (strat.starter) -----------------------------------------------------------


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--company", default=None, metavar="NAME", callback=_text_argument,
              help="The company's name (default: Example Co).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path | None, company: str | None, force: bool) -> int:
    """Start a strategy repository in DIRECTORY (default: here) that works at once.

    \b
    It writes:
      strategy/                        a small example strategy that lints clean
      strat.yaml                       the configuration
      mkdocs.yml, site/about.md        the site (strat site build / serve)
      .github/workflows/strategy.yml   CI: lint and strat diff on pull requests (safe
                                       for forks), the site published from main
      .github/workflows/strat-measure.yml
                                       every day, strat measure and one pull request
                                       with the new readings
      .github/workflows/strat-digest.yml
                                       every Monday, strat digest in one issue: what
                                       needs attention, by owner
      .pre-commit-config.yaml          strat lint before every commit
      schemas/, .vscode/               editor support: schemas/strat.schema.json, named
                                       on every document, checks it as you type
      README.md, .gitignore
    and, when DIRECTORY is not in a git repository yet, runs `git init` and commits
    them ("Starter strategy"), as git's user.name and user.email (when git has none,
    nothing is committed and init prints the one command to run). Inside an existing
    repository nothing is committed.

    Existing files are never overwritten unless --force (exit 2 names them).

    \b
    Example:
      strat init acme-strategy --company "Acme" && cd acme-strategy && strat tree

    Exit status: 0 created, 1 a file could not be written, 2 files already exist.
    """
    import datetime as dt

    from strat import git, starter
    from strat.write import FileChange, WriteRefused, check_all, transaction

    target = (directory or Path(".")).absolute()
    files = starter.starter_files(dt.date.today(), company or starter.DEFAULT_COMPANY)
    present = starter.existing(target, files)
    folders = [rel for rel in present if (target / rel).is_dir()]
    if folders:
        raise UsageProblem(f"these are folders in {target}, where strat init writes files: {', '.join(folders)}")
    strategy = target / "strategy"
    others = sorted(p.relative_to(target).as_posix() for p in strategy.rglob("*.y*ml")
                    if p.relative_to(target).as_posix() not in files) if strategy.is_dir() else []
    if present and not force:
        raise UsageProblem(f"these files already exist in {target}: {', '.join(present)}; "
                           "strat init never overwrites (use --force to replace them)")
    if others and not force:
        raise UsageProblem(f"{strategy} already holds a strategy ({len(others)} YAML files); the example would "
                           "mix with it (use --force to add it anyway)")
    target.mkdir(parents=True, exist_ok=True)

    def planned() -> list[FileChange]:
        return [FileChange(rel, content, starter.current(target, rel) if rel in present else None)
                for rel, content in files.items()]

    try:
        # Every file is checked (inside the folder, writable, unchanged) before git init
        # and before the first folder or file is made: a refusal leaves the folder as it was.
        check_all(target, planned())
    except WriteRefused as refused:
        _say(f"strat init: {refused}", err=True)
        return EXIT_FINDINGS
    git_problem: git.GitError | None = None
    initialised = False
    # A `.git` that git does not read as a repository (a leftover, an unpacked archive)
    # may hold hooks and settings: git init keeps them, so nothing is committed there.
    leftover = (target / ".git").is_symlink() or (target / ".git").exists()
    if not git.is_repository(target):
        try:  # first, so the write's lock and journal live in .git
            git.init_repository(target)
            initialised = True
        except git.GitError as problem:
            git_problem = problem
    try:
        with transaction(target, "strat init", _note) as tx:
            tx.write_all(planned())
    except WriteRefused as refused:
        _say(f"strat init: {refused}", err=True)
        return EXIT_FINDINGS
    _say(f"Created a strategy repository in {target} ({len(files)} files"
               + (f", {len(present)} replaced" if present else "") + ").")
    if initialised:
        _say("Initialised a git repository (branch main).")
    if git_problem is not None:
        _say(f"strat init: could not run git init ({git_problem}); run it yourself: strat reads git "
                   "history for stale goals, diffs and the site's changelog", err=True)
    elif initialised and leftover:
        _say("strat init: nothing committed: the folder already had a .git that was not a repository (its "
             "hooks and settings would run); look at .git, then commit the new files yourself", err=True)
    elif initialised:
        _commit_starter(target, list(files))
    else:
        _say("Inside an existing git repository: nothing committed (review the new files and commit them).")
    here = Path.cwd().absolute()
    step = f"  cd {directory}\n" if target != here and directory is not None else ""
    _say("\nNext:\n" + step +
               "  strat lint            all clear: the example satisfies every rule\n"
               "  strat tree            the one-pager in your terminal\n"
               "  strat site serve      the site, at http://127.0.0.1:8000\n"
               "  then replace the example in strategy/ with your own, and commit.")
    return EXIT_OK


STARTER_COMMIT = "Starter strategy"


def _commit_starter(target: Path, files: list[str]) -> None:
    """`strat init`'s first commit, in the repository it created: every file it wrote,
    authored by git's own identity. Without one, nothing is invented: the one command to
    run is printed (the files are staged), and init still succeeds."""
    import shlex

    from strat import git

    commit = f"git -C {shlex.quote(str(target))} commit -m {shlex.quote(STARTER_COMMIT)}"
    try:
        done = git.commit_files(target, files, STARTER_COMMIT)
    except git.NoIdentity as problem:
        setup = " && ".join(f"git config --global {key} {shlex.quote(_IDENTITY_EXAMPLE[key])}"
                            for key in problem.missing)
        _say(f"strat init: nothing committed: {problem}, and strat does not invent an author. The files "
             f"are staged; to commit them, run:\n  {setup} && {commit}", err=True)
        return
    except git.GitError as problem:
        _say(f"strat init: nothing committed ({problem}); commit the new files yourself "
             f"(git -C {shlex.quote(str(target))} add …, then {commit})", err=True)
        return
    _say(f"Committed the starter: {done.sha[:7]} \"{STARTER_COMMIT}\" by {done.author}.")


_IDENTITY_EXAMPLE = {"user.name": "Your Name", "user.email": "you@example.com"}


# --- strat new (strat.new, strat.new_prompts) ----------------------------------------------


def _new_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """One option per field any kind asks for (strat.new_kinds.KINDS); each kind takes its own."""
    from strat import new_kinds as new

    repeated = {"value", "member", "objective"}
    for name in reversed(new.all_options()):
        command = click.option(f"--{name}", f"opt_{name.replace('-', '_')}", metavar=new.metavar(name),
                               multiple=name in repeated, callback=_text_arguments if name in repeated
                               else _text_argument, help=new.OPTION_HELP[name])(command)
    return command


@cli.command("new")
@click.argument("kind", metavar="KIND", type=click.Choice(("goal", "objective", "metric", "initiative", "decision",
                                                         "team", "person", "department", "plan"), case_sensitive=False))
@_new_options
@click.option("--dry-run", is_flag=True, help="Print the file that would be written; write nothing.")
@click.option("--no-input", is_flag=True, help="Never prompt, even on a terminal: every required option is given.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="The date to take as today (default: today).")
def new(kind: str, dry_run: bool, no_input: bool, today: "object", **options: "object") -> int:
    """Start a goal, objective, metric, initiative, decision, team, person, department
    or plan: one new YAML file, by answering questions or with options.

    On a terminal, strat asks for each field not given as an option, with the
    default the strategy suggests ([in brackets]; Enter takes it) and the ids it
    may name listed (? lists them all, Tab completes). Each answer is checked as
    it is typed: a number for baseline and target, an existing id for a
    reference (a near miss offers the id meant), a fresh id for the new entity.
    Without a terminal (or with --no-input) nothing is asked: every required
    option must be given, and a missing one is named (exit 2).

    \b
    Examples:
      strat new goal --title "Half of new teams ship in week one" --owner kim --team growth --parent grow-active-teams --metric activation-rate --baseline 0.32 --target 0.5 --dry-run
      strat new metric --name "Trial sign-ups" --unit count --type leading --better up --owner kim
      strat new decision --title "Annual plans only for teams of ten" --value customer-first --context "Monthly churn" --decision "Annual only"

    \b
    The file goes where this strategy keeps that kind (beside most of its
    files; else strategy/goals/, strategy/metrics/, ...), named after the id,
    with the editor's schema line on its first line. It is read back, and the
    strategy is linted with it before anything is written: a file that would add
    an error is refused with the findings. An existing file is never replaced.

    \b
    Exit status: 0 written (or, with --dry-run, would be), 1 refused (lint errors,
                 or the file exists), 2 usage error (a missing or wrong option).
    """
    import datetime as dt

    from strat import git, new as new_module, new_prompts
    from strat.write import FileChange, WriteRefused

    spec = new_module.KINDS[kind.lower()]
    given: dict[str, str] = {}
    for key, value in options.items():
        name = key.removeprefix("opt_").replace("_", "-")
        if isinstance(value, tuple):
            if value:
                given[name] = ",".join(str(v) for v in value)
        elif value is not None:
            given[name] = str(value)
    wrong = new_module.unknown_options(spec, given)
    if wrong:
        a = new_module.article(spec.kind)
        raise UsageProblem(f"{', '.join(wrong)}: not a field of {a} {spec.kind} (strat new {kind.lower()} --help; "
                           f"{a} {spec.kind} takes {', '.join(f.option for f in spec.fields)})")
    root, folder, config = _locate(None)
    day = today.date() if isinstance(today, dt.datetime) else dt.date.today()
    st = new_module.open_strategy(root, folder, config, day, git.config_value(root, "user.email"))
    answers, missing, problems = new_module.from_options(spec, given, st)
    interactive = not no_input and sys.stdin.isatty() and sys.stdout.isatty()
    if problems:
        raise UsageProblem("\n".join(problems))
    if missing and not interactive:
        raise UsageProblem(f"strat new {kind.lower()} needs {', '.join(missing)} (no terminal to ask on"
                           f"{'' if not no_input else ', and --no-input'}; see strat new {kind.lower()} --help)")
    if interactive:
        answers = new_prompts.ask_all(spec, {k: v for k, v in answers.items() if k in given}, st)
    try:  # checked again with the lock held: a file or id that appeared meanwhile is refused
        tx = None if dry_run else _hold_lock(root, "strat new")
    except WriteRefused as refused:
        _say(f"strat new: {refused}", err=True)
        return EXIT_FINDINGS
    if tx is not None:
        st = new_module.open_strategy(root, folder, config, day, None)
    planned = new_module.plan(spec, answers, st)
    for warning in planned.warnings:
        _say(f"strat new: warning: {warning}", err=True)
    if planned.errors:
        for error in planned.errors:
            _say(error, err=True)
        _say(f"Refused: {planned.rel} would add {len(planned.errors)} lint error"
             f"{'' if len(planned.errors) == 1 else 's'}; nothing was written.", err=True)
        return EXIT_FINDINGS
    if dry_run or tx is None:
        _say(f"# {planned.rel} (dry run: nothing written)", err=True)
        _say(planned.text, nl=False)
        return EXIT_OK
    try:
        tx.write_all([FileChange(planned.rel, planned.text.encode("utf-8"), None)])
    except WriteRefused as refused:
        _say(f"strat new: {refused}", err=True)
        return EXIT_FINDINGS
    _say(f"{planned.rel}: new {spec.kind} `{answers['id']}`")
    return EXIT_OK


# --- strat import (strat.importcsv) ---------------------------------------------------------


@cli.group("import")
def import_group() -> None:
    """Turn other tools' exports into strategy files.

    \b
      strat import csv FILE --kind goal|objective|metric    a spreadsheet export (CSV),
                                                            one row = one file
      strat import viva-goals|perdoo|quantive|tability FILE an OKR tool's CSV export:
                                                            goals with their key results
      strat import okr-sheet FILE                           any sheet of objectives and
                                                            key results
    """


@import_group.command("csv")
@click.argument("csv_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", "-k", required=True, type=click.Choice(("goal", "objective", "metric"), case_sensitive=False),
              help="What each row is.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Write the files into DIR (default: strategy/goals/, objectives/ or metrics/).")
@click.option("--dry-run", is_flag=True, help="Print the files that would be written; write nothing.")
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@click.option("--skip-bad", is_flag=True, help="Write the rows that convert, list the others (exit 1 if any).")
@click.option("--date-format", default="auto", show_default=True, metavar="auto|dmy|mdy|PATTERN",
              help="Day/month order of dates such as 03/04/2026: dmy, mdy, or a strptime pattern (%d.%m.%Y).")
@click.option("--decimal", type=click.Choice(("auto", "point", "comma")), default="auto", show_default=True,
              help="The decimal mark of the numbers (auto: read from the file).")
@click.option("--delimiter", default=None, metavar="CHAR", help="The cell separator (default: sniffed; 'tab' for tab).")
@click.option("--encoding", default=None, metavar="NAME",
              help="The file's encoding (default: UTF-8, or UTF-16 with a byte order mark).")
def import_csv(csv_file: Path, kind: str, out: Path | None, dry_run: bool, force: bool, skip_bad: bool,
               date_format: str, decimal: str, delimiter: str | None, encoding: str | None) -> int:
    """Turn a spreadsheet export (CSV) into one YAML file per goal, objective or metric.

    \b
    Examples:
      strat import csv okrs.csv --kind goal --dry-run    show the files, write nothing
      strat import csv okrs.csv --kind goal              strategy/goals/<id>.yaml
      strat import csv kpis.csv -k metric --out strategy/metrics/finance
    Import metrics first, then objectives, then goals: references must resolve.

    \b
    The header is the first row naming known columns (lines above it are skipped);
    case, spaces and punctuation in names do not matter:
      goal       title|goal|key result, owner|owner email|dri, team|department|person,
                 parent|objective id|aligned to (or objective, beside a title column),
                 period|quarter, metric|kpi, baseline|start|from, target|goal value|to,
                 current|actual, customer progress, status, due|deadline, plan,
                 impact|annual impact (with currency and basis)
      objective  title|objective|name, owner, metric|kpi, baseline, target,
                 due|deadline and/or period|quarter, why|rationale, champions
      metric     name|metric|kpi, unit, type (leading|lagging), better|direction
                 (up|down, higher|lower), owner, description|definition, source,
                 financial (yes|no), drives (metric) with hypothesis
      id         made a slug (OKR-12 → okr-12); without an id column, a slug of the
                 title, with -2, -3 for repeats
      any other  kept as an x-<column-name> key, the cell's text as written

    \b
    Values:
      references   ids, or names, titles and e-mail addresses, looked up in the
                   strategy of the repository you run in (and in the sheet); an
                   unknown one refuses the row, with a did-you-mean
      numbers      1,200  1 200  1.200,50  $1.2M  600k  (300); the decimal mark is
                   read from the file (0,45 says comma), else a point in
                   comma-separated files; --decimal says it
      percentages  45% becomes 0.45 (a ratio), or 45 when the metric's unit is %
      dates        2026-03-31, 31/03/2026, 03/31/2026, 31.03.2026, Mar 31, 2026,
                   31 Mar 2026, 2026-03-31T00:00:00; day/month order is read from
                   the file (31/03 settles it); 03/04/2026 alone is refused unless
                   --date-format says dmy or mdy
      goal due     a goal has no due date: it picks the Strategy period it falls in
                   (when no period is given) and is kept as x-due
      status       On track, At risk, In progress → active; Done, Completed → done;
                   Cancelled → dropped; Draft, Proposed → draft (the sheet's word is
                   kept as x-sheet-status)

    \b
    Each file starts with the schema line editors read, is read back with strat's
    own loader, validated and linted with the rest of the strategy before anything
    is written, and written atomically. Existing files are never replaced without
    --force. All or nothing: if any row cannot be converted, every bad row is listed
    as FILE:LINE: problem and nothing is written (--skip-bad writes the good rows).

    \b
    Exit status: 0 written (or, with --dry-run, would be), 1 rows refused (nothing
                 written; with --skip-bad the good rows were), 2 usage error.
    """
    from strat import importcsv
    from strat.config import find_root
    from strat.write import FileChange, WriteRefused

    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ","}.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1 or delimiter in "\"\r\n" or delimiter.isalnum():
            raise UsageProblem(f"--delimiter: one character such as , ; | or tab, got {delimiter!r}")
    if "%" not in date_format and date_format not in ("auto", "dmy", "mdy"):
        raise UsageProblem(f"--date-format: auto, dmy, mdy or a strptime pattern such as %d.%m.%Y, got {date_format!r}")
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageProblem(f"--encoding: unknown encoding {encoding!r}") from None
    raw = _read_bounded(csv_file, importcsv.MAX_CSV_BYTES, "strat import csv")
    if out is not None and out.exists() and not out.is_dir():
        raise UsageProblem(f"--out {out}: not a folder")
    kind_name = importcsv.KINDS[kind.lower()]
    try:  # read and planned with the lock held: a racing import's files count as existing ones
        tx = None if dry_run else _hold_lock(find_root(Path.cwd()) or Path.cwd(), "strat import csv")
    except WriteRefused as refused:
        _say(f"strat import: {refused}", err=True)
        return EXIT_FINDINGS
    repo, target, config_problems = importcsv.open_repository(Path.cwd(), out, kind_name)
    if config_problems:
        raise _ConfigProblem(config_problems)
    options = importcsv.Options(kind_name, decimal, date_format.lower() if "%" not in date_format else date_format,
                                delimiter, encoding, force, skip_bad)
    shown = str(csv_file)
    plan = importcsv.plan_import(raw, shown, options, repo, target)
    for note in plan.notes:
        _say(f"{shown}: {note}", err=True)
    for problem in plan.problems:
        _say(problem.shown(shown), err=True)
    for warning in plan.warnings:
        _say(f"{shown}:{warning.line}: warning: {warning.message}", err=True)
    count = f"{len(plan.problems)} problem{'' if len(plan.problems) == 1 else 's'}"
    if plan.problems and (not skip_bad or not plan.files):
        _say(f"Refused ({count}): nothing was written.", err=True)
        return EXIT_FINDINGS
    if not plan.files:
        _say(f"strat import: no rows in {shown}; nothing to do", err=True)
        return EXIT_OK
    word = f"{kind_name.lower()}{'' if len(plan.files) == 1 else 's'}"
    if dry_run or tx is None:
        for item in plan.files:
            _say(f"==> {item.shown} <==\n{plan.text(item)}")
        rows = len({p.line for p in plan.problems})
        skipped = f"; {rows} row{'' if rows == 1 else 's'} with problems skipped" if plan.problems else ""
        _say(f"Dry run: would write {len(plan.files)} {word}{skipped}; nothing was written.", err=True)
        return EXIT_FINDINGS if plan.problems else EXIT_OK
    try:
        tx.write_all([FileChange(p.rel, plan.text(p).encode("utf-8"), p.expected) for p in plan.files],
                     target.write_root)
    except WriteRefused as refused:
        _say(f"strat import: {refused}", err=True)
        return EXIT_FINDINGS
    for item in plan.files:
        _say(f"{item.shown}: {kind_name.lower()} `{item.id}` (line {item.line})")
    replaced = sum(1 for p in plan.files if p.expected is not None)
    also = f", {replaced} replaced" if replaced else ""
    _say(f"Wrote {len(plan.files)} {word}{also}.", err=True)
    if plan.problems:
        rows = len({p.line for p in plan.problems})
        _say(f"Skipped {rows} row{'' if rows == 1 else 's'} with problems ({count}); they were not written.",
                   err=True)
        return EXIT_FINDINGS
    if repo.root is not None and not (repo.root / "schemas").is_dir():
        _say("Editors validate as you type once the schemas named on each file's first line exist: "
                   "strat schema --export schemas", err=True)
    return EXIT_OK


# --- strat import FORMAT (strat.importokr) -------------------------------------------------

_OKR_EXAMPLE_FILES = {"viva-goals": "viva-goals.csv", "perdoo": "perdoo.csv", "quantive": "quantive.csv",
                      "tability": "tability.csv", "okr-sheet": "okr-sheet.csv"}


def _okr_help(name: str) -> str:
    from strat.importokr_formats import FORMATS

    import textwrap

    fmt = FORMATS[name]
    example = _OKR_EXAMPLE_FILES[name]
    article = "an" if fmt.title[0] in "AEIOU" else "a"
    source = textwrap.fill(f"Columns read: {fmt.source}.", 80, subsequent_indent="    ", break_on_hyphens=False)
    return f"""Turn {article} {fmt.title} export (CSV) into goals that keep their key results.

    \b
    Examples:
      strat import {name} {example} --dry-run    show the files, write nothing
      strat import {name} {example}              strategy/goals/, strategy/metrics/

    \b
    Each objective becomes a Goal under the business objective --objective names
    (needed unless the strategy has one), for --period (else the row's period, else
    the period its end date falls in, else the strategy's only period). Its key
    results become the goal's key_results (the first is also its outcome), with their
    check-ins when the export has progress rows. A key result's metric is an existing
    Metric its metric column (or title) names, else a new Metric file named after it.
    Owners are matched by e-mail, then by name, to the strategy's people.

    \b
    {source}
    Any other column is kept as an x-<column> key, as written. An Excel workbook
    (.xlsx) is read too, its first sheet as shown (pip install
    'strategy-as-code[excel]').

    \b
    All or nothing: every row that cannot map is listed as FILE:LINE: why, and
    nothing is written; the files are linted with the strategy before writing and
    refused if the lint would fail. At most 10 MB and 10,000 rows.

    \b
    Exit status: 0 written (or, with --dry-run, would be), 1 rows refused, 2 usage error.
    """


def _okr_command(name: str) -> click.Command:
    @click.argument("export", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--objective", default=None, metavar="ID", callback=_text_argument,
                  help="The business Objective the goals serve (id or title).")
    @click.option("--period", default=None, metavar="ID", callback=_text_argument,
                  help="The Strategy period of every goal.")
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
                  help="Write goals and new metrics into DIR (default: strategy/goals/ and strategy/metrics/).")
    @click.option("--dry-run", is_flag=True, help="Print the files that would be written; write nothing.")
    @click.option("--decimal", type=click.Choice(("auto", "point", "comma")), default="auto", show_default=True,
                  help="The decimal mark of the numbers (auto: read from the file).")
    @click.option("--date-format", type=click.Choice(("auto", "dmy", "mdy")), default="auto", show_default=True,
                  help="Day/month order of dates such as 03/04/2026.")
    @click.option("--encoding", default=None, metavar="NAME",
                  help="The file's encoding (default: UTF-8, or UTF-16 with a byte order mark).")
    def command(export: Path, objective: str | None, period: str | None, out: Path | None, dry_run: bool,
                decimal: str, date_format: str, encoding: str | None) -> int:
        return _import_okr(name, export, objective, period, out, dry_run, decimal, date_format, encoding)

    command.__doc__ = _okr_help(name)
    return import_group.command(name)(command)


def _import_okr(name: str, export: Path, objective: str | None, period: str | None, out: Path | None,
                dry_run: bool, decimal: str, date_format: str, encoding: str | None) -> int:
    from strat import importcsv, importokr
    from strat.config import find_root
    from strat.importokr_formats import FORMATS
    from strat.write import FileChange, WriteRefused

    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageProblem(f"--encoding: unknown encoding {encoding!r}") from None
    raw = _read_bounded(export, importcsv.MAX_CSV_BYTES, f"strat import {name}")
    if out is not None and out.exists() and not out.is_dir():
        raise UsageProblem(f"--out {out}: not a folder")
    try:
        tx = None if dry_run else _hold_lock(find_root(Path.cwd()) or Path.cwd(), f"strat import {name}")
    except WriteRefused as refused:
        _say(f"strat import: {refused}", err=True)
        return EXIT_FINDINGS
    repo, targets, config_problems = importokr.open_targets(Path.cwd(), out)
    if config_problems:
        raise _ConfigProblem(config_problems)
    options = importokr.Options(FORMATS[name], objective, period, decimal, date_format, encoding)
    shown = str(export)
    plan = importokr.plan_import(raw, shown, options, repo, targets)
    for note in plan.notes:
        _say(f"{shown}: {note}", err=True)
    for problem in plan.problems:
        _say(problem.shown(shown), err=True)
    for warning in plan.warnings:
        _say(f"{shown}:{warning.line}: warning: {warning.message}", err=True)
    if plan.problems:
        rows = len({p.line for p in plan.problems})
        _say(f"Refused ({len(plan.problems)} problem{'' if len(plan.problems) == 1 else 's'} on {rows} "
             f"line{'' if rows == 1 else 's'}): nothing was written.", err=True)
        return EXIT_FINDINGS
    if not plan.files:
        _say(f"strat import: no objectives in {shown}; nothing to do", err=True)
        return EXIT_OK
    c = plan.counts
    summary = (f"{c.goals} goal{'' if c.goals == 1 else 's'} with {c.key_results} key result"
               f"{'' if c.key_results == 1 else 's'} and {c.checkins} check-in{'' if c.checkins == 1 else 's'}, "
               f"{c.new_metrics} new metric{'' if c.new_metrics == 1 else 's'}")
    if dry_run or tx is None:
        for item in plan.files:
            _say(f"==> {item.shown} <==\n{item.text}")
        _say(f"Dry run: would write {summary}; nothing was written.", err=True)
        return EXIT_OK
    try:
        tx.write_all([FileChange(p.rel, p.text.encode("utf-8"), None) for p in plan.files],
                     targets.goals.write_root)
    except WriteRefused as refused:
        _say(f"strat import: {refused}", err=True)
        return EXIT_FINDINGS
    for item in plan.files:
        _say(f"{item.shown} (line {item.line})")
    _say(f"Wrote {summary}.", err=True)
    return EXIT_OK


for _name in _OKR_EXAMPLE_FILES:
    _okr_command(_name)


def _show(problem: click.ClickException) -> None:
    """Click's own error display, with the message (which may quote an argument or a
    value from the repository) made inert like every other line strat prints."""
    import io

    shown = io.StringIO()
    problem.show(file=shown)
    _say(shown.getvalue(), err=True, nl=False)


def _read_bounded(path: Path, limit: int, command: str) -> bytes:
    """The bytes of an input file, refused at once past `limit` bytes: the size of a
    regular file is known before reading; anything else (a pipe) is read in chunks and
    refused as soon as it passes the limit, so memory stays bounded."""
    import os

    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise UsageProblem(f"cannot read {path}: {exc.strerror or exc}") from None
    too_big = UsageProblem(f"{path}: larger than {limit // 1_000_000} MB, the most {command} reads; split it "
                           "into smaller files")
    with os.fdopen(fd, "rb") as handle:
        try:
            import stat as stat_module

            st = os.fstat(handle.fileno())
            if stat_module.S_ISDIR(st.st_mode):
                raise UsageProblem(f"cannot read {path}: it is a folder")
            if stat_module.S_ISREG(st.st_mode) and st.st_size > limit:
                raise too_big
            chunks: list[bytes] = []
            size = 0
            while True:
                chunk = handle.read(1 << 20)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise too_big
                chunks.append(chunk)
        except OSError as exc:
            raise UsageProblem(f"cannot read {path}: {exc.strerror or exc}") from None
    return b"".join(chunks)


# --- strat cache (strat.cache) ------------------------------------------------------------


@cli.group("cache")
def cache_group() -> None:
    """The lint cache: what strat remembers of files it read, so an unchanged file is not
    parsed and validated again.

    It lives in your cache folder (STRAT_CACHE_DIR, else $XDG_CACHE_HOME/strat or
    ~/.cache/strat; ~/Library/Caches/strat on macOS; %LOCALAPPDATA%\\strat\\Cache on
    Windows), never in the repository, as JSON keyed by each file's bytes, strat's version
    and the schemas. Output is the same with or without it; `--no-cache` on lint, tree,
    roi, checkin, diff and site build (or STRAT_NO_CACHE=1) leaves it alone.
    """


@cache_group.command("info")
@click.option("--format", "-f", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for tools.")
def cache_info(fmt: str) -> int:
    """Where the lint cache is and how large.

    \b
    Examples:
      strat cache info
      strat cache info --format json
    """
    import json

    from strat import cache

    facts = cache.info()
    if fmt == "json":
        _say(json.dumps(facts, indent=2))
    else:
        _say(f"folder: {facts['folder']}\nenabled: {'yes' if facts['enabled'] else 'no'}\n"
             f"packs: {facts['packs']} ({facts['bytes']:,} bytes)")
    return EXIT_OK


@cache_group.command("clear")
def cache_clear() -> int:
    """Delete the lint cache (every strategy folder's); the next run reads every file again.

    \b
    Examples:
      strat cache clear
    """
    from strat import cache

    where, removed = cache.clear()
    _say(f"strat cache: removed {removed} pack(s) from {where}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every outcome into the documented exit code."""
    try:
        code = cli.main(args=argv, prog_name="strat", standalone_mode=False)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.UsageError as problem:
        _show(problem)
        code = EXIT_USAGE
    except _ConfigProblem as problem:
        for d in problem.diagnostics:
            _say(f"{d.location}: {d.code} {d.severity.value} {d.message}", err=True)
        code = EXIT_FINDINGS
    except click.ClickException as problem:
        _show(problem)
        code = EXIT_USAGE
    except click.Abort:
        _say("Aborted.", err=True)
        code = EXIT_USAGE
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:  # an internal error must never look like "findings" (1)
        _say(f"strat: internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in strat; please report it with the command you ran.", err=True)
        code = EXIT_USAGE
    sys.exit(code if isinstance(code, int) else EXIT_OK)
