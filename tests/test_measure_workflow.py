"""The starter's scheduled `strat measure` workflow, its scripts run for real: the
`measure` job's steps in a clone of a repository made by `strat init` (a metric with a
query on a CSV of the repository, through DuckDB), the patch handed over as the artifact
is, then the `pull-request` job's script in a second clone, pushing to a bare repository
that stands for GitHub. The one thing that is not real is `gh`, which would talk to
GitHub's API: a stand-in on PATH records its arguments and answers `gh pr list` as
GitHub would (no pull request open, then #7).

What is checked: one branch, `strat/measure`, holds the new readings on top of main; the
first run opens the pull request with strat's Markdown report as its body, a later run
replaces the branch (main plus everything not merged) and edits that pull request instead
of opening another; nothing new means no push and no `gh` call; a metric that fails still
lets the others' readings through, then fails the job."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from helpers import run_cli
from test_walkthrough import strat_bin

pytest.importorskip("duckdb")

TODAY = dt.date.today()
GH = """#!/bin/sh
# A stand-in for GitHub's CLI: records its arguments, answers `gh pr list`.
printf '%s\\n' "$*" >> "$GH_LOG"
case "$1 $2" in
  "pr list") cat "$GH_OPEN" 2>/dev/null ;;
esac
exit 0
"""


def steps(job: str) -> dict[str, dict]:
    root = Path(__file__).resolve().parents[1]
    workflow = yaml.safe_load((root / "cli/strat/templates/init/.github/workflows/strat-measure.yml").read_text())
    return {step.get("name", step.get("uses", "")): step for step in workflow["jobs"][job]["steps"]}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    bin_dir = strat_bin()
    if bin_dir is None:
        pytest.skip("no strat executable")
    home = tmp_path / "home"
    home.mkdir()
    for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    (home / ".gitconfig").write_text("[user]\n\tname = Kim\n\temail = kim@example.com\n[init]\n\tdefaultBranch = main\n"
                                     "[commit]\n\tgpgsign = false\n")
    starter = tmp_path / "starter"
    assert run_cli(["init", str(starter)]).exit_code == 0
    metric = starter / "strategy/metrics/weekly-active-teams.yaml"
    metric.write_text(metric.read_text() + "query:\n  sql: |\n    SELECT date, value FROM read_csv('data/teams.csv')\n"
                      "    WHERE date BETWEEN :start AND :end ORDER BY date\n")
    (starter / "strat.yaml").write_text((starter / "strat.yaml").read_text()
                                        + 'connections:\n  default: {url: "duckdb:///:memory:"}\n')
    (starter / "data").mkdir()
    write_data(starter, [(TODAY - dt.timedelta(days=14), 1180), (TODAY - dt.timedelta(days=7), 1210)])
    git(starter, "add", "-A")
    git(starter, "commit", "-q", "-m", "Measure weekly active teams")
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(starter), str(origin)], check=True)
    gh_dir = tmp_path / "gh-bin"
    gh_dir.mkdir()
    (gh_dir / "gh").write_text(GH)
    (gh_dir / "gh").chmod(0o755)
    return {"tmp": tmp_path, "origin": origin, "bin": bin_dir, "gh": gh_dir, "starter": starter}


def write_data(root: Path, rows: list[tuple[dt.date, int]]) -> None:
    (root / "data/teams.csv").write_text("date,value\n" + "".join(f"{d.isoformat()},{v}\n" for d, v in rows))


def push_data(world: dict[str, Path], rows: list[tuple[dt.date, int]]) -> None:
    """The warehouse moves on: main gains data (the CSV stands for the warehouse here)."""
    starter = world["starter"]
    git(starter, "pull", "-q", str(world["origin"]), "main")
    write_data(starter, rows)
    git(starter, "commit", "-q", "-am", "data")
    git(starter, "push", "-q", str(world["origin"]), "HEAD:main")


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # GitHub runs a `run:` script with `bash --noprofile --norc -eo pipefail`.
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def run_workflow(world: dict[str, Path], name: str, open_pr: str = "") -> tuple[subprocess.CompletedProcess[str], str]:
    """Both jobs, as the runner would: each in its own clone and its own RUNNER_TEMP."""
    tmp = world["tmp"] / name
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "GH_"))}
    base_env["PATH"] = f"{world['gh']}{os.pathsep}{world['bin']}{os.pathsep}{base_env['PATH']}"
    base_env["GH_LOG"] = str(tmp / "gh.log")
    base_env["GH_OPEN"] = str(tmp / "gh-open")
    tmp.mkdir()
    if open_pr:
        (tmp / "gh-open").write_text(open_pr + "\n")

    # Job `measure`.
    clone = tmp / "measure"
    subprocess.run(["git", "clone", "-q", str(world["origin"]), str(clone)], check=True)
    runner = tmp / "runner-measure"
    runner.mkdir()
    output = tmp / "output"
    env = {**base_env, "RUNNER_TEMP": str(runner), "GITHUB_OUTPUT": str(output),
           "STRAT_WAREHOUSE_URL": "postgresql://reader:s3cret@db.invalid/x"}
    job = steps("measure")
    for step in ("Measure", "Lint", "The new readings as a patch"):
        done = bash(job[step]["run"], clone, env)
        assert done.returncode == 0, f"{step}: {done.stdout}{done.stderr}"
        assert "s3cret" not in done.stdout + done.stderr
    status = dict(line.split("=", 1) for line in output.read_text().splitlines())["status"]

    # The artifact, then job `pull-request` in a clone of its own.
    runner = tmp / "runner-pr"
    shutil.copytree(tmp / "runner-measure" / "readings", runner / "readings")
    clone = tmp / "pull-request"
    subprocess.run(["git", "clone", "-q", str(world["origin"]), str(clone)], check=True)
    [script] = [s["run"] for s in steps("pull-request").values() if "run" in s]
    env = {**base_env, "RUNNER_TEMP": str(runner), "GH_TOKEN": "t0ken", "BASE": "main", "STATUS": status}
    done = bash(script, clone, env)
    log = (tmp / "gh.log").read_text() if (tmp / "gh.log").exists() else ""
    return done, log


def branch_file(world: dict[str, Path], rel: str) -> str:
    return git(world["origin"], "show", f"strat/measure:{rel}")


def test_one_pull_request_carries_the_readings_until_it_is_merged(world: dict[str, Path]) -> None:
    week1, week2, week3 = (TODAY - dt.timedelta(days=d) for d in (14, 7, 0))
    done, log = run_workflow(world, "day1")
    assert done.returncode == 0, done.stdout + done.stderr
    readings = "strategy/readings/weekly-active-teams.yaml"
    text = branch_file(world, readings)
    assert f"  - {{date: {week1}, value: 1180}}\n  - {{date: {week2}, value: 1210}}\n" in text
    main = git(world["origin"], "rev-parse", "main").strip()
    assert git(world["origin"], "rev-parse", "strat/measure^").strip() == main  # one commit on top of main
    assert git(world["origin"], "log", "-1", "--format=%an %s", "strat/measure").startswith(
        "strat measure Metric readings to ")
    [create] = [line for line in log.splitlines() if line.startswith("pr create")]
    assert "--base main --head strat/measure --title Metric readings to " in create
    body = Path(create.split("--body-file ")[1])
    assert body.read_text().startswith("## strat measure: 2 new readings")
    assert "weekly-active-teams" in body.read_text()

    # A week later, not merged yet: the branch is main plus all three readings, the same
    # pull request is edited.
    push_data(world, [(week1, 1180), (week2, 1210), (week3, 1236)])
    done, log = run_workflow(world, "day2", open_pr="7")
    assert done.returncode == 0, done.stdout + done.stderr
    text = branch_file(world, readings)
    assert text.count("  - {date: ") == 3 and f"  - {{date: {week3}, value: 1236}}" in text
    assert git(world["origin"], "rev-parse", "strat/measure^").strip() == git(world["origin"], "rev-parse",
                                                                               "main").strip()
    assert not [line for line in log.splitlines() if line.startswith("pr create")]
    [edit] = [line for line in log.splitlines() if line.startswith("pr edit")]
    assert edit.startswith("pr edit 7 --title Metric readings to ")


def test_nothing_new_pushes_nothing(world: dict[str, Path]) -> None:
    # Only rows from before the window (a metric with no reading looks back 365 days).
    write_data(world["starter"], [(TODAY - dt.timedelta(days=400), 900)])
    git(world["starter"], "commit", "-q", "-am", "no recent data")
    git(world["starter"], "push", "-q", str(world["origin"]), "HEAD:main")
    done, log = run_workflow(world, "quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No new readings." in done.stdout
    assert log == ""
    assert git(world["origin"], "branch", "--list", "strat/measure") == ""


def test_a_failing_metric_lets_the_others_through_then_fails_the_job(world: dict[str, Path]) -> None:
    starter = world["starter"]
    broken = starter / "strategy/metrics/setup-tickets.yaml"
    broken.write_text(broken.read_text() + "query:\n  sql: SELECT * FROM no_such_table\n")
    git(starter, "commit", "-q", "-am", "a query that fails")
    git(starter, "push", "-q", str(world["origin"]), "HEAD:main")
    done, log = run_workflow(world, "partial")
    assert done.returncode == 1
    assert "::error title=strat measure::a metric could not be measured" in done.stdout
    assert "weekly-active-teams" in branch_file(world, "strategy/readings/weekly-active-teams.yaml")
    [create] = [line for line in log.splitlines() if line.startswith("pr create")]
    body = Path(create.split("--body-file ")[1]).read_text()
    assert "### Failed" in body and "setup-tickets" in body
