"""strat where it meets other tools: the composite GitHub Action (`action.yml`), the CI
workflows we publish (the "Use in CI" page, `strat init`'s starter), and the pre-commit
hook (`.pre-commit-hooks.yaml`), run for real with `pre-commit try-repo`.

The workflow checks are the safety properties a workflow needs when pull requests come
from forks: no `${{ }}` expression inside a `run:` script (it is pasted into the script
before the shell reads it, so a crafted branch name or input would run as code), inputs
reaching the shell only through `env:`, `pull_request` rather than `pull_request_target`,
no permission by default (`permissions: {}`, each job naming the least it needs), no
persisted checkout credentials, and a timeout on every job. zizmor and actionlint run on
the same files in tests/test_workflows_lint.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

import helpers
from test_cases import build_case

PROJECT = Path(__file__).resolve().parents[1]
ACTION = PROJECT / "action.yml"
HOOKS = PROJECT / ".pre-commit-hooks.yaml"
USE_IN_CI = PROJECT / "site" / "use-in-ci.md"
ACTION_REPO = "strat-dev/strat"  # how the docs refer to this action: `uses: strat-dev/strat@<ref>`

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(key path, text) of every string in a parsed YAML tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, (*path, i))
    elif isinstance(node, str):
        yield path, node


def triggers(workflow: dict) -> set[str]:
    # PyYAML reads the key `on` as the YAML 1.1 boolean true.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on}
    return set(on or ())


def _condition(text: Any) -> str:
    text = str(text or "")
    match = re.fullmatch(r"\s*\$\{\{(.*)\}\}\s*", text, re.S)
    return " ".join((match.group(1) if match else text).replace('"', "'").split())


def only_on_push_to_main(job: dict) -> bool:
    cond = _condition(job.get("if"))
    return "github.event_name == 'push'" in cond and "github.ref == 'refs/heads/main'" in cond and "||" not in cond


def skips_forks(job: dict) -> bool:
    cond = _condition(job.get("if"))
    return "github.event.pull_request.head.repo.full_name == github.repository" in cond or only_on_push_to_main(job)


def runs_strat(job: dict) -> bool:
    return any(str(step.get("uses", "")).startswith(f"{ACTION_REPO}@")
               or re.search(r"(^|[\s;&|(])strat\s", str(step.get("run", ""))) for step in job.get("steps", []))


PULL_REQUEST_EVENTS = {"pull_request", "pull_request_target", "workflow_run"}


def workflow_problems(workflow: dict) -> list[str]:
    """What makes a workflow unsafe for pull requests from forks, in words (empty: safe)."""
    problems = []
    events = triggers(workflow)
    for event in ("pull_request_target", "workflow_run"):
        if event in events:
            problems.append(f"triggered by {event}: it runs with a write token on code a fork controls")
    if workflow.get("permissions") != {}:
        problems.append(f"top-level permissions must be `{{}}` (each job names its own), not {workflow.get('permissions')!r}")
    for job_id, job in (workflow.get("jobs") or {}).items():
        where = f"job {job_id}"
        if "timeout-minutes" not in job:
            problems.append(f"{where}: no timeout-minutes")
        if "permissions" not in job:
            problems.append(f"{where}: no permissions of its own")
        perms = job.get("permissions", {})
        if isinstance(perms, str):
            writes = {"*"} if perms == "write-all" else set()
        else:
            writes = {scope for scope, level in perms.items() if level == "write"}
        # A workflow that pull requests cannot start (a release on a tag, a schedule) may
        # write; one that they can, only in jobs that run on a push to main.
        if writes - {"security-events"} and events & PULL_REQUEST_EVENTS and not only_on_push_to_main(job):
            problems.append(f"{where}: {sorted(writes)} write permission on events other than a push to main")
        if "security-events" in writes and "pull_request" in events and not skips_forks(job):
            problems.append(f"{where}: security-events: write on pull requests without skipping forks")
        for i, step in enumerate(job.get("steps") or []):
            at = f"{where}, step {step.get('name') or step.get('id') or i}"
            if "${{" in str(step.get("run", "")):
                problems.append(f"{at}: `${{{{` inside run: pass the value through env")
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                options = step.get("with") or {}
                if options.get("persist-credentials") is not False:
                    problems.append(f"{at}: actions/checkout without persist-credentials: false")
                if runs_strat(job) and str(options.get("fetch-depth")) != "0":
                    problems.append(f"{at}: strat reads git history (diff, A311, site): fetch-depth: 0")
    return problems


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```ya?ml\n(.*?)^```", markdown, re.S | re.M)


def docs_workflow() -> dict:
    workflows = [doc for doc in map(yaml.safe_load, yaml_blocks(USE_IN_CI.read_text(encoding="utf-8")))
                 if isinstance(doc, dict) and "jobs" in doc]
    assert len(workflows) == 1, "the Use in CI page should show one complete workflow"
    return workflows[0]


def shipped_workflow_files() -> list[Path]:
    """Workflow files in this repository: its own, and templates shipped in the package
    (the `strat init` starter), recognised by a top-level `jobs:` key."""
    candidates = list((PROJECT / ".github" / "workflows").glob("*.y*ml"))
    candidates += [p for p in (PROJECT / "cli").rglob("*") if p.is_file() and re.search(r"\.ya?ml", p.name)]
    return sorted(p for p in candidates if re.search(r"^jobs:", p.read_text(encoding="utf-8", errors="replace"), re.M))


# --- the workflow checker itself --------------------------------------------------------

UNSAFE = """
on: [pull_request_target]
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    permissions: {contents: write}
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
      - uses: strat-dev/strat@v1
  scan:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    permissions: {security-events: write}
    steps: []
"""


def test_workflow_checker_catches_each_unsafe_pattern() -> None:
    problems = "\n".join(workflow_problems(yaml.safe_load(UNSAFE)))
    for expected in ("pull_request_target", "top-level permissions", "job build: no timeout-minutes",
                     "['contents'] write permission", "`${{` inside run", "persist-credentials",
                     "fetch-depth"):
        assert expected in problems, problems
    assert "job scan" not in problems  # no pull_request trigger there, so no fork guard needed
    on_pr = yaml.safe_load(UNSAFE.replace("[pull_request_target]", "[pull_request]"))
    assert any("without skipping forks" in p for p in workflow_problems(on_pr))
    # A workflow that no pull request can start (a release on a tag) may write.
    on_tag = yaml.safe_load(UNSAFE.replace("[pull_request_target]", "{push: {tags: ['v*']}}"))
    assert not any("write permission" in p for p in workflow_problems(on_tag))


# --- action.yml -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def action() -> dict:
    return load_yaml(ACTION)


def test_action_is_composite_with_the_documented_inputs(action: dict) -> None:
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    defaults = {name: spec.get("default") for name, spec in inputs.items()}
    assert {"path": "strategy", "format": "github", "strict": "false", "diff": "true"}.items() <= defaults.items()
    assert "python-version" in inputs
    for name, spec in inputs.items():
        assert spec.get("description"), f"input {name} has no description"
        assert spec.get("required", False) is False, f"input {name}: every input has a default"


def test_action_passes_inputs_only_through_env(action: dict) -> None:
    steps = action["runs"]["steps"]
    for step in steps:
        if "run" in step:
            assert step.get("shell"), f"{step.get('name')}: a composite run step needs a shell"
            assert "${{" not in step["run"], f"{step.get('name')}: `${{{{` inside run"
    used: set[str] = set()
    for path, text in walk(steps):
        for expression in EXPRESSION.findall(text):
            names = re.findall(r"\binputs\.([A-Za-z0-9_-]+)", expression)
            if names:
                # An input may set an env variable, a `with:` of another action, or a condition.
                assert "env" in path or "with" in path or path[-1] == "if", f"inputs used at {path}"
            used.update(names)
    assert used == set(action["inputs"]), "every input is used, and only declared inputs are"


def test_action_installs_its_own_version_and_lints_and_diffs(action: dict) -> None:
    from strat import __version__

    steps = action["runs"]["steps"]
    setup = [s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert setup and setup[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    runs = [str(s.get("run", "")) for s in steps]
    installs = [r for r in runs if "pip install" in r]
    assert installs and all(f'"strategy-as-code=={__version__}"' in r for r in installs), installs
    assert any("lint" in r and "--format" in r for r in runs)
    (diff_step,) = [s for s in steps if "strat\" diff" in str(s.get("run", ""))]
    assert '--format markdown >> "$GITHUB_STEP_SUMMARY"' in diff_step["run"]
    condition = _condition(diff_step["if"])
    assert "github.event_name == 'pull_request'" in condition and "inputs.diff == 'true'" in condition
    assert "!cancelled()" in condition  # the change is summarised even when the lint fails


# Running the action's scripts with bash, as the runner does (`bash --noprofile --norc -eo
# pipefail`), with `${{ }}` in env: resolved from a small context. The install step is
# replaced by this test environment's own strat.

def strat_bin() -> Path:
    folder = Path(sys.executable).parent
    if not (folder / "strat").exists():
        pytest.skip(f"no `strat` console script beside {sys.executable}: install the project (pip install -e .)")
    return folder


def resolve(text: str, context: dict) -> str:
    def value(match: re.Match[str]) -> str:
        node: Any = context
        for part in match.group(1).strip().split("."):
            node = node[part]
        return str(node)
    return EXPRESSION.sub(value, text)


def run_step(action: dict, step_id_or_name: str, workspace: Path, inputs: dict[str, str] | None = None,
             github: dict | None = None, summary: Path | None = None) -> subprocess.CompletedProcess[str]:
    (step,) = [s for s in action["runs"]["steps"] if step_id_or_name in (s.get("id"), s.get("name"))]
    values = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    values.update(inputs or {})
    context = {"inputs": values, "github": github or {"event_name": "push"},
               "steps": {"install": {"outputs": {"bin": str(strat_bin())}}, "python": {"outputs": {}}}}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GIT_"))}
    env.update({name: resolve(str(text), context) for name, text in (step.get("env") or {}).items()})
    env.update(GITHUB_ACTION_PATH=str(PROJECT), RUNNER_TEMP=str(workspace.parent),
               GITHUB_OUTPUT=str(workspace.parent / "github_output"),
               GITHUB_STEP_SUMMARY=str(summary or workspace.parent / "summary.md"))
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          cwd=workspace, env=env, capture_output=True, text=True, timeout=300)


def test_action_lint_step_on_a_clean_strategy(action: dict, tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "ws")
    summary = tmp_path / "summary.md"
    done = run_step(action, "lint", root, summary=summary)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("strat: 0 error(s)")
    assert "All clear" in summary.read_text(encoding="utf-8")


def test_action_lint_step_annotates_and_fails_on_errors(action: dict, tmp_path: Path) -> None:
    root = build_case(helpers.CASES / "lint" / "every-rule-fires-once", tmp_path / "ws")
    done = run_step(action, "lint", root)
    assert done.returncode == 1
    assert "::error file=strategy/goals/eve-experiments.yaml,line=12,col=9,title=A301 (error)::" in done.stdout


@pytest.mark.parametrize(("strict", "code"), [("false", 0), ("true", 1)])
def test_action_strict_input(action: dict, tmp_path: Path, strict: str, code: int) -> None:
    root = build_case(helpers.CASES / "lint" / "a304-fail", tmp_path / "ws")  # a warning, no error
    done = run_step(action, "lint", root, {"strict": strict})
    assert done.returncode == code, done.stdout + done.stderr
    assert "::warning file=" in done.stdout


def test_action_rejects_a_strict_value_it_does_not_know(action: dict, tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "ws")
    done = run_step(action, "lint", root, {"strict": "yes"})
    assert done.returncode == 2 and "::error title=strat::" in done.stdout


@pytest.mark.parametrize("path", ['strategy"; touch pwned; echo "', "$(touch pwned)", "`touch pwned`", "--help"])
def test_action_input_is_data_not_code(action: dict, tmp_path: Path, path: str) -> None:
    root = helpers.copy_base(tmp_path / "ws")
    done = run_step(action, "lint", root, {"path": path})
    assert not (root / "pwned").exists()
    assert done.returncode == 2, done.stdout + done.stderr  # strat: no such file or folder
    assert "no such file or folder" in done.stderr


def test_action_output_input_writes_the_report_to_a_file(action: dict, tmp_path: Path) -> None:
    import json

    root = build_case(helpers.CASES / "lint" / "every-rule-fires-once", tmp_path / "ws")
    done = run_step(action, "lint", root, {"format": "sarif", "output": "strat.sarif"})
    assert done.returncode == 1 and done.stdout == ""
    log = json.loads((root / "strat.sarif").read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def test_action_diff_step_summarises_the_pull_request(action: dict, tmp_path: Path) -> None:
    from strat.cli import cli

    if "diff" not in cli.commands:
        pytest.skip("`strat diff` is not part of the CLI yet")
    root = helpers.copy_base(tmp_path / "ws")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    base = _git(root, "rev-parse", "HEAD")
    goal = root / "strategy/goals/faster-activation.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace("target: 0.5", "target: 0.55"), encoding="utf-8")
    _git(root, "commit", "-qam", "raise the activation target")
    head = _git(root, "rev-parse", "HEAD")
    summary = tmp_path / "summary.md"
    summary.write_text("## strat lint\n", encoding="utf-8")
    pr = {"event_name": "pull_request", "event": {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}}
    done = run_step(action, "Summarise what the pull request changes", root, github=pr, summary=summary)
    assert done.returncode == 0, done.stdout + done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## strat lint\n") and len(text) > len("## strat lint\n")
    assert "faster-activation" in text and "0.55" in text


def test_action_diff_step_without_the_base_history_warns(action: dict, tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "ws")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "only commit")
    pr = {"event_name": "pull_request",
          "event": {"pull_request": {"base": {"sha": "1" * 40}, "head": {"sha": _git(root, "rev-parse", "HEAD")}}}}
    done = run_step(action, "Summarise what the pull request changes", root, github=pr)
    assert done.returncode == 0
    assert done.stdout.startswith("::warning title=strat diff::") and "fetch-depth: 0" in done.stdout


# --- workflows: the Use in CI page, this repository's and strat init's ---------------------

def test_use_in_ci_workflow_does_what_the_page_says(action: dict) -> None:
    workflow = docs_workflow()
    events = triggers(workflow)
    assert "pull_request" in events and "pull_request_target" not in events
    assert workflow.get("on", workflow.get(True))["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]

    def steps_using(prefix: str) -> list[tuple[str, dict]]:
        return [(job_id, step) for job_id, job in jobs.items() for step in job.get("steps", [])
                if str(step.get("uses", "")).startswith(prefix)]

    # The action: annotations, and only inputs the action has.
    strat_steps = steps_using(f"{ACTION_REPO}@")
    assert strat_steps
    for _, step in strat_steps:
        assert set(step.get("with") or {}) <= set(action["inputs"])
    assert any((step.get("with") or {}).get("format") == "github" for _, step in strat_steps)
    # SARIF upload: its own job, with security-events: write.
    ((sarif_job, _),) = steps_using("github/codeql-action/upload-sarif@")
    assert jobs[sarif_job]["permissions"].get("security-events") == "write"
    assert any((s.get("with") or {}).get("format") == "sarif" for j, s in strat_steps if j == sarif_job)
    # The site: a separate job, only on a push to main, with the Pages permissions.
    ((site_job, _),) = steps_using("actions/deploy-pages@")
    assert steps_using("actions/upload-pages-artifact@")[0][0] == site_job
    assert only_on_push_to_main(jobs[site_job])
    assert {"pages": "write", "id-token": "write"}.items() <= jobs[site_job]["permissions"].items()
    for job_id, job in jobs.items():
        if job_id != site_job:
            assert "pages" not in (job.get("permissions") or {}) and "id-token" not in (job.get("permissions") or {})


def test_use_in_ci_documents_every_action_input(action: dict) -> None:
    page = USE_IN_CI.read_text(encoding="utf-8")
    for name, spec in action["inputs"].items():
        row = re.search(rf"^\| `{re.escape(name)}` \| (.*?) \|", page, re.M)
        assert row, f"input {name} is not in the page's table"
        assert (spec.get("default") or "(empty)") in row.group(1)


def test_use_in_ci_pre_commit_config_names_the_hook() -> None:
    hook_ids = {hook["id"] for hook in load_yaml(HOOKS)}
    configs = [doc for doc in map(yaml.safe_load, yaml_blocks(USE_IN_CI.read_text(encoding="utf-8")))
               if isinstance(doc, dict) and "repos" in doc]
    assert configs
    used = {hook["id"] for doc in configs for repo in doc["repos"] for hook in repo["hooks"]}
    assert used and used <= hook_ids


@pytest.mark.parametrize("path", [USE_IN_CI, *shipped_workflow_files()], ids=lambda p: str(p.relative_to(PROJECT)))
def test_published_workflow_is_safe_for_forks(path: Path) -> None:
    workflow = docs_workflow() if path == USE_IN_CI else load_yaml(path)
    assert workflow_problems(workflow) == []


def test_init_starter_workflows_are_safe_for_forks(tmp_path: Path) -> None:
    from strat.cli import cli

    if "init" not in cli.commands:
        pytest.skip("`strat init` is not part of the CLI yet")
    target = tmp_path / "starter"
    result = helpers.run_cli(["init", str(target)])
    assert result.exit_code == 0, result.stdout + result.stderr
    workflows = sorted((target / ".github" / "workflows").glob("*.y*ml"))
    assert workflows, "strat init writes a CI workflow"
    for path in workflows:
        assert workflow_problems(load_yaml(path)) == [], path.name


# --- the pre-commit hook ----------------------------------------------------------------

def test_hook_manifest() -> None:
    (hook,) = load_yaml(HOOKS)
    assert hook["id"] == "strat-lint" and hook["name"]
    assert hook["entry"] == "strat lint" and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is False
    files = re.compile(hook["files"])  # pre-commit matches with re.search
    for path in ("strategy/strategy.yaml", "strategy/goals/a.yml", "strategy/x/y/z.yaml", "strat.yaml"):
        assert files.search(path), path
    for path in ("README.md", "strategy/notes.md", "mkdocs.yml", "docs/strategy/a.yaml", "strat.yaml.bak",
                 "other/strat.yaml"):
        assert not files.search(path), path


def test_hook_manifest_is_valid_for_pre_commit() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib", reason="pre-commit is not installed (pip install -e '.[test]')")
    clientlib.load_manifest(str(HOOKS))


@pytest.fixture(scope="module")
def git_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment for git and pre-commit runs, isolated from the caller's: a fresh
    PRE_COMMIT_HOME, fixed identities, and no GIT_* or GITHUB_* variables (a test suite
    run from inside a git hook or an Actions job must not leak into them)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")), PRE_COMMIT_COLOR="never",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return env


def git(root: Path, env: dict[str, str], *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory, git_env: dict[str, str]) -> Path:
    """This project as pre-commit installs it: its working tree committed into a fresh
    repository.

    `pre-commit try-repo REPO` installs REPO at a commit: `--ref`, else HEAD. On a local
    path with uncommitted changes it makes a shadow clone and commits staged files and
    modified tracked files into it, but not untracked ones, so a new hook file or module
    would be missing. Committing a snapshot of the working tree (tracked and untracked
    files, minus ignored ones) tests exactly what is on disk; on a fresh clone that is HEAD."""
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install -e '.[test]')")
    snapshot = tmp_path_factory.mktemp("hook-source") / "strat"
    listed = subprocess.run(["git", "-C", str(PROJECT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, env=git_env)
    if listed.returncode == 0:
        snapshot.mkdir()
        for rel in filter(None, listed.stdout.decode().split("\0")):
            src = PROJECT / rel
            if src.is_file():
                (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, snapshot / rel)
    else:  # not a git checkout (an unpacked sdist): copy the tree
        shutil.copytree(PROJECT, snapshot, ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", "public", "build", "dist", "*.egg-info"))
    subprocess.run(["git", "init", "-q", str(snapshot)], check=True, env=git_env)
    git(snapshot, git_env, "add", "-A")
    git(snapshot, git_env, "commit", "-qm", "snapshot of the working tree")
    return snapshot


def strategy_repo(root: Path, env: dict[str, str]) -> Path:
    """A git repository holding the valid base strategy, committed."""
    helpers.copy_base(root)
    git(root, env, "add", "-A")
    git(root, env, "commit", "-qm", "strategy")
    return root


NETWORK_TROUBLE = ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable",
                   "ConnectTimeoutError", "Failed to establish a new connection")


def pre_commit(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)
    output = done.stdout + done.stderr
    if done.returncode != 0 and any(sign in output for sign in NETWORK_TROUBLE):
        pytest.skip("pre-commit could not install the hook's environment (no route to the package index): "
                    + output.strip().splitlines()[-1])
    return done


def test_pre_commit_try_repo_passes_then_fails_with_the_finding(
        hook_source: Path, git_env: dict[str, str], tmp_path: Path) -> None:
    repo = strategy_repo(tmp_path / "strategy-repo", git_env)

    done = pre_commit(git_env, repo, "try-repo", str(hook_source), "strat-lint", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^strat lint\.+Passed$", done.stdout, re.M), done.stdout

    goal = repo / "strategy/goals/faster-activation.yaml"
    goal.write_text(goal.read_text(encoding="utf-8") + "staus: dropped\n", encoding="utf-8")
    git(repo, git_env, "add", "-A")
    done = pre_commit(git_env, repo, "try-repo", str(hook_source), "strat-lint", "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^strat lint\.+Failed$", done.stdout, re.M), done.stdout
    assert "strategy/goals/faster-activation.yaml:35:1: S103 error" in done.stdout
    assert "did you mean `status`?" in done.stdout


def test_pre_commit_hook_stops_a_commit_that_breaks_the_strategy(
        hook_source: Path, git_env: dict[str, str], tmp_path: Path) -> None:
    """The hook as a user installs it: `.pre-commit-config.yaml` naming this repository
    at a commit, `pre-commit install`, then plain `git commit`."""
    repo = strategy_repo(tmp_path / "strategy-repo", git_env)
    rev = git(hook_source, git_env, "rev-parse", "HEAD")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_source}\n    rev: {rev}\n    hooks:\n      - id: strat-lint\n", encoding="utf-8")
    git(repo, git_env, "add", ".pre-commit-config.yaml")
    assert pre_commit(git_env, repo, "install").returncode == 0
    assert pre_commit(git_env, repo, "install-hooks").returncode == 0

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(repo), "commit", "-qm", message], capture_output=True, text=True,
                              env=git_env, timeout=600)

    # No strategy file in the commit: the hook is skipped.
    (repo / "README.md").write_text("Our strategy\n", encoding="utf-8")
    git(repo, git_env, "add", "README.md")
    done = commit("readme")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"strat lint\.+\(no files to check\)Skipped", done.stdout + done.stderr)

    # A broken goal: the commit is refused, with the finding.
    goal = repo / "strategy/goals/faster-activation.yaml"
    original = goal.read_text(encoding="utf-8")
    goal.write_text(original.replace("parent: grow-retention", "parent: grow-retentoin"), encoding="utf-8")
    git(repo, git_env, "add", "-A")
    head = git(repo, git_env, "rev-parse", "HEAD")
    done = commit("typo")
    assert done.returncode != 0
    assert "R201" in done.stdout + done.stderr and "grow-retention" in done.stdout + done.stderr
    assert git(repo, git_env, "rev-parse", "HEAD") == head

    # Only what is staged is linted: the fix staged, a new break left unstaged.
    goal.write_text(original.replace("target: 0.5", "target: 0.55"), encoding="utf-8")
    git(repo, git_env, "add", "-A")
    goal.write_text(original.replace("parent: grow-retention", "parent: nowhere"), encoding="utf-8")
    done = commit("raise the target")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"strat lint\.+Passed", done.stdout + done.stderr)
    assert "parent: nowhere" in goal.read_text(encoding="utf-8")  # the unstaged change is back
