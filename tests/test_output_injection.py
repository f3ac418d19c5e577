"""Output injection, end to end: hostile text in YAML (double-quoted escapes), in git
author names and commit messages, and in file names, through every command that shows
it, in every format. Assertions are on the raw bytes strat writes: no control, escape or
bidi character reaches a terminal or CI log, no line reads as a GitHub workflow command,
Markdown keeps each value inside its line and mentions nobody, JSON and SARIF stay valid.

This module runs the real CLI only (no import of the neutraliser), so it runs, and
fails, against code without it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import helpers
from strat.cli import main

# Each payload alone (diff sentences cut values at 80 characters).
PAYLOADS = [
    "csi \x1b[2J\x1b[31mred",
    "osc \x1b]0;pwned\x07 title",
    "osc8 \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "bel \x07\x07 ring",
    "cr \r## No strategy change",
    "lf \n::warning::injected",
    "bidi invoice\u202egnp.exe",
    "c1 \x9b31m and \x85 next",
    "sep a\u2028b\u2029c",
    "ping @org/team and @someone",
    "see #123",
    "html <img src=x onerror=alert(1)>",
    "link [x](javascript:alert(1)) ](javascript:alert(1))",
    "table | a | b |",
    "legacy ##[error]x",
]
# What must never reach a terminal or a log: ESC, BEL, CR, NUL, C1 controls (UTF-8
# encoded), bidi controls, line and paragraph separators.
FORBIDDEN = [b"\x1b", b"\x07", b"\r", b"\x00", "\x9b".encode(), "\x85".encode(), "\u202e".encode(),
             "\u2028".encode(), "\u2029".encode()]
TEXT_FIELDS = [  # (file, YAML line to replace, field name) in the base strategy
    ("strategy/goals/faster-activation.yaml", "title: Half of new accounts send an invoice in week one", "title"),
    ("strategy/goals/faster-activation.yaml", "customer_progress: I sent my first invoice the day I signed up, "
                                              "and got paid that week.", "customer_progress"),
    ("strategy/goals/faster-activation.yaml", "    note: Wizard live for half of sign-ups.", "    note"),
    ("strategy/goals/faster-activation.yaml", "  basis: 18 points more activation x 1,000 sign-ups a month x EUR 33 "
                                              "first-year value", "  basis"),
    ("strategy/goals/faster-activation.yaml", "    effect: About 300 fewer setup tickets a month", "    effect"),
    ("strategy/goals/support-deflection.yaml", "title: Fewer setup tickets reach an agent in the first half of 2027",
     "title"),
    ("strategy/goals/support-deflection.yaml", "    note: Baseline read before the period starts.", "    note"),
    ("strategy/goals/support-deflection.yaml", "  basis: 200 fewer tickets a month x EUR 12 x 12 months, rounded down",
     "  basis"),
    ("strategy/teams/onboarding.yaml", "name: Onboarding", "name"),
    ("strategy/teams/onboarding.yaml", "mission: Get every new account to its first paid invoice within a week.",
     "mission"),
]
# The team's name, shown by roi and tree, carries several at once.
TEAM_NAME = "Team \x1b]0;pwned\x07 @org/team #123\r## No strategy change \u202e| x |"
FIELD_PAYLOADS = PAYLOADS[3:11] + [TEAM_NAME, PAYLOADS[11]]  # one per text field; the person's keys hold all
AUTHORS = ["Eve \x1b]0;pwned\x07\u202e", "Mal \x1b[2J\x9b31m", "Rex \x1b]8;;https://evil.example\x1b\\x"]
SUBJECTS = ["subject \x1b]0;pwned\x07\r::warning::z", "##[error]legacy @org/team #123", "bidi \u202eevil"]


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, every character outside printable ASCII
    written as an escape (the file itself holds no control character)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}")
    return '"' + "".join(out) + '"'


def run(args: list[str], cwd: Path) -> tuple[int | None, bytes, bytes]:
    """`strat ARGS` through the real entry point; the raw bytes of stdout and stderr."""
    runner = CliRunner()
    previous = os.getcwd()
    code: int | None = None
    with runner.isolation() as (out, err, _):
        os.chdir(cwd)
        try:
            main(args)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 2
        finally:
            os.chdir(previous)
            sys.stdout.flush()
            sys.stderr.flush()
        return code, out.getvalue(), err.getvalue()


def git(root: Path, *args: str, author: str = "Ana Lyst", when: str = "2026-10-01T10:00:00+00:00") -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(root), "-c", f"user.name={author}", "-c", "user.email=a@example.invalid",
                    *args], check=True, capture_output=True, env=env)


def assert_inert(raw: bytes, *markers: str, commands_allowed: bool = False) -> str:
    """The output is UTF-8 holding no forbidden byte and no workflow command; each marker
    (a visible part of a payload) is in it, so the payload was shown, not dropped."""
    text = raw.decode("utf-8")  # strict: a lone surrogate could not have been written
    for bad in FORBIDDEN:
        assert bad not in raw, (bad, text[:2000])
    for line in text.split("\n"):
        if commands_allowed and line.startswith("::"):
            continue  # strat's own annotation: the runner parses `::` first, so `##[` in its data is data
        assert "##[" not in line, line
        assert not line.lstrip().startswith("::"), line
    for marker in markers:
        assert marker in text, (marker, text[:3000])
    return text


def assert_markdown(text: str, *value_markers: str) -> None:
    """No value leaves its line or becomes markup; nobody is mentioned."""
    assert "@org/team" not in text and "@someone" not in text
    assert not re.search(r"(?<![&\w])#\d", text)  # no #123 reference
    assert "<img" not in text and "](javascript" not in text and "[x]" not in text
    for line in text.split("\n"):
        if any(marker in line for marker in value_markers):
            assert line.startswith(("- ", "  - ", "| ")), line  # a list item or table row of strat's
        if line.startswith("|"):
            assert line.count("|") - line.count("\\|") == table_borders(text, line), line


def table_borders(text: str, row: str) -> int:
    """The number of cell borders of the table `row` belongs to (its header's)."""
    lines = text.split("\n")
    i = lines.index(row)
    while i > 0 and lines[i - 1].startswith("|"):
        i -= 1
    return lines[i].count("|")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base strategy; then three commits by hostile authors with hostile subjects that
    set the goal's title to one payload after another; then one commit setting ten text
    fields to payloads and adding a person whose unknown keys are payloads (S103)."""
    root = helpers.copy_base(tmp_path_factory.mktemp("inject") / "repo")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Initial strategy")
    goal = root / "strategy/goals/faster-activation.yaml"
    original = "title: Half of new accounts send an invoice in week one"
    for i, (author, subject) in enumerate(zip(AUTHORS, SUBJECTS)):
        text = goal.read_text(encoding="utf-8")
        current = next(line for line in text.splitlines() if line.startswith("title: "))
        goal.write_text(text.replace(current, f"title: {yaml_quoted(PAYLOADS[i])}"), encoding="utf-8")
        git(root, "commit", "-qam", subject, author=author, when=f"2026-10-0{i + 2}T10:00:00+00:00")
    goal.write_text(goal.read_text(encoding="utf-8").replace(
        next(line for line in goal.read_text(encoding="utf-8").splitlines() if line.startswith("title: ")),
        original), encoding="utf-8")
    git(root, "commit", "-qam", "Title back", when="2026-10-06T10:00:00+00:00")
    for (rel, line, field), payload in zip(TEXT_FIELDS, FIELD_PAYLOADS, strict=True):
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert line in text, line
        path.write_text(text.replace(line, f"{field}: {yaml_quoted(payload)}"), encoding="utf-8")
    keys = "".join(f"{yaml_quoted(p)}: 1\n" for p in PAYLOADS)
    (root / "strategy/people/odd.yaml").write_text(f"kind: Person\nid: odd\nname: Odd\n{keys}", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Hostile text everywhere", when="2026-10-07T10:00:00+00:00")
    return root


# Visible parts of the payloads, present in the output when the payload was shown.
SHOWN = ["pwned", "No strategy change", "invoice"]


def test_history_text(repo: Path) -> None:
    code, out, err = run(["history", "faster-activation"], repo)
    assert code == 0, err
    text = assert_inert(out, "pwned", "Eve", "Mal", "subject", "legacy", "No strategy change")
    assert "gnp.exe" in text  # the bidi payload is shown, its override made visible


def test_history_json(repo: Path) -> None:
    code, out, err = run(["history", "faster-activation", "-f", "json"], repo)
    assert code == 0, err
    assert_inert(out, "pwned")
    data = json.loads(out)
    assert {c["author"] for c in data["changes"]} >= set(AUTHORS)  # JSON keeps the exact text
    assert set(SUBJECTS) <= {c["subject"] for c in data["changes"]}


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_diff(repo: Path, fmt: str) -> None:
    code, out, err = run(["diff", "HEAD~1", "HEAD", "--format", fmt], repo)
    assert code == 0, err
    text = assert_inert(out, *SHOWN)
    assert_inert(err)
    if fmt == "markdown":
        assert_markdown(text, *SHOWN, "table")
    if fmt == "json":
        data = json.loads(text)
        new = {f["new"] for c in data["changes"] for f in c["fields"] if isinstance(f["new"], str)}
        assert set(FIELD_PAYLOADS) <= new  # exact strings for tools


@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif", "markdown"])
def test_lint(repo: Path, fmt: str) -> None:
    code, out, err = run(["lint", "--format", fmt, "--today", helpers.TODAY], repo)
    assert code == 1, err  # the unknown keys are errors
    text = assert_inert(out, "pwned", commands_allowed=fmt == "github")
    assert_inert(err)
    if fmt == "github":
        from test_formats import commands

        found = commands(text)
        assert {c.name for c in found} <= {"error", "warning", "notice"}
        assert sum(1 for c in found if c.properties.get("file") == "strategy/people/odd.yaml") == len(PAYLOADS)
    if fmt == "markdown":
        assert_markdown(text, *SHOWN)
    if fmt in ("json", "sarif"):
        json.loads(text)


def test_job_summary(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run(["lint", "--format", "github", "--today", helpers.TODAY], repo)
    assert_markdown(assert_inert(summary.read_bytes(), "pwned"), *SHOWN)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_roi(repo: Path, fmt: str) -> None:
    code, out, err = run(["roi", "--format", fmt], repo)
    assert code == 0, err
    text = assert_inert(out, "pwned", "No strategy change")  # the onboarding team's name
    if fmt == "text":  # shown visibly (strat.inert's convention), not silently dropped
        assert "\\x1b]0;pwned\\x07" in text and "<U+202E>" in text
    if fmt == "markdown":
        assert_markdown(text, *SHOWN)


def test_tree(repo: Path) -> None:
    code, out, err = run(["tree", "--color"], repo)
    assert code == 0, err
    raw = out.replace(b"\x1b[0m", b"")
    raw = re.sub(rb"\x1b\[[0-9;]*m", b"", raw)  # strat's own colours, asked for with --color
    text = assert_inert(raw, "ring", "sep a")  # the two goal titles
    assert "\\x07\\x07 ring" in text and "a<U+2028>b" in text  # shown visibly, not silently dropped
    assert_inert(err)


def test_checkin_csv_error_echoes_no_escape(repo: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "readings.csv"
    sheet.write_bytes("goal,value\n\"x\x1b]0;pwned\x07\u202ey\r\n::warning::q\",1\n".encode())
    code, out, err = run(["checkin", "--csv", str(sheet), "--dry-run"], repo)
    assert code == 1
    assert_inert(out + err, "pwned", "no goal")


def test_codeowners_notes_echo_no_escape(repo: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True)
    goal = work / "strategy/goals/fewer-setup-tickets.yaml"
    text = goal.read_text(encoding="utf-8")
    owner = next(line for line in text.splitlines() if line.startswith("owner: "))
    goal.write_text(text.replace(owner, f"owner: {yaml_quoted('x' + PAYLOADS[1] + PAYLOADS[4])}"), encoding="utf-8")
    code, out, err = run(["codeowners", "--check"], work)
    assert code in (0, 1)
    assert_inert(out + err)


# --- file names and arguments that are not UTF-8 ------------------------------------------


@pytest.fixture(scope="module")
def odd_name(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base strategy plus a person with an unknown key in a file whose name is not
    UTF-8 and holds an escape character."""
    root = helpers.copy_base(tmp_path_factory.mktemp("odd") / "repo")
    name = os.fsdecode(b"strategy/people/p\xff\x1b]0;pwned\x07.yaml")
    (root / name).write_text("kind: Person\nid: p\nname: P\nx: 1\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif", "markdown"])
def test_lint_file_name_not_utf8(odd_name: Path, fmt: str) -> None:
    code, out, err = run(["lint", "--format", fmt, "--today", helpers.TODAY], odd_name)
    assert code == 1, err  # the finding, not a crash (2)
    text = assert_inert(out, "pwned", commands_allowed=fmt == "github")
    assert ("%FF" if fmt == "sarif" else "xff") in text  # the byte is shown, not lost
    if fmt == "sarif":
        from test_formats import URI_REFERENCE, assert_valid_sarif

        log = json.loads(text)
        assert_valid_sarif(log)
        [result] = log["runs"][0]["results"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert URI_REFERENCE.match(uri) and "%FF%1B" in uri
    if fmt == "json":
        [d] = json.loads(text)["diagnostics"]
        assert d["path"].startswith("strategy/people/p\\xff")


@pytest.mark.parametrize("args", [
    ["checkin", "faster-activation", "--value", "0.4", "--note", "bad\udcffnote"],
    ["checkin", "faster-activation", "--value", "0.4", "--by", "c\udcffwu"],
    ["checkin", "faster\udcff", "--value", "0.4"],
    ["history", "faster\udcff-activation"],
    ["history", "faster-activation", "--rev", "HEAD\udcff"],
    ["diff", "HEAD\udcff"],
    ["tree", "grow\udcff"],
], ids=["note", "by", "goal", "history-id", "history-rev", "diff-base", "tree-id"])
def test_arguments_not_utf8_are_refused_in_words(repo: Path, tmp_path: Path, args: list[str]) -> None:
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True)
    before = subprocess.run(["git", "-C", str(work), "status", "--porcelain"], capture_output=True).stdout
    code, out, err = run(args, work)
    assert code == 2
    message = assert_inert(err)
    assert "not valid UTF-8" in message and "0xFF" in message, message
    assert "internal error" not in message
    assert subprocess.run(["git", "-C", str(work), "status", "--porcelain"], capture_output=True).stdout == before
