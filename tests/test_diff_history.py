"""`strat diff`, `strat history` and the changelog against real git repositories built
in temporary folders: several commits, a rename, a shallow clone."""

from __future__ import annotations

import html
import os
import subprocess
from pathlib import Path

import pytest

import helpers
from strat.history import changelog

ENV = {**os.environ, "GIT_AUTHOR_NAME": "Ana Lyst", "GIT_AUTHOR_EMAIL": "ana@example.invalid",
       "GIT_COMMITTER_NAME": "Ana Lyst", "GIT_COMMITTER_EMAIL": "ana@example.invalid"}


def git(root: Path, *args: str, date: str | None = None) -> str:
    env = {**ENV, **({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {})}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Four commits: the base strategy; a target raised with a check-in; a goal renamed
    to another file with a new owner; a new goal with a joint goal."""
    root = helpers.copy_base(tmp_path / "repo")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Initial strategy", date="2026-10-01T10:00:00+00:00")
    goal = root / "strategy/goals/faster-activation.yaml"
    edit(goal, "  target: 0.5\n", "  target: 0.55\n")
    goal.write_text(goal.read_text() + "  - date: 2026-11-20\n    value: 0.41\n    confidence: 0.8\n")
    git(root, "commit", "-qam", "Raise the activation target", date="2026-10-15T10:00:00+00:00")
    git(root, "mv", "strategy/goals/support-deflection.yaml", "strategy/goals/deflection.yaml")
    edit(root / "strategy/goals/deflection.yaml", "owner: bjones", "owner: asmith")
    git(root, "commit", "-qam", "Hand deflection to Alice", date="2026-11-01T10:00:00+00:00")
    (root / "strategy/goals/in-app-help.yaml").write_text(
        "kind: Goal\nid: in-app-help\ntitle: Help inside the app\nowner: cwu\nteam: onboarding\n"
        "parent: grow-retention\nperiod: 2026-h2\ncustomer_progress: I never leave the invoice to find help.\n"
        "outcome: {metric: activation-rate, baseline: 0.32, target: 0.4}\n"
        "benefits:\n  - department: support\n    effect: Fewer how-to tickets\n"
        "joint:\n  - department: support\n    owner: bjones\n    commitment: Two agents move to outreach\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Add in-app help goal", date="2026-11-10T10:00:00+00:00")
    return root


def run(root: Path, *args: str) -> helpers.CliResult:
    return helpers.run_cli(list(args), cwd=root)


def test_diff_between_commits_in_words(repo: Path) -> None:
    result = run(repo, "diff", "HEAD~3", "HEAD", "--format", "text")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "goal `faster-activation`: outcome.target 0.5 → 0.55" in out
    assert "goal `faster-activation`: check-in 2026-11-20 (0.41) added" in out
    assert ("goal `support-deflection` moved from strategy/goals/support-deflection.yaml to "
            "strategy/goals/deflection.yaml") in out
    assert "goal `support-deflection`: owner bjones → asmith" in out
    assert "new goal `in-app-help` under objective `grow-retention`" in out
    # unchanged entities are not mentioned
    assert "cut-support-cost:" not in out and "`onboarding`" not in out


def test_diff_json_and_joint_goal_added(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    (repo / "strategy/goals/faster-activation.yaml").write_text(
        (repo / "strategy/goals/faster-activation.yaml").read_text().replace(
            "joint:\n", "joint:\n  - department: product\n    owner: asmith\n    commitment: Re-plan the Q1 roadmap\n"))
    payload = run(repo, "diff", "HEAD", "--format", "json").json
    assert payload["head"] is None and payload["base"] == head
    [change] = payload["changes"]
    assert change["id"] == "faster-activation" and change["status"] == "changed"
    assert ("goal `faster-activation`: new joint goal: `product`'s leader `asmith` commits to “Re-plan the Q1 roadmap”"
            in change["sentences"])


def test_diff_reports_findings_introduced_and_fixed(repo: Path) -> None:
    edit(repo / "strategy/goals/in-app-help.yaml", "owner: bjones", "owner: cwu")  # A303 introduced
    payload = run(repo, "diff", "HEAD", "--format", "json").json
    assert [d["code"] for d in payload["lint"]["introduced"]] == ["A303"]
    assert payload["lint"]["fixed"] == []
    git(repo, "commit", "-qam", "break joint owner")
    edit(repo / "strategy/goals/in-app-help.yaml", "owner: cwu\n    commitment", "owner: bjones\n    commitment")
    payload = run(repo, "diff", "HEAD", "--format", "json").json
    assert [d["code"] for d in payload["lint"]["fixed"]] == ["A303"]
    assert run(repo, "diff", "HEAD", "--format", "json", "--no-lint").json["lint"]["compared"] is False


def test_diff_reads_objects_and_leaves_the_work_tree_alone(repo: Path) -> None:
    (repo / "strategy/goals/scratch.yaml").write_text("kind: Goal\nid: scratch\n")
    before = git(repo, "status", "--porcelain")
    head_before = git(repo, "rev-parse", "HEAD")
    run(repo, "diff", "HEAD~3", "HEAD~1")
    assert git(repo, "status", "--porcelain") == before
    assert git(repo, "rev-parse", "HEAD") == head_before


def test_diff_markdown_escapes_yaml_text(repo: Path) -> None:
    edit(repo / "strategy/goals/in-app-help.yaml", "title: Help inside the app",
         "title: \"Help <script>alert(1)</script> | [x](javascript:alert(1))\"")
    out = run(repo, "diff", "HEAD~1", "--format", "markdown").stdout
    assert "<script>" not in out and "](javascript:" not in out
    assert "&lt;script&gt;" in out and "&#124;" in out
    assert "`in-app-help`" in out


@pytest.mark.parametrize("revision", ["-x", "--output=/tmp/pwned", "no-such-branch", "HEAD~99"])
def test_bad_revisions_exit_2(repo: Path, revision: str) -> None:
    result = run(repo, "diff", "--", revision) if revision.startswith("-") else run(repo, "diff", revision)
    assert result.exit_code == 2
    assert not Path("/tmp/pwned").exists()
    assert "revision" in result.stderr


def test_shallow_clone_says_how_to_fetch(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    base = git(repo, "rev-parse", "HEAD~2").strip()
    result = run(clone, "diff", base, "HEAD")
    assert result.exit_code == 2
    assert "shallow clone" in result.stderr and "git fetch --unshallow" in result.stderr


def test_history_lists_each_change_newest_first(repo: Path) -> None:
    result = run(repo, "history", "support-deflection", "--format", "json")
    assert result.exit_code == 0, result.stderr
    entries = result.json["changes"]
    assert [e["subject"] for e in entries] == ["Hand deflection to Alice", "Initial strategy"]
    assert entries[0]["status"] == "changed" and entries[0]["old_path"] == "strategy/goals/support-deflection.yaml"
    assert [f["words"] for f in entries[0]["fields"]] == ["owner bjones → asmith"]
    assert entries[0]["author"] == "Ana Lyst" and entries[0]["date"] == "2026-11-01"
    assert entries[1]["status"] == "added"


def test_history_text_and_unknown_id(repo: Path) -> None:
    out = run(repo, "history", "faster-activation").stdout
    assert "outcome.target 0.5 → 0.55" in out and "Raise the activation target" in out
    assert "2 change(s)" in out
    missing = run(repo, "history", "no-such-goal")
    assert missing.exit_code == 2 and "no-such-goal" in missing.stderr


def test_history_ignores_changes_to_other_documents_of_the_same_file(repo: Path) -> None:
    people = repo / "strategy/people/people.yaml"
    edit(people, "name: Chen Wu", "name: Chen Wu-Larsen")
    git(repo, "commit", "-qam", "Chen's new name")
    assert len(run(repo, "history", "asmith", "--format", "json").json["changes"]) == 1
    cwu = run(repo, "history", "cwu", "--format", "json").json["changes"]
    assert cwu[0]["fields"][0]["words"] == "name Chen Wu → “Chen Wu-Larsen”" or "Chen Wu-Larsen" in cwu[0]["fields"][0]["words"]


def test_changelog_newest_first(repo: Path) -> None:
    entries = changelog(repo, "strategy")
    assert [c.subject for c, _ in entries] == ["Add in-app help goal", "Hand deflection to Alice",
                                              "Raise the activation target", "Initial strategy"]
    newest = entries[0][1]
    assert [(c.id, c.status) for c in newest] == [("in-app-help", "added")]
    assert len(entries[-1][1]) == 23  # every entity of the base was added in the first commit


def test_lint_comparison_is_on_by_default_at_any_size(tmp_path: Path) -> None:
    """No size limit: a repository of more than 3,000 strategy files (the old limit) gets
    the lint comparison and the numbers by default. Tiny files keep the test fast."""
    root = tmp_path / "big"
    folder = root / "strategy" / "people"
    folder.mkdir(parents=True)
    (root / "strat.yaml").write_text("strategy: strategy\n")
    for i in range(3001):
        (folder / f"p{i:04d}.yaml").write_text(f"kind: Person\nid: p{i:04d}\nname: P {i}\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "people", date="2026-10-01T10:00:00+00:00")
    (folder / "p0000.yaml").write_text("kind: Person\nid: p0000\nname: P 0\ndepartment: nobody\n")
    git(root, "commit", "-qam", "a department that does not exist", date="2026-10-02T10:00:00+00:00")
    report = run(root, "diff", "HEAD~1", "HEAD", "--format", "json").json
    assert report["lint"]["compared"] is True and report["lint"]["note"] == ""
    assert [d["code"] for d in report["lint"]["introduced"]] == ["R201"]
    assert report["numbers_compared"] is True and report["notes"] == []


def test_site_changelog_page_from_history(repo: Path, tmp_path: Path) -> None:
    edit(repo / "strategy/goals/in-app-help.yaml", "title: Help inside the app", "title: Help inside the product")
    git(repo, "commit", "-qam", "<script>alert(1)</script> retitle", date="2026-11-12T10:00:00+00:00")
    out = tmp_path / "pages"
    result = run(repo, "site", "render", str(out), "--today", helpers.TODAY, "--audience", "internal")
    assert result.exit_code == 0, result.stderr
    raw = (out / "docs" / "changelog.md").read_text()
    assert "<script>" not in raw  # encoded as character references in the Markdown
    page = html.unescape(raw)
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    assert len(headings) == 5 and "2026-11-12" in headings[0] and "2026-10-01" in headings[-1]
    assert "<script>alert(1)</script> retitle" in headings[0]  # the subject, as text
    newest = page.split("## ")[1]
    assert "in-app-help" in newest and "title" in newest and "Help inside the product" in newest
    handover = next(section for section in page.split("## ") if section.startswith("2026-11-01"))
    assert "Hand deflection to Alice" in handover and "owner bjones → asmith" in handover


def test_site_changelog_outside_git_says_so(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    out = tmp_path / "pages"
    assert run(root, "site", "render", str(out), "--today", helpers.TODAY, "--audience", "internal").exit_code == 0
    assert "outside a git repository" in (out / "docs" / "changelog.md").read_text()


# Joint commitments are another department's obligation: `strat diff` says each in words,
# in every format, wherever it appears (a new item, a whole new `joint` field, a new goal,
# a removed one), never as a raw mapping and never hidden behind "new goal …".
JOINT_CASES = [
    ("a joint goal added to a goal that had none",
     {"strategy/goals/deflection.yaml": ("checkins:\n", "joint:\n  - department: product\n    owner: asmith\n"
                                                  "    commitment: Re-plan the Q1 roadmap\n    metric: activation-rate\n"
                                                  "    target: 0.5\ncheckins:\n")}, None,
     ["goal `support-deflection`: `product`'s leader `asmith` commits to “Re-plan the Q1 roadmap”, measured by "
      "`activation-rate` reaching 0.5"]),
    ("a new goal carrying a joint goal", {}, "strategy/goals/in-app-help.yaml",
     ["new goal `in-app-help` under objective `grow-retention`",
      "goal `in-app-help`: `support`'s leader `bjones` commits to “Two agents move to outreach”"]),
]


@pytest.mark.parametrize(("label", "edits", "new_file", "expected"), JOINT_CASES, ids=[c[0] for c in JOINT_CASES])
def test_diff_says_joint_commitments_in_words(repo: Path, label: str, edits: dict[str, tuple[str, str]],
                                             new_file: str | None, expected: list[str]) -> None:
    base = "HEAD~1" if new_file else "HEAD"
    for rel, (old, new) in edits.items():
        edit(repo / rel, old, new)
    text = run(repo, "diff", base, "--format", "text").stdout
    markdown = run(repo, "diff", base, "--format", "markdown").stdout
    sentences = [s for c in run(repo, "diff", base, "--format", "json").json["changes"] for s in c["sentences"]]
    for sentence in expected:
        assert sentence in sentences
        assert f"  {sentence}" in text.splitlines()
        assert sentence.split(": ", 1)[-1] in markdown
    assert "{department" not in text + markdown


def test_diff_says_a_removed_joint_commitment_in_words(repo: Path) -> None:
    goal = repo / "strategy/goals/faster-activation.yaml"
    text = goal.read_text()
    goal.write_text(text[:text.index("joint:\n")] + text[text.index("checkins:\n"):])
    [change] = run(repo, "diff", "HEAD", "--format", "json").json["changes"]
    assert change["sentences"] == [
        "goal `faster-activation`: `support`'s leader `bjones` no longer commits to “Move two agents from setup "
        "questions to outreach to at-risk accounts”, measured by `setup-tickets` reaching 900"]


HOSTILE_COMMITMENTS = [
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m", "&#92;x1b&#91;31mred&#92;x1b&#91;0m"),
    ("<script>alert(1)</script>", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("two\nlines", "two\\nlines", "two&#92;nlines"),
]


@pytest.mark.parametrize(("commitment", "in_text", "in_markdown"), HOSTILE_COMMITMENTS)
def test_joint_commitment_words_are_inert(repo: Path, commitment: str, in_text: str, in_markdown: str) -> None:
    import json as json_module

    quoted = json_module.dumps(commitment)
    edit(repo / "strategy/goals/deflection.yaml", "checkins:\n",
         f"joint:\n  - department: product\n    owner: asmith\n    commitment: {quoted}\ncheckins:\n")
    text = run(repo, "diff", "HEAD", "--format", "text").stdout
    markdown = run(repo, "diff", "HEAD", "--format", "markdown").stdout
    sentences = [s for c in run(repo, "diff", "HEAD", "--format", "json").json["changes"] for s in c["sentences"]]
    assert f"commits to “{commitment}”" in sentences[0]  # JSON keeps the exact text
    assert f"commits to “{in_text}”" in text
    assert "\x1b" not in text and "\x1b" not in markdown and "<script>" not in markdown
    assert in_markdown in markdown, markdown
