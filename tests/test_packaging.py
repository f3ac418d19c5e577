"""strat is published as `strategy-as-code`: the sdist and the wheel, built as the release
workflow builds them (`python -m build`: the sdist first, then the wheel from the sdist),
hold what they must, and each installs into a fresh virtual environment outside the
repository and works there, with its dependencies from the package index.

The fresh-environment tests are slow (a virtual environment and a `pip install` with every
dependency, about half a minute each) and need the package index. They are skipped only
when asked: `STRAT_TEST_SKIP_FRESH_VENV=1`. Without the index they fail, they do not skip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from helpers import example_text_surprises

REPO = Path(__file__).resolve().parents[1]
DIST = "strategy-as-code"  # the name on the package index (SPEC, "Distribution")
STEM = "strategy_as_code"  # the same, as file names spell it
BUILD = "build==1.6.1"  # the builder the release workflow pins
SKIP_VAR = "STRAT_TEST_SKIP_FRESH_VENV"
TODAY = "2026-11-23"


def _version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"$', (REPO / "cli/strat/__init__.py").read_text(), re.M)
    assert match
    return match.group(1)


VERSION = _version()


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: nothing that points Python at this checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(GIT_AUTHOR_NAME="Kim Example", GIT_AUTHOR_EMAIL="kim@example.com",
               GIT_COMMITTER_NAME="Kim Example", GIT_COMMITTER_EMAIL="kim@example.com", **extra)
    return env


def _run(args: list[str | Path], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=_clean_env(**extra), capture_output=True, text=True,
                          timeout=600)


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _outside_repo(path: Path) -> Path:
    assert not path.resolve().is_relative_to(REPO) and not REPO.is_relative_to(path.resolve()), path
    return path


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{"sdist": …tar.gz, "wheel": …whl}, built once per session with `python -m build`
    from a throw-away environment holding only the builder (hatchling comes from the
    index into build's own isolated environment, as in the release workflow)."""
    root = _outside_repo(tmp_path_factory.mktemp("dists"))
    _ok(_run([sys.executable, "-m", "venv", root / "builder"], root))
    _ok(_run([root / "builder/bin/python", "-m", "pip", "install", "-q", BUILD], root))
    _ok(_run([root / "builder/bin/python", "-m", "build", "--outdir", root / "out", REPO], root))
    built = sorted(p.name for p in (root / "out").iterdir())
    assert built == [f"{STEM}-{VERSION}-py3-none-any.whl", f"{STEM}-{VERSION}.tar.gz"], built
    return {"sdist": root / "out" / built[1], "wheel": root / "out" / built[0]}


# --- what the distributions hold ----------------------------------------------------------------

def test_the_project_is_named_for_the_index() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["name"] == DIST
    assert project["scripts"] == {"strat": "strat.cli:main"}
    # This test builds with the builder the release workflow runs, and the same way.
    release = (REPO / ".github/workflows/release.yml").read_text(encoding="utf-8")
    assert f'"{BUILD}"' in release and "python -m build --outdir dist" in release


def test_the_wheel_ships_every_schema_and_module(dists: dict[str, Path]) -> None:
    wheel = zipfile.ZipFile(dists["wheel"])
    names = set(wheel.namelist())
    schemas = sorted(p.name for p in (REPO / "schemas").glob("*.json"))
    assert schemas and {f"strat/schemas/{name}" for name in schemas} <= names
    sources = {str(p.relative_to(REPO / "cli")) for p in (REPO / "cli/strat").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert sources <= names, sorted(sources - names)
    assert not any(n.startswith(("tests/", "strategy/", "site/", "cli/")) for n in names)
    info = f"{STEM}-{VERSION}.dist-info"
    metadata = wheel.read(f"{info}/METADATA").decode()
    assert f"\nName: {DIST}\n" in metadata and f"\nVersion: {VERSION}\n" in metadata
    assert "[console_scripts]\nstrat = strat.cli:main" in wheel.read(f"{info}/entry_points.txt").decode()
    # The licence travels with the wheel (`license = "MIT"` in pyproject.toml names it; the file is its text).
    assert "\nLicense-Expression: MIT\n" in metadata and "MIT License" in wheel.read(f"{info}/licenses/LICENSE").decode()


def test_the_sdist_holds_what_a_build_needs(dists: dict[str, Path]) -> None:
    top = f"{STEM}-{VERSION}"
    with tarfile.open(dists["sdist"]) as sdist:
        names = {n.removeprefix(f"{top}/") for n in sdist.getnames()}
        pkg_info = sdist.extractfile(f"{top}/PKG-INFO")
        assert pkg_info is not None
        metadata = pkg_info.read().decode()
    for needed in ("PKG-INFO", "pyproject.toml", "README.md", "LICENSE", "cli/strat/__init__.py", "cli/strat/site/strat.css",
                   "cli/strat/templates/init/strat.yaml", *(f"schemas/{p.name}" for p in (REPO / "schemas").glob("*"))):
        assert needed in names, needed
    assert f"\nName: {DIST}\n" in metadata and f"\nVersion: {VERSION}\n" in metadata
    # The README is the project's page on the index.
    assert "Description-Content-Type: text/markdown" in metadata and "# strat — strategy as code" in metadata
    stray = [n for n in names if n.split("/")[0] in (".venv", ".git", "node_modules", "bench", "public", "strategy")
             or "/node_modules/" in n or "__pycache__" in n]
    assert not stray, stray


def test_installed_wheel_works_with_a_target_folder(dists: dict[str, Path], tmp_path: Path) -> None:
    """The quick check, no index needed: the wheel alone in a folder on PYTHONPATH, with
    this environment's dependencies."""
    target = tmp_path / "site-packages"
    _ok(_run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", target, dists["wheel"]], tmp_path))
    elsewhere = _example_copy(tmp_path / "elsewhere")
    env = {"PYTHONPATH": str(target)}
    where = _ok(_run([sys.executable, "-c", "import strat, strat.schemas as s; print(strat.__file__, s.schema_dir())"],
                     elsewhere, **env))
    assert str(target) in where and str(REPO) not in where
    assert _ok(_run([sys.executable, "-m", "strat", "--version"], elsewhere, **env)) == f"strat {VERSION}\n"
    # The example lints with no error; its only findings are its two planted warnings.
    assert example_text_surprises(_ok(_run([sys.executable, "-m", "strat", "lint", "--today", TODAY],
                                           elsewhere, **env))) == []


# --- a fresh virtual environment, as a user installs it -----------------------------------------

def _example_copy(where: Path) -> Path:
    """The repository's example strategy, alone in a new git repository."""
    shutil.copytree(REPO / "strategy", where / "strategy")
    (where / "strat.yaml").write_text("")
    _ok(_run(["git", "init", "-q", where], where))
    return where


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_installs_into_a_fresh_venv_and_works_outside_the_repository(
        kind: str, dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> None:
    if os.environ.get(SKIP_VAR) == "1":
        pytest.skip(f"{SKIP_VAR}=1: fresh-environment install of the {kind} not tested")
    home = _outside_repo(tmp_path_factory.mktemp(f"fresh-{kind}"))
    venv = home / "venv"
    _ok(_run([sys.executable, "-m", "venv", venv], home))
    python, strat = venv / "bin/python", venv / "bin/strat"
    # Dependencies come from the index; an sdist is built into a wheel on the way.
    _ok(_run([python, "-m", "pip", "install", "-q", dists[kind]], home))
    _ok(_run([python, "-m", "pip", "check"], home))

    # The distribution's version is strat's, and strat is imported from the environment.
    probe = ("import importlib.metadata as m, json, strat, strat.schemas as s; "
             f"print(json.dumps([m.version({DIST!r}), strat.__version__, strat.__file__, str(s.schema_dir())]))")
    dist_version, version, module, schemas = json.loads(_ok(_run([python, "-c", probe], home)))
    assert dist_version == version == VERSION
    for path in (module, schemas):
        assert Path(path).is_relative_to(venv) and not Path(path).is_relative_to(REPO), path

    assert _ok(_run([strat, "--version"], home)) == f"strat {VERSION}\n"
    schema = json.loads(_ok(_run([strat, "schema", "goal"], home)))
    assert schema["title"] == "Goal" and "outcome" in schema["properties"]

    example = _example_copy(home / "example")
    assert example_text_surprises(_ok(_run([strat, "lint", "--today", TODAY], example))) == []
    # The site's theme files and the starter's templates are inside the distribution too.
    _ok(_run([strat, "site", "build", "--today", TODAY], example))
    assert "<svg" in (example / "public" / "index.html").read_text(encoding="utf-8")
    _ok(_run([strat, "init", "acme", "--company", "Acme"], home))
    assert "All clear" in _ok(_run([strat, "lint"], home / "acme"))


# --- every install instruction names the distribution -------------------------------------------

INSTALL = re.compile(r"\b(?:pipx|uv tool|uv pip|pip)\s+install\b(?P<args>.*)")
TEXT = (".md", ".yml", ".yaml", ".toml", ".py", ".txt", ".html", ".sh", "")


def _workflow_lines(rel: str, lines: list[str]) -> set[int]:
    """Lines of GitHub Actions workflows: checked line by line against the exact version
    by tests/test_workflows_lint.py, so not here."""
    if rel == "action.yml" or "/.github/workflows/" in f"/{rel}":
        return set(range(len(lines)))
    inside, fence, found = False, "", set()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not inside and stripped.startswith(("```yaml", "```yml")):
            inside, fence = True, stripped[:3]
        elif inside and stripped == fence:
            inside = False
        elif inside:
            found.add(i)
    return found


def install_lines_naming_strat(rel: str, text: str) -> list[str]:
    """`file:line: text` of every install command in the file that installs the
    distribution called `strat` (somebody else's project on the index)."""
    lines = text.splitlines()
    skip = _workflow_lines(rel, lines)
    found = []
    for i, line in enumerate(lines):
        match = INSTALL.search(line)
        if i in skip or not match:
            continue
        for arg in match.group("args").split():
            arg = arg.strip("\"'`")
            if arg.startswith("#"):
                break
            name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", arg)
            if not arg.startswith("-") and name and name.group(0).lower() == "strat":
                found.append(f"{rel}:{i + 1}: {line.strip()}")
    return found


def test_every_install_instruction_names_strategy_as_code() -> None:
    tracked = _ok(subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True)).split("\0")
    # Every tracked text file but the tests, which quote wrong lines on purpose.
    files = [name for name in tracked if name and not name.startswith("tests/") and Path(name).suffix in TEXT
             and (REPO / name).is_file()]
    assert "site/guide/getting-started.md" in files and "README.md" in files
    wrong = [hit for name in files for hit in install_lines_naming_strat(name, (REPO / name).read_text(encoding="utf-8", errors="replace"))]
    assert not wrong, "install `strategy-as-code`, not `strat` (another project):\n" + "\n".join(wrong)
    page = (REPO / "site/guide/getting-started.md").read_text(encoding="utf-8")
    assert "$ pip install strategy-as-code\n" in page and "pipx install strategy-as-code" in page
    assert "pip install strategy-as-code" in (REPO / "cli/strat/templates/init/README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("line", "wrong"), [
    ("$ pip install strat", True),
    ('run: python -m pip install "strat==0.1.0"', True),
    ("pipx install strat  # the command", True),
    ("pip install -U 'strat[test]'", True),
    ("uv tool install strat@0.1.0", True),
    ("$ pip install strategy-as-code", False),
    ("pip install 'strategy-as-code==0.1.0'", False),
    ("pip install -e '.[test]'  # strat from this clone", False),
    ("pip install pre-commit && pre-commit install", False),
    ("pip install stratagem", False),
])
def test_the_install_line_check_tells_the_names_apart(line: str, wrong: bool) -> None:
    page = f"text\n{line}\n```yaml\n{line}\n```\n"
    assert len(install_lines_naming_strat("guide.md", page)) == (1 if wrong else 0)
    assert install_lines_naming_strat(".github/workflows/ci.yml", line) == []


# --- the lowest versions pyproject.toml allows (.ci/lowest.py, run by .ci/run) -----------------

def _lowest_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_lowest", REPO / ".ci" / "lowest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lowest_pins_every_direct_dependency_at_its_bound() -> None:
    done = _ok(subprocess.run([sys.executable, str(REPO / ".ci" / "lowest.py")], cwd=REPO, capture_output=True,
                              text=True))
    lines = done.splitlines()
    assert lines[0] == "-e ."
    pins = dict(line.split("==") for line in lines[1:])
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    left_out = set(_lowest_module().LEFT_OUT)
    for requirement in project["dependencies"] + project["optional-dependencies"]["test"]:
        name = re.split(r"[^A-Za-z0-9._-]", requirement, maxsplit=1)[0]
        if name in left_out:
            assert name not in pins
            continue
        bound = re.search(r"(?:>=|==)([0-9][\w.]*)", requirement)
        assert bound and pins[name] == bound.group(1), requirement
    assert pins["PyYAML"] and pins["click"] and pins["mkdocs"] == "1.6"


@pytest.mark.parametrize(("requirement", "pin"), [
    ("mkdocs>=1.6,<2", "mkdocs==1.6"),
    ("mkdocs<2,>=1.6", "mkdocs==1.6"),
    ("ruamel.yaml>=0.18", "ruamel.yaml==0.18"),
    ("pkg[extra] >= 1.2.3 ; python_version >= '3.11'", "pkg==1.2.3"),
    ("mypy==2.4.1", "mypy==2.4.1"),
    ("anything", None),
    ("capped<2", None),
    ("compatible~=1.4", None),
    ("bumped>1.0", None),
])
def test_lowest_reads_bounds_and_refuses_a_dependency_without_one(requirement: str, pin: str | None) -> None:
    lowest = _lowest_module().lowest
    if pin is None:
        with pytest.raises(SystemExit, match="names no lowest version"):
            lowest([requirement])
    else:
        assert lowest([requirement]) == [pin]
