"""Fixtures: run the CLI in-process with its real exit codes, and build strategy repos."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

import pytest

import helpers

if TYPE_CHECKING:
    import pgserver


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


@pytest.fixture(scope="session")
def pg_server() -> Iterator["pgserver.Server"]:
    """A throwaway PostgreSQL cluster for the session (tests/pgserver.py), stopped and removed at
    the end even when tests fail. Skips, saying why, when no PostgreSQL binaries exist; under CI
    (`CI` set) that is a failure, since `.ci/run` installs them."""
    import pgserver

    try:
        server = pgserver.start()
    except pgserver.Unavailable as why:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests cannot run under CI: {why}")
        pytest.skip(str(why))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True, scope="session")
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CLI's lint cache (strat.cache) goes to a folder of the test session, never the
    user's cache folder (`strat cache clear` in a --help example would empty it)."""
    old = os.environ.get("STRAT_CACHE_DIR")
    os.environ["STRAT_CACHE_DIR"] = str(tmp_path_factory.mktemp("strat-cache"))
    yield
    if old is None:
        os.environ.pop("STRAT_CACHE_DIR", None)
    else:
        os.environ["STRAT_CACHE_DIR"] = old
