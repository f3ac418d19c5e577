"""Git, the hard cases (issue 9): file names git would quote, shallow clones, another
repository named by the environment, configuration that would run code or change git's
output, merge resolutions, submodules, and revisions that name no single commit. All
against real repositories built in temporary folders."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

import helpers
from strat.config import Config
from strat.diff import diff
from strat.history import changelog, entity_history

ENV = {**os.environ, "GIT_AUTHOR_NAME": "Ana Lyst", "GIT_AUTHOR_EMAIL": "ana@example.invalid",
       "GIT_COMMITTER_NAME": "Ana Lyst", "GIT_COMMITTER_EMAIL": "ana@example.invalid"}
GOAL = "strategy/goals/faster-activation.yaml"


def git(root: Path, *args: str, date: str = "2026-11-20T10:00:00+00:00", check: bool = True) -> str:
    env = {**ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
                 "GIT_LITERAL_PATHSPECS"):
        env.pop(name, None)
    return subprocess.run(["git", "-C", str(root), *args], check=check, capture_output=True, text=True,
                          env=env).stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def run(root: Path, *args: str) -> helpers.CliResult:
    return helpers.run_cli(list(args), cwd=root)


def lint(root: Path) -> helpers.CliResult:
    return run(root, "lint", "--format", "json", "--today", helpers.TODAY)


def a311(result: helpers.CliResult) -> list[dict]:
    return [d for d in result.diagnostics if d["code"] == "A311"]


def history_repo(root: Path) -> Path:
    """The base strategy committed, then two changes to faster-activation."""
    helpers.copy_base(root)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Initial strategy", date="2026-10-01T10:00:00+00:00")
    edit(root / GOAL, "  target: 0.5\n", "  target: 0.55\n")
    git(root, "commit", "-qam", "Raise the activation target", date="2026-10-15T10:00:00+00:00")
    edit(root / GOAL, "owner: cwu", "owner: asmith")
    git(root, "commit", "-qam", "Hand activation to Alice", date="2026-11-20T10:00:00+00:00")
    return root


# --- -z everywhere: names git would quote -------------------------------------------------------

HOSTILE_NAMES = [
    "café.yaml",                  # non-ASCII: git quotes it as "caf\303\251.yaml" without -z
    "tab\there.yaml",
    'quote"d.yaml',
    "back\\slash.yaml",
    "new\nline.yaml",
    "caf" + os.fsdecode(b"\xe9") + ".yaml",  # Latin-1 bytes: not UTF-8 at all
    "straße/activation.yaml",      # a non-ASCII folder
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=repr)
def test_stale_check_matches_any_file_name(tmp_path: Path, name: str) -> None:
    """A goal whose only check-in is old but whose file was committed inside the window
    is not stale, whatever bytes its name holds."""
    root = helpers.copy_base(tmp_path / "repo")
    goal = root / GOAL
    edit(goal, "date: 2026-11-15", "date: 2026-08-01")
    target = root / "strategy/goals" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    goal.rename(target)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "strategy", date="2026-11-20T10:00:00+00:00")
    result = lint(root)
    assert result.exit_code == 0, result.stderr
    assert a311(result) == []


# Names git prints byte for byte with -z but that are not UTF-8: read as the loader reads them.
NOT_UTF8_NAMES = ["caf" + os.fsdecode(b"\xe9") + ".yaml", os.fsdecode(b"\xff\xfe.yaml"),
                  os.fsdecode(b"d\xe9p\xf4t") + "/activation.yaml"]


@pytest.mark.parametrize("name", NOT_UTF8_NAMES, ids=repr)
def test_history_and_diff_follow_any_file_name(tmp_path: Path, name: str) -> None:
    root = history_repo(tmp_path / "repo")
    target = root / "strategy/goals" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    git(root, "mv", GOAL, os.fsencode(target.relative_to(root)).decode("utf-8", "surrogateescape"))
    edit(target, "  target: 0.55\n", "  target: 0.6\n")
    git(root, "commit", "-qam", "Move and raise", date="2026-11-21T10:00:00+00:00")
    # the library, not the CLI: printing a name that is not UTF-8 is the output's business
    found = entity_history(root, "strategy", "faster-activation")
    newest = found.entries[0]
    assert newest.commit.subject == "Move and raise" and newest.path == target.relative_to(root).as_posix()
    assert [f.words for f in newest.fields] == ["outcome.target 0.55 → 0.6"]
    [change] = diff(root, "strategy", "HEAD~1", "HEAD", Config(), compare_lint=True).changes
    assert change.id == "faster-activation" and change.old_path == GOAL
    # and against the working tree: an uncommitted edit under the same name is seen
    edit(target, "  target: 0.6\n", "  target: 0.65\n")
    [change] = diff(root, "strategy", "HEAD", None, Config(), compare_lint=False).changes
    assert [f.new for f in change.fields] == [0.65]


# --- shallow clones ------------------------------------------------------------------------------


def shallow_clone(repo: Path, where: Path, depth: int = 1) -> Path:
    subprocess.run(["git", "clone", "-q", f"--depth={depth}", f"file://{repo}", str(where)], check=True,
                   capture_output=True)
    return where


def test_depth_1_clone_says_the_stale_check_cannot_judge(tmp_path: Path) -> None:
    repo = history_repo(tmp_path / "repo")
    edit(repo / "strategy/goals/support-deflection.yaml", "date: 2026-11-15", "date: 2026-06-01")
    git(repo, "commit", "-qam", "Old check-in", date="2026-11-21T10:00:00+00:00")
    clone = shallow_clone(repo, tmp_path / "clone")
    notes = a311(lint(clone))
    assert [(n["severity"], n["message"].split(":")[0]) for n in notes] == [("info", "shallow clone")]
    assert "fetch-depth: 0" in notes[0]["message"]
    assert lint(repo).codes() == []  # the full history judges: the file changed in the window


def test_shallow_clone_cut_before_the_window_is_judged(tmp_path: Path) -> None:
    """Cut at a commit older than the window, the clone holds all of the window: A311
    judges as in a full clone (here: a goal untouched since June is stale)."""
    root = helpers.copy_base(tmp_path / "repo")
    edit(root / "strategy/goals/support-deflection.yaml", "date: 2026-11-15", "date: 2026-06-01")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "June", date="2026-06-01T10:00:00+00:00")
    git(root, "commit", "-q", "--allow-empty", "-m", "still June", date="2026-06-05T10:00:00+00:00")
    clone = shallow_clone(root, tmp_path / "clone")
    expected = [(d["severity"], d["path"]) for d in a311(lint(root))]
    assert expected == [("warning", "strategy/goals/support-deflection.yaml")]
    assert [(d["severity"], d["path"]) for d in a311(lint(clone))] == expected


def test_history_in_a_shallow_clone_says_where_it_stops(tmp_path: Path) -> None:
    repo = history_repo(tmp_path / "repo")
    clone = shallow_clone(repo, tmp_path / "clone", depth=2)
    result = run(clone, "history", "faster-activation", "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload = result.json
    assert [c["subject"] for c in payload["changes"]] == ["Hand activation to Alice"]  # not "added" at the cut
    assert any("shallow clone" in n and "git fetch --unshallow" in n for n in payload["notes"])
    text = run(clone, "history", "faster-activation").stdout
    assert "created in" not in text and "history stops at commit" in text
    # an entity that never changed after the cut still says where history stops
    quiet = run(clone, "history", "support-deflection")
    assert quiet.exit_code == 0 and "history stops at commit" in quiet.stdout


def test_changelog_of_a_shallow_clone_marks_the_cut(tmp_path: Path) -> None:
    repo = history_repo(tmp_path / "repo")
    clone = shallow_clone(repo, tmp_path / "clone", depth=2)
    entries = changelog(clone, "strategy")
    assert [(c.subject, c.cut, len(changes)) for c, changes in entries] == [
        ("Hand activation to Alice", False, 1), ("Raise the activation target", True, 0)]
    out = tmp_path / "pages"
    assert run(clone, "site", "render", str(out), "--today", helpers.TODAY, "--audience", "internal").exit_code == 0
    page = (out / "docs" / "changelog.md").read_text()
    assert "History stops here" in page and "fetch-depth: 0" in page


# --- the environment names another repository --------------------------------------------------

REDIRECTS = {
    "GIT_DIR": lambda other: {"GIT_DIR": str(other / ".git")},
    "GIT_DIR+GIT_WORK_TREE": lambda other: {"GIT_DIR": str(other / ".git"), "GIT_WORK_TREE": str(other)},
    "GIT_WORK_TREE": lambda other: {"GIT_WORK_TREE": str(other)},
    "GIT_INDEX_FILE": lambda other: {"GIT_INDEX_FILE": str(other / ".git/index")},
    "GIT_OBJECT_DIRECTORY": lambda other: {"GIT_OBJECT_DIRECTORY": str(other / ".git/objects")},
    "GIT_COMMON_DIR": lambda other: {"GIT_COMMON_DIR": str(other / ".git")},
    "GIT_LITERAL_PATHSPECS": lambda other: {"GIT_LITERAL_PATHSPECS": "1"},
}


def _outputs(root: Path) -> list[tuple[int | None, str]]:
    runs = [run(root, "history", "faster-activation", "--format", "json"),
            run(root, "diff", "HEAD~2", "HEAD", "--format", "json"),
            run(root, "diff", "HEAD~1", "--format", "json"),
            lint(root)]
    return [(r.exit_code, r.stdout) for r in runs]


@pytest.mark.parametrize("redirect", list(REDIRECTS), ids=str)
def test_the_environment_never_points_strat_at_another_repository(tmp_path: Path, monkeypatch,
                                                                   redirect: str) -> None:
    root = history_repo(tmp_path / "repo")
    edit(root / GOAL, "  current: 0.38\n", "  current: 0.4\n")  # an uncommitted change too
    other = tmp_path / "other"
    helpers.make_repo(other, {"strategy/goals/x.yaml": "kind: Goal\nid: x\n"})
    git(other, "add", "-A")
    git(other, "commit", "-qm", "another repository")
    git(other, "commit", "-q", "--allow-empty", "-m", "two")
    git(other, "commit", "-q", "--allow-empty", "-m", "three")
    expected = _outputs(root)
    assert expected[0][0] == 0 and len(json.loads(expected[0][1])["changes"]) == 3
    for name, value in REDIRECTS[redirect](other).items():
        monkeypatch.setenv(name, value)
    assert _outputs(root) == expected


def test_a_strategy_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    """The strategy root (strat.yaml) below the top of the work tree: paths are read from
    the top and given back relative to the strategy root."""
    top = tmp_path / "mono"
    history_repo(top / "plans dé")
    subprocess.run(["rm", "-rf", str(top / "plans dé/.git")], check=True)
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "monorepo")
    root = top / "plans dé"
    git(top, "config", "diff.relative", "true")  # would print paths relative to the strategy root
    edit(root / GOAL, "owner: asmith", "owner: bjones")
    git(top, "commit", "-qam", "Hand back", date="2026-11-21T10:00:00+00:00")
    [entry, _] = run(root, "history", "faster-activation", "--format", "json").json["changes"]
    assert entry["path"] == GOAL and entry["fields"][0]["words"] == "owner asmith → bjones"
    [change] = run(root, "diff", "HEAD~1", "HEAD", "--format", "json").json["changes"]
    assert change["path"] == GOAL


# --- configuration that runs code or changes git's output ------------------------------------------


def _marker_script(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho ran >> '{marker}'\nexit 0\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, marker


HOSTILE_CONFIG = {
    "fsmonitor hook": lambda script: [("core.fsmonitor", str(script))],
    "no root commit diff": lambda script: [("log.showRoot", "false")],
}


@pytest.mark.parametrize("setting", list(HOSTILE_CONFIG), ids=str)
def test_repository_configuration_runs_nothing_and_changes_nothing(tmp_path: Path, setting: str) -> None:
    root = history_repo(tmp_path / "repo")
    (root / ".gitattributes").write_text("*.yaml diff=yamlconv\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "attributes", date="2026-11-21T10:00:00+00:00")
    edit(root / GOAL, "  current: 0.38\n", "  current: 0.4\n")
    expected = _outputs(root)
    script, marker = _marker_script(tmp_path)
    for key, value in HOSTILE_CONFIG[setting](script):
        git(root, "config", key, value)
    (root / GOAL).touch()  # a changed stat: git must look at the file again
    assert _outputs(root) == expected
    assert not marker.exists(), marker.read_text()


# --- merges ----------------------------------------------------------------------------------------


def merge_repo(root: Path) -> Path:
    """main and a side branch both move faster-activation's target; the conflict is
    resolved to a value neither side had. Then a clean merge of a branch that changed
    another goal, and a clean textual merge of two edits to the same goal."""
    history_repo(root)
    git(root, "branch", "-M", "main")
    git(root, "checkout", "-qb", "side")
    edit(root / GOAL, "  target: 0.55\n", "  target: 0.6\n")
    git(root, "commit", "-qam", "Side: 0.6", date="2026-11-21T10:00:00+00:00")
    git(root, "checkout", "-q", "main")
    edit(root / GOAL, "  target: 0.55\n", "  target: 0.7\n")
    git(root, "commit", "-qam", "Main: 0.7", date="2026-11-21T11:00:00+00:00")
    git(root, "merge", "-q", "side", check=False, date="2026-11-21T12:00:00+00:00")
    text = (root / GOAL).read_text()
    start, end = text.index("<<<<<<<"), text.index(">>>>>>>")
    (root / GOAL).write_text(text[:start] + "  target: 0.65\n" + text[text.index("\n", end) + 1:])
    git(root, "commit", "-qam", "Merge side: settle on 0.65", date="2026-11-21T12:00:00+00:00")
    # a clean merge: the branch changed another goal, main another file
    git(root, "checkout", "-qb", "clean")
    edit(root / "strategy/goals/support-deflection.yaml", "owner: bjones", "owner: asmith")
    git(root, "commit", "-qam", "Clean: deflection to Alice", date="2026-11-22T10:00:00+00:00")
    git(root, "checkout", "-q", "main")
    edit(root / "strategy/goals/fewer-setup-tickets.yaml", "    value: 1080\n", "    value: 1100\n")
    git(root, "commit", "-qam", "Main: tickets at risk", date="2026-11-22T11:00:00+00:00")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge clean", "clean", date="2026-11-22T12:00:00+00:00")
    # a clean textual merge inside one file: owner on one side, target on the other
    git(root, "checkout", "-qb", "owner")
    edit(root / GOAL, "owner: asmith", "owner: bjones")
    git(root, "commit", "-qam", "Owner: bjones", date="2026-11-22T13:00:00+00:00")
    git(root, "checkout", "-q", "main")
    edit(root / GOAL, "  current: 0.38\n", "  current: 0.41\n")
    git(root, "commit", "-qam", "Current: 0.41", date="2026-11-22T14:00:00+00:00")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge owner", "owner", date="2026-11-22T15:00:00+00:00")
    return root


def test_a_merge_resolution_shows_in_history(tmp_path: Path) -> None:
    root = merge_repo(tmp_path / "repo")
    result = run(root, "history", "faster-activation", "--format", "json")
    assert result.exit_code == 0, result.stderr
    changes = [(c["subject"], [f["words"] for f in c["fields"]]) for c in result.json["changes"]]
    assert changes[:6] == [
        ("Current: 0.41", ["outcome.current 0.38 → 0.41"]),
        ("Owner: bjones", ["owner asmith → bjones"]),  # the clean merges add nothing of their own
        ("Merge side: settle on 0.65", ["outcome.target 0.7 → 0.65"]),
        ("Main: 0.7", ["outcome.target 0.55 → 0.7"]),
        ("Side: 0.6", ["outcome.target 0.55 → 0.6"]),
        ("Hand activation to Alice", ["owner cwu → asmith"]),
    ]


def test_a_merge_resolution_shows_in_the_changelog_and_a_clean_merge_repeats_nothing(tmp_path: Path) -> None:
    root = merge_repo(tmp_path / "repo")
    entries = {c.subject: changes for c, changes in changelog(root, "strategy")}
    assert "Merge clean" not in entries and "Merge owner" not in entries
    [resolved] = entries["Merge side: settle on 0.65"]
    assert resolved.id == "faster-activation" and resolved.sentences() == [
        "goal `faster-activation`: outcome.target 0.7 → 0.65"]
    assert [c.sentences() for c in entries["Clean: deflection to Alice"]] == [
        ["goal `support-deflection`: owner bjones → asmith"]]


def test_a_merge_that_drops_an_entity_shows_the_removal(tmp_path: Path) -> None:
    root = history_repo(tmp_path / "repo")
    git(root, "branch", "-M", "main")
    git(root, "checkout", "-qb", "side")
    edit(root / GOAL, "owner: asmith", "owner: bjones")
    git(root, "commit", "-qam", "Side", date="2026-11-21T10:00:00+00:00")
    git(root, "checkout", "-q", "main")
    edit(root / GOAL, "owner: asmith", "owner: cwu")
    git(root, "commit", "-qam", "Main", date="2026-11-21T11:00:00+00:00")
    git(root, "merge", "-q", "side", check=False, date="2026-11-21T12:00:00+00:00")
    git(root, "rm", "-q", "-f", GOAL)
    git(root, "commit", "-qm", "Merge: drop it", date="2026-11-21T12:00:00+00:00")
    [newest, *_] = run(root, "history", "faster-activation", "--format", "json").json["changes"]
    assert (newest["subject"], newest["status"]) == ("Merge: drop it", "removed")


# --- submodules ------------------------------------------------------------------------------------


def test_a_submodule_under_the_strategy_is_named_by_diff_and_history(tmp_path: Path) -> None:
    root = history_repo(tmp_path / "repo")
    sub = helpers.make_repo(tmp_path / "sub", {"goals/hidden.yaml": "kind: Goal\nid: hidden\ntitle: Hidden\n"})
    git(sub, "add", "-A")
    git(sub, "commit", "-qm", "sub")
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "strategy/sub")
    git(root, "commit", "-qm", "Add a submodule", date="2026-11-21T10:00:00+00:00")
    note = "strategy/sub is a git submodule: strat does not read into submodules"
    for args in (("diff", "HEAD~1", "HEAD"), ("diff", "HEAD~1")):
        payload = run(root, *args, "--format", "json").json
        assert payload["changes"] == [] and [n for n in payload["notes"] if n.startswith(note)], args
        assert note in run(root, *args).stdout
    assert note in run(root, "diff", "HEAD~1", "--format", "markdown").stdout
    history = run(root, "history", "faster-activation", "--format", "json")
    assert history.exit_code == 0 and any(n.startswith(note) for n in history.json["notes"])
    hidden = run(root, "history", "hidden")
    assert hidden.exit_code == 2 and note in hidden.stderr
    # lint, diff and history agree: one E006 for the submodule, nothing read inside it
    added = run(root, "diff", "HEAD~1", "HEAD", "--format", "json").json["lint"]
    assert [(d["code"], d["path"]) for d in added["introduced"]] == [("E006", "strategy/sub")]
    for where in (root, shallow_clone(root, tmp_path / "clone", depth=5)):  # checked out, and not (a plain clone)
        same = run(where, "diff", "HEAD", "--format", "json").json["lint"]
        assert (same["introduced"], same["fixed"]) == ([], []), where
        # lint itself names the submodule too, checked out or an empty folder (actions/checkout's default)
        linted = run(where, "lint", "--format", "json").json["diagnostics"]
        assert [(d["code"], d["path"]) for d in linted if d["code"] == "E006"] == [("E006", "strategy/sub")], where


# --- revisions in words ------------------------------------------------------------------------------

BAD_REVISIONS = [
    ("^HEAD", "range or excludes commits"),
    ("HEAD..HEAD~1", "range"),
    ("HEAD...HEAD~1", "range"),
    ("HEAD^@", "range"),
    ("HEAD^!", "range"),
    ("HEAD:strategy", "names a tree"),
    ("HEAD:strategy/goals/faster-activation.yaml", "names a blob"),
    ("HEAD~999", "does not go back"),
    ("@{-1}", "reflog"),
    ("twin", "ambiguous"),
    ("HEAD\x1b[31m", "control characters"),
    ("HEAD" + os.fsdecode(b"\xff"), "not valid UTF-8"),  # refused as an argument, before git
]


@pytest.mark.parametrize(("revision", "words"), BAD_REVISIONS, ids=repr)
def test_every_revision_error_is_in_words(tmp_path: Path, revision: str, words: str) -> None:
    root = history_repo(tmp_path / "repo")
    git(root, "tag", "twin", "HEAD~1")
    git(root, "branch", "twin", "HEAD")
    for args in (("diff", revision), ("diff", "HEAD", revision), ("history", "faster-activation", "--rev", revision)):
        result = run(root, *args)
        assert result.exit_code == 2, (args, result.stdout)
        assert words in result.stderr, (args, result.stderr)
        assert "fatal" not in result.stderr and "Traceback" not in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("where", ["outside", "empty", "no git"])
def test_no_history_to_read_is_said_in_words(tmp_path: Path, monkeypatch, where: str) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=where == "empty")
    words = {"outside": "is not in a git repository", "empty": "no commits yet", "no git": "cannot run git"}[where]
    if where == "no git":
        git(root, "init", "-q")
        monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    for args in (("history", "faster-activation"), ("diff", "HEAD")):
        result = run(root, *args)
        assert result.exit_code == 2
        assert words in result.stderr, (args, result.stderr)
        assert "unknown revision 'HEAD'" not in result.stderr or where == "empty"


def test_history_with_an_id_that_is_not_utf8(tmp_path: Path) -> None:
    root = history_repo(tmp_path / "repo")
    result = run(root, "history", "x" + os.fsdecode(b"\xff"))
    assert result.exit_code == 2 and "not valid UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_repository_owned_by_someone_else_is_said_in_words(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("git") is None:
        pytest.skip("needs root to give the repository another owner")
    root = history_repo(tmp_path / "repo")
    os.chown(root, 12345, 12345)
    os.chown(root / ".git", 12345, 12345)
    result = run(root, "history", "faster-activation")
    assert result.exit_code == 2 and "safe.directory" in result.stderr


# --- commit metadata is data, never structure ------------------------------------------------------

HOSTILE_SUBJECTS = [
    "\x01" + "f" * 40,                                                      # the record marker and an id
    "\x01x\x01y",
]


@pytest.mark.parametrize("subject", HOSTILE_SUBJECTS, ids=repr)
def test_a_commit_subject_cannot_forge_history(tmp_path: Path, subject: str) -> None:
    root = history_repo(tmp_path / "repo")
    edit(root / GOAL, "  target: 0.55\n", "  target: 0.6\n")
    git(root, "commit", "-qam", subject, date="2026-11-21T10:00:00+00:00")
    found = entity_history(root, "strategy", "faster-activation")
    assert [e.commit.subject for e in found.entries][1:] == [
        "Hand activation to Alice", "Raise the activation target", "Initial strategy"]
    assert found.entries[0].commit.subject == subject
    assert [f.words for f in found.entries[0].fields] == ["outcome.target 0.55 → 0.6"]


def test_a_goal_changed_by_a_recent_merge_is_not_stale(tmp_path: Path) -> None:
    """A311 reads the main line: a goal edited on a branch in June and merged last week
    changed last week (the merge changes it against its first parent)."""
    root = helpers.copy_base(tmp_path / "repo")
    goal = root / "strategy/goals/support-deflection.yaml"
    edit(goal, "date: 2026-11-15", "date: 2026-06-01")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "June", date="2026-06-01T10:00:00+00:00")
    git(root, "branch", "-M", "main")
    git(root, "checkout", "-qb", "side")
    edit(goal, "owner: bjones", "owner: asmith")
    git(root, "commit", "-qam", "Side, in June", date="2026-06-02T10:00:00+00:00")
    git(root, "checkout", "-q", "main")
    git(root, "commit", "-q", "--allow-empty", "-m", "Main, in June", date="2026-06-03T10:00:00+00:00")
    assert [d["path"] for d in a311(lint(root))] == ["strategy/goals/support-deflection.yaml"]
    git(root, "merge", "-q", "--no-ff", "-m", "Merge side", "side", date="2026-11-20T10:00:00+00:00")
    assert a311(lint(root)) == []
