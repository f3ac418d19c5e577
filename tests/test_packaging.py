"""`pip install .` (not editable) gives a working `strat` with the schemas inside the
wheel, run from outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{done.stdout}\n{done.stderr}")
    [built] = out.glob("strat-*.whl")
    return built


def test_wheel_ships_every_schema_and_module(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in (REPO / "schemas").glob("*.schema.json"):
        assert f"strat/schemas/{schema.name}" in names
    for module in ("cli.py", "load.py", "rules/a301_one_link.py", "formats/sarif.py"):
        assert f"strat/{module}" in names
    assert not any(n.startswith(("tests/", "strategy/")) for n in names)


def test_installed_wheel_works_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(REPO / "strategy", elsewhere / "strategy")
    (elsewhere / "strat.yaml").write_text("")
    subprocess.run(["git", "init", "-q", str(elsewhere)], check=True)
    # Only the installed copy may be importable: not the source tree.
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = lambda *args: subprocess.run([sys.executable, "-m", "strat", *args], cwd=elsewhere, env=env,  # noqa: E731
                                       capture_output=True, text=True)
    where = subprocess.run([sys.executable, "-c", "import strat, strat.schemas as s; print(strat.__file__, s.schema_dir())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout
    assert str(target) in where and str(REPO) not in where
    assert run("--version").stdout.startswith("strat ")
    schema = run("schema", "goal")
    assert schema.returncode == 0 and '"title": "Goal"' in schema.stdout
    lint = run("lint", "--today", "2026-11-23")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "All clear" in lint.stdout
