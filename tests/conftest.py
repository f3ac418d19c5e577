"""Fixtures: run the CLI in-process with its real exit codes, and build strategy repos."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

import pytest

import helpers


@pytest.fixture
def run_cli() -> Callable[..., helpers.CliResult]:
    """`run_cli(["lint", path, "--format", "json"], cwd=None)` → CliResult(exit_code,
    stdout, stderr), through `strat.cli.main` and its exit-code mapping."""
    return helpers.run_cli


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """`make_repo({relpath: text or bytes}, config="")` → the root of a fresh repository
    holding those files and a `strat.yaml` (empty unless `config` is given); an empty git
    repository unless `git=False`."""
    counter = iter(range(1_000_000))

    def build(files: Mapping[str, str | bytes] | None = None, config: str = "", git: bool = True) -> Path:
        return helpers.make_repo(tmp_path / f"repo{next(counter)}", files, config, git)

    return build


@pytest.fixture
def base_repo(tmp_path: Path) -> Callable[..., Path]:
    """`base_repo({relpath: text or bytes})` → a copy of tests/cases/base with those files
    added (or replacing the same paths), plus a `strat.yaml`."""
    counter = iter(range(1_000_000))

    def build(files: Mapping[str, str | bytes] | None = None, config: str = "", git: bool = True) -> Path:
        return helpers.copy_base(tmp_path / f"base{next(counter)}", files, config, git)

    return build
