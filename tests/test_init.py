"""`strat init`: a new strategy repository that works at once: it lints clean, its site
builds, its CI workflow is safe for forks, and nothing that exists is overwritten."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from helpers import run_cli
from strat.editors import export_files
from strat.starter import starter_files

PROJECT = Path(__file__).resolve().parents[1]
FILES = {
    ".github/workflows/strategy.yml", ".github/workflows/strat-measure.yml", ".github/workflows/strat-digest.yml", ".gitignore", ".pre-commit-config.yaml", "README.md", "mkdocs.yml",
    "site/about.md", "strat.yaml", "strategy/strategy.yaml", "strategy/people/people.yaml",
    "strategy/departments/departments.yaml", "strategy/teams/growth.yaml", "strategy/metrics/weekly-active-teams.yaml",
    "strategy/metrics/activation-rate.yaml", "strategy/metrics/setup-tickets.yaml",
    "strategy/objectives/grow-active-teams.yaml", "strategy/plans/product-plan.yaml",
    "strategy/goals/faster-activation.yaml", "strategy/initiatives/guided-setup.yaml",
    "strategy/decisions/free-trial.yaml",
    # Editor support (tests/test_editors.py drives a real editor engine over them).
    ".vscode/settings.json", ".vscode/extensions.json", *(f"schemas/{name}" for name in export_files()),
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                          check=True, capture_output=True, text=True).stdout.strip()


def files_in(root: Path) -> set[str]:
    found = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    return {rel for rel in found if not rel.startswith(".git/")}


IDENTITY_ENV = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL",
                "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_COUNT")


def git_home(monkeypatch: pytest.MonkeyPatch, home: Path, config: str) -> None:
    """The operator's git configuration is `config` (a ~/.gitconfig), and nothing else
    names an identity: no system file, no GIT_AUTHOR_* / EMAIL in the environment."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text(config, encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in IDENTITY_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def kim(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A git identity in the operator's configuration, whatever the machine's."""
    git_home(monkeypatch, tmp_path_factory.mktemp("home"), "[user]\n\tname = Kim Example\n\temail = kim@example.com\n")


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    target = tmp_path / "acme"
    result = run_cli(["init", str(target), "--company", "Acme"])
    assert result.exit_code == 0, result.stderr
    assert f"Created a strategy repository in {target} ({len(FILES)} files)." in result.stdout
    return target


def test_init_writes_the_starter_and_a_git_repository_on_main(starter: Path) -> None:
    assert files_in(starter) == FILES
    assert (starter / ".git").is_dir()
    assert git(starter, "symbolic-ref", "--short", "HEAD") == "main"


def test_the_starter_lints_clean_with_no_finding_at_all(starter: Path) -> None:
    result = run_cli(["lint", "--format", "json"], cwd=starter)
    assert result.exit_code == 0, result.stdout
    assert result.diagnostics == []
    # Still clean committed (init committed it; A311 reads the history).
    assert git(starter, "status", "--porcelain", "--untracked-files=all") == ""
    again = run_cli(["lint", "--format", "json", "--strict"], cwd=starter)
    assert again.exit_code == 0 and again.diagnostics == []


@pytest.mark.parametrize("day", ["2027-01-31", "2028-02-29", "2026-12-15"])
def test_the_starter_lints_clean_whatever_the_day(tmp_path: Path, day: str) -> None:
    today = dt.date.fromisoformat(day)
    for rel, content in starter_files(today).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(content)
    git(tmp_path, "init", "-q")
    result = run_cli(["lint", "--format", "json", "--today", day], cwd=tmp_path)
    assert result.exit_code == 0 and result.diagnostics == [], result.stdout
    strategy = yaml.safe_load((tmp_path / "strategy/strategy.yaml").read_text())
    start = today.replace(day=1)
    assert strategy["periods"] == [{"id": "year-one", "start": start,
                                    "end": start.replace(year=start.year + 1) - dt.timedelta(days=1)}]


def test_every_token_is_replaced_and_the_company_is_quoted_safely(tmp_path: Path) -> None:
    name = 'Acme "Rockets": #1 \\ Co'
    target = tmp_path / "odd"
    assert run_cli(["init", str(target), "--company", name]).exit_code == 0
    for rel in FILES:
        assert not re.search(r"__[A-Z_]+__", (target / rel).read_text()), rel
    assert yaml.safe_load((target / "strategy/strategy.yaml").read_text())["company"] == name
    assert yaml.safe_load((target / "mkdocs.yml").read_text())["site_name"] == f"{name} strategy"
    assert run_cli(["lint"], cwd=target).exit_code == 0
    from strat import __version__

    assert f'"strategy-as-code=={__version__}"' in (target / ".github/workflows/strategy.yml").read_text()


def test_the_site_builds(starter: Path) -> None:
    from strat.cli import cli

    if "site" not in cli.commands:
        pytest.skip("`strat site` is not part of the CLI yet")
    result = run_cli(["site", "build", "--quiet"], cwd=starter)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (starter / "public/index.html").is_file()
    assert (starter / "public/goals/faster-activation/index.html").is_file()
    assert "public" not in git(starter, "status", "--porcelain", "--untracked-files=all")  # git-ignored


def test_existing_files_are_never_overwritten(starter: Path) -> None:
    (starter / "strat.yaml").write_text("# mine\n")
    result = run_cli(["init", str(starter)])
    assert result.exit_code == 2
    assert "these files already exist" in result.stderr and "strat.yaml" in result.stderr
    assert "--force" in result.stderr
    assert (starter / "strat.yaml").read_text() == "# mine\n"


def test_force_replaces_them(starter: Path) -> None:
    (starter / "strat.yaml").write_text("# mine\n")
    result = run_cli(["init", str(starter), "--force"])
    assert result.exit_code == 0
    assert f"{len(FILES)} replaced" in result.stdout
    assert "# strat configuration." in (starter / "strat.yaml").read_text()


def test_an_existing_strategy_is_not_mixed_with_the_example(tmp_path: Path) -> None:
    (tmp_path / "strategy/goals").mkdir(parents=True)
    (tmp_path / "strategy/goals/mine.yaml").write_text("kind: Goal\n")
    result = run_cli(["init", str(tmp_path)])
    assert result.exit_code == 2
    assert "already holds a strategy (1 YAML files)" in result.stderr
    assert files_in(tmp_path) == {"strategy/goals/mine.yaml"}


def test_a_folder_where_a_file_goes_is_refused_even_with_force(tmp_path: Path) -> None:
    (tmp_path / "strat.yaml").mkdir()
    result = run_cli(["init", str(tmp_path), "--force"])
    assert result.exit_code == 2 and "folders" in result.stderr
    assert not (tmp_path / "strategy").exists()


def test_init_here_inside_an_existing_git_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "sub").mkdir()
    result = run_cli(["init"], cwd=tmp_path / "sub")
    assert result.exit_code == 0
    assert not (tmp_path / "sub/.git").exists()  # no repository inside the repository
    assert "Initialised a git repository" not in result.stdout
    assert "Inside an existing git repository: nothing committed" in result.stdout
    assert subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "--verify", "-q", "HEAD"],
                          capture_output=True).returncode != 0  # no commit made
    assert git(tmp_path, "diff", "--cached", "--name-only") == ""  # nothing staged either
    assert (tmp_path / "sub/strategy/strategy.yaml").is_file()
    assert run_cli(["lint"], cwd=tmp_path / "sub").exit_code == 0


def test_the_ci_workflow_is_safe_for_forks(starter: Path) -> None:
    from strat import __version__

    workflow = yaml.safe_load((starter / ".github/workflows/strategy.yml").read_text())
    on = workflow.get("on", workflow.get(True))
    assert set(on) == {"pull_request", "push"} and on["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {}
    lint, site = workflow["jobs"]["lint"], workflow["jobs"]["site"]
    for job in (lint, site):
        assert job["timeout-minutes"]
        checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}
        for step in job["steps"]:
            assert "${{" not in step.get("run", "")
    runs = [s.get("run", "") for s in lint["steps"]]
    assert any(r.startswith("python -m pip install") and f'"strategy-as-code=={__version__}"' in r for r in runs)
    assert "strat lint --format github" in runs
    diff = next(s for s in lint["steps"] if "strat diff" in s.get("run", ""))
    assert diff["if"] == "github.event_name == 'pull_request'"
    assert diff["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    assert diff["run"] == 'strat diff "$BASE_SHA" HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"'
    assert lint["permissions"] == {"contents": "read"}
    assert site["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert site["needs"] == "lint"
    assert site["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert any("strat site build" in s.get("run", "") for s in site["steps"])


def test_the_measure_workflow_keeps_the_secret_and_the_write_token_apart(starter: Path) -> None:
    """The scheduled `strat measure`: the job that reads the warehouse's secret (through
    the environment `metrics`) can only read the repository; the job that pushes the one
    branch and opens the pull request never sees the secret."""
    from strat import __version__

    workflow = yaml.safe_load((starter / ".github/workflows/strat-measure.yml").read_text())
    on = workflow.get("on", workflow.get(True))
    assert set(on) == {"schedule", "workflow_dispatch"} and len(on["schedule"]) == 1
    assert workflow["permissions"] == {}
    assert workflow["concurrency"] == {"group": "strat-measure", "cancel-in-progress": False}
    measure, pull = workflow["jobs"]["measure"], workflow["jobs"]["pull-request"]
    assert measure["environment"] == "metrics" and "environment" not in pull
    assert measure["permissions"] == {"contents": "read"}
    assert pull["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert pull["needs"] == "measure"
    text = (starter / ".github/workflows/strat-measure.yml").read_text()
    assert text.count("secrets.") == 1
    for job in (measure, pull):
        assert job["timeout-minutes"]
        checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout["with"]["persist-credentials"] is False
        for step in job["steps"]:
            assert "${{" not in step.get("run", "")
            assert "secrets." not in str(step.get("env", {})) or job is measure
    runs = "\n".join(s.get("run", "") for s in measure["steps"])
    assert f'"strategy-as-code[duckdb]=={__version__}"' in runs
    assert "strat measure --format markdown" in runs
    push = "\n".join(s.get("run", "") for s in pull["steps"])
    assert "HEAD:refs/heads/strat/measure" in push and "gh pr create" in push and "gh pr edit" in push


def test_the_digest_workflow_writes_one_issue_with_least_permissions(starter: Path) -> None:
    """The weekly `strat digest`: one job that reads the repository and writes issues, no
    token left by the checkout, no expression in a script; and the command it runs works on
    the starter as written."""
    import shlex

    workflow = yaml.safe_load((starter / ".github/workflows/strat-digest.yml").read_text())
    on = workflow.get("on", workflow.get(True))
    assert set(on) == {"schedule", "workflow_dispatch"} and len(on["schedule"]) == 1
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"} and job["timeout-minutes"]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False and checkout["with"]["fetch-depth"] == 0
    for step in job["steps"]:
        assert "${{" not in step.get("run", "")
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step.get("uses", "a/b@" + "0" * 40))
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert "gh issue create" in runs and "gh issue edit" in runs
    (line,) = [x.strip() for x in runs.splitlines() if x.strip().startswith("strat digest")]
    args = shlex.split(line.split(">")[0].replace('"$(date -u -d \'7 days ago\' +%F)"', "2026-11-30"))
    result = run_cli(args[1:], cwd=starter)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# strat digest")


def test_the_diff_step_runs_on_a_real_pull_request_history(starter: Path) -> None:
    """What the workflow's diff step runs, on a branch that changes a goal's target."""
    base = git(starter, "rev-parse", "HEAD")  # init's own commit
    goal = starter / "strategy/goals/faster-activation.yaml"
    goal.write_text(goal.read_text().replace("target: 0.40", "target: 0.45"))
    git(starter, "commit", "-q", "-am", "Raise the bar")
    result = run_cli(["diff", base, "HEAD", "--format", "markdown"], cwd=starter)
    assert result.exit_code == 0, result.stderr
    assert "faster-activation" in result.stdout and "0.45" in result.stdout


def test_the_pre_commit_config_runs_strat_lint_locally(starter: Path) -> None:
    config = yaml.safe_load((starter / ".pre-commit-config.yaml").read_text())
    [repo] = config["repos"]
    assert repo["repo"] == "local"
    [hook] = repo["hooks"]
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "strat-lint", "strat lint", "system", False)
    files = re.compile(hook["files"])
    assert files.search("strategy/goals/a.yaml") and files.search("strat.yaml")
    assert not files.search("README.md") and not files.search("mkdocs.yml")
    clientlib = pytest.importorskip("pre_commit.clientlib")
    clientlib.load_config(str(starter / ".pre-commit-config.yaml"))


def test_help_has_an_example() -> None:
    result = run_cli(["init", "--help"])
    assert result.exit_code == 0 and "strat init acme-strategy" in result.stdout


def test_the_wheel_ships_the_templates(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(PROJECT)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [wheel] = tmp_path.glob("strategy_as_code-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"strat/templates/init/{rel}" for rel in FILES if not rel.startswith("schemas/")} <= names


# --- the first commit -------------------------------------------------------------------


def test_init_commits_every_file_it_wrote_as_the_git_user(starter: Path) -> None:
    assert git(starter, "log", "--format=%an <%ae>|%cn <%ce>|%s") == \
        "Kim Example <kim@example.com>|Kim Example <kim@example.com>|Starter strategy"
    assert set(git(starter, "ls-tree", "-r", "--name-only", "HEAD").splitlines()) == FILES
    assert git(starter, "status", "--porcelain", "--untracked-files=all") == ""


def test_init_says_what_it_committed(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path / "acme")])
    assert result.exit_code == 0, result.stderr
    sha = git(tmp_path / "acme", "rev-parse", "--short=7", "HEAD")
    assert f'Committed the starter: {sha} "Starter strategy" by Kim Example <kim@example.com>.' in result.stdout


def test_strat_diff_head_works_on_a_new_starter(starter: Path) -> None:
    result = run_cli(["diff", "HEAD"], cwd=starter)
    assert result.exit_code == 0, result.stderr
    assert "no entity changed" in result.stdout
    goal = starter / "strategy/goals/faster-activation.yaml"
    goal.write_text(goal.read_text().replace("target: 0.40", "target: 0.45"))
    changed = run_cli(["diff", "HEAD"], cwd=starter)
    assert changed.exit_code == 0, changed.stderr
    assert "faster-activation" in changed.stdout and "0.45" in changed.stdout


def test_the_stale_goal_rule_reads_the_starters_history(starter: Path) -> None:
    """A311 needs commits: with the starter committed today, its goal is stale 90 days on
    (uncommitted files count as just changed, so nothing was ever stale before)."""
    later = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    result = run_cli(["lint", "--format", "json", "--today", later], cwd=starter)
    assert ("strategy/goals/faster-activation.yaml", "A311") in {(d["path"], d["code"]) for d in result.diagnostics}


@pytest.mark.parametrize(("config", "missing"), [
    ("", ("user.name", "user.email")),
    ("[user]\n\tname = Kim Example\n", ("user.email",)),
    ("[user]\n\temail = kim@example.com\n", ("user.name",)),
])
def test_without_a_git_identity_nothing_is_invented(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                     config: str, missing: tuple[str, ...]) -> None:
    """No identity (or half of one): no commit, exit 0, and the one command that sets what
    is missing and commits the staged starter; that command, run as printed, works."""
    home = tmp_path / "home"
    git_home(monkeypatch, home, config)
    target = tmp_path / "new strategy's"  # a name the printed command must quote
    result = run_cli(["init", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "Committed" not in result.stdout
    assert subprocess.run(["git", "-C", str(target), "rev-parse", "--verify", "-q", "HEAD"],
                          capture_output=True).returncode != 0
    assert f"git does not know who you are ({' and '.join(missing)} not set)" in result.stderr
    [command] = [line.strip() for line in result.stderr.splitlines() if line.startswith("  git ")]
    assert command.endswith("commit -m 'Starter strategy'")
    for key in ("user.name", "user.email"):
        assert (f"git config --global {key} " in command) == (key in missing)
    subprocess.run(["bash", "-c", command], check=True, capture_output=True)
    assert set(git(target, "ls-tree", "-r", "--name-only", "HEAD").splitlines()) == FILES
    log = git(target, "log", "--format=%an <%ae>|%s")
    name = "Your Name" if "user.name" in missing else "Kim Example"
    email = "you@example.com" if "user.email" in missing else "kim@example.com"
    assert log == f"{name} <{email}>|Starter strategy"


@pytest.mark.parametrize("where", ["hooks/pre-commit", "my-hooks/pre-commit"])
def test_a_leftover_git_folder_is_never_committed_in(tmp_path: Path, where: str) -> None:
    """A `.git` that git does not read as a repository (an unpacked archive, say: no HEAD)
    keeps its hooks and settings through git init: committing there would run them."""
    target = tmp_path / "unpacked"
    marker = tmp_path / "hook-ran"
    hook = target / ".git" / where
    hook.parent.mkdir(parents=True)
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\n")
    hook.chmod(0o755)
    if where.startswith("my-hooks"):
        (target / ".git/config").write_text(f"[core]\n\thooksPath = {hook.parent}\n")
    result = run_cli(["init", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "nothing committed: the folder already had a .git that was not a repository" in result.stderr
    assert "Committed" not in result.stdout
    assert not marker.exists()
    assert subprocess.run(["git", "-C", str(target), "rev-parse", "--verify", "-q", "HEAD"],
                          capture_output=True).returncode != 0
