"""Shared helpers for the test suite: running the real `strat` entry point in-process and
building throwaway strategy repositories. Imported by conftest.py and by tests that
cannot use function-scoped fixtures (hypothesis)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from click.testing import CliRunner

from strat.cli import main

TESTS = Path(__file__).parent
CASES = TESTS / "cases"
BASE = CASES / "base"

# Lint runs are pinned to one day so date rules (A309 review_by, A311 staleness) give the
# same answer whenever the suite runs.
TODAY = "2026-11-23"

# Every code the SPEC fixes, plus the ones the code adds after them (E007, E008, S105).
KNOWN_CODES = frozenset(
    [f"E00{i}" for i in range(1, 9)]
    + [f"S10{i}" for i in range(1, 6)]
    + [f"R20{i}" for i in range(1, 6)]
    + [f"A3{i:02d}" for i in range(1, 16)]
    + ["I001"]  # an inline ignore comment that silences nothing or names no code
)


@dataclass(frozen=True)
class CliResult:
    exit_code: int | None
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def diagnostics(self) -> list[dict[str, Any]]:
        return self.json["diagnostics"]

    def findings(self) -> set[tuple[str, int, str]]:
        """(path, line, code) of every diagnostic of a `--format json` run."""
        return {(d["path"], d["line"], d["code"]) for d in self.diagnostics}

    def codes(self) -> list[str]:
        return [d["code"] for d in self.diagnostics]


def run_cli(args: Iterable[str], cwd: Path | None = None) -> CliResult:
    """Run `strat ARGS` through `strat.cli.main`, the real console entry point, so the
    exit code is the one a shell would see (including 2 for usage errors, which Click
    raises before any command runs). Output is captured through Click's test isolation."""
    runner = CliRunner()
    code: int | None
    previous = os.getcwd()
    with runner.isolation() as (out, err, _mixed):
        if cwd is not None:
            os.chdir(cwd)
        try:
            try:
                main(list(args))
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) or done.code is None else 2
            else:  # main() must always end with sys.exit
                code = None
        finally:
            os.chdir(previous)
            sys.stdout.flush()
            sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return CliResult(code, stdout, stderr)


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_repo(root: Path, files: Mapping[str, str | bytes] | None = None, config: str = "",
              git: bool = True) -> Path:
    """A strategy repository at `root`: `strat.yaml` (so the root is found) plus `files`
    ({repo-relative path: text or bytes}). Returns `root`.

    With `git` (the default) the folder is an empty git repository, as a user's strategy
    repo is; every file is then uncommitted, i.e. recently changed, so the git-based
    stale-goal rule (A311) has nothing to say unless a test sets that up."""
    root.mkdir(parents=True, exist_ok=True)
    if git and not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    (root / "strat.yaml").write_text(config, encoding="utf-8")
    (root / "strategy").mkdir(exist_ok=True)
    write_files(root, files or {})
    return root


def copy_base(root: Path, files: Mapping[str, str | bytes] | None = None, config: str = "",
              git: bool = True) -> Path:
    """A copy of the valid base strategy at `root`, with `files` added or replacing."""
    shutil.copytree(BASE, root, dirs_exist_ok=True)
    return make_repo(root, files, config, git)


def lint_json(root: Path, *extra: str) -> CliResult:
    """`strat lint --format json --today TODAY` on the strategy folder of the repo at `root`."""
    return run_cli(["lint", str(root / "strategy"), "--format", "json", "--today", TODAY, *extra])


def commit_all(root: Path, when: str, message: str = "strategy") -> None:
    """Stage everything and commit it, authored and committed at `when` (ISO 8601)."""
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", message], check=True, env=env)


NODE_DIR = Path(__file__).parent / "node"


def node_module(name: str) -> Path | None:
    """The folder of an npm package the suite drives for real (tests/node/package.json:
    yaml-language-server, axe-core), installed once with `npm ci` from the lock file; None
    when Node.js or npm is missing (the tests that need it then skip and say why; `.ci/run`
    installs Node.js, so CI never skips them)."""
    folder = NODE_DIR / "node_modules" / name
    if folder.is_dir():
        return folder
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True,
                   stdout=subprocess.DEVNULL, timeout=600)
    return folder if folder.is_dir() else None


# The repository's example (strategy/) lints with no error and exactly two planted
# warnings, and the docs say so: gross margin under expand-and-retain's 71% guardrail
# (A313) and support CSAT readings that stopped on 2026-11-02 (A314). Where each may be
# reported: the guardrail's entry or the breaching reading; the metric or its readings.
PLANTED = ("A313", "A314")


def _planted_lines(root: Path, path: str, keep: Callable[[str], bool]) -> set[tuple[str, int]]:
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    return {(path, i) for i, line in enumerate(lines, 1) if keep(line)}


def example_surprises(diagnostics: list[dict[str, Any]], root: Path, planted_required: bool = True) -> list[str]:
    """What a lint of the example found beyond the two planted warnings (and, when
    `planted_required`, short of them)."""
    guardrail = _planted_lines(root, "strategy/objectives/expand-and-retain.yaml",
                               lambda line: line.strip() in ("- metric: gross-margin", "min: 71"))
    breach = _planted_lines(root, "strategy/readings/gross-margin.yaml", lambda line: "value: 70." in line)
    stale = (_planted_lines(root, "strategy/metrics/support-csat.yaml", lambda line: True)
             | _planted_lines(root, "strategy/readings/support-csat.yaml", lambda line: True))
    planted = {"A313": guardrail | breach, "A314": stale}
    found = [(d["code"], d["severity"], d["path"], d["line"]) for d in diagnostics]
    surprises = [f"{code} {severity} at {path}:{line}" for code, severity, path, line in found
                 if severity != "warning" or (path, line) not in planted.get(code, set())]
    codes = sorted(code for code, *_ in found)
    if planted_required and codes != list(PLANTED):
        surprises.append(f"the planted warnings are A313 and A314 once each, not {codes}")
    return surprises


def example_text_surprises(output: str) -> list[str]:
    """The same check, coarser, on `strat lint`'s text output (an installed strat's): no
    finding but the planted warnings, and the summary says no error."""
    lines = [line for line in output.splitlines() if line.strip()]
    findings = [line for line in lines[:-1] if re.search(r": [ESRAI]\d{3} (error|warning|info) ", line)]
    surprises = [line for line in findings if not re.search(r": (A313|A314) warning ", line)]
    summary = lines[-1] if lines else ""
    if not (summary.startswith("All clear:") or re.fullmatch(r"Found [12] warnings? in .*\.", summary)):
        surprises.append(f"summary: {summary}")
    return surprises
