"""`strat checkin`: check-ins are inserted in place, every other byte of the file is
kept, the result is validated before anything is written, and the CSV mode is all or
nothing. Every test runs the real CLI in a real git repository (a copy of the base
strategy) and reads the files back from disk."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from helpers import copy_base, lint_json, run_cli

GOAL = "strategy/goals/faster-activation.yaml"

# The goal's fields that every variant below keeps (so the base strategy stays valid).
HEAD = """kind: Goal
id: faster-activation
title: Half of new accounts send an invoice in week one
owner: cwu
team: onboarding
parent: grow-retention
period: 2026-h2
"""


def repo(tmp_path: Path, goal_text: str | bytes) -> Path:
    return copy_base(tmp_path / "repo", {GOAL: goal_text})


def checkin(root: Path, *args: str):
    return run_cli(["checkin", *args], cwd=root)


def all_goal_bytes(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "strategy").rglob("*.yaml"))}


# --- golden before/after texts --------------------------------------------------------------

GOLDEN = {
    # Comments everywhere, odd quoting, a comment on `current` (kept when the value changes).
    "comments-and-quoting": (
        "# Goal file, hand-edited.\n" + HEAD +
        "customer_progress: 'It''s done: \"quoted\" bits # not a comment'\n"
        "outcome:   # the outcome\n"
        "  metric: \"activation-rate\"\n"
        "  baseline: 0.32\n"
        "  target: 0.50      # half\n"
        "  current: 0.38     # updated by strat checkin\n"
        "checkins:\n"
        "  # first reading\n"
        "  - date: 2026-11-01   # a Sunday\n"
        "    value: 0.35\n"
        "    note: >-\n"
        "      Folded\n"
        "      note.\n"
        "# end of file comment\n",
        ["faster-activation", "--value", "0.40", "--date", "2026-11-20", "--confidence", "0.7",
         "--note", "Wizard: on for everyone", "--by", "cwu"],
        "# Goal file, hand-edited.\n" + HEAD +
        "customer_progress: 'It''s done: \"quoted\" bits # not a comment'\n"
        "outcome:   # the outcome\n"
        "  metric: \"activation-rate\"\n"
        "  baseline: 0.32\n"
        "  target: 0.50      # half\n"
        "  current: 0.4     # updated by strat checkin\n"
        "checkins:\n"
        "  # first reading\n"
        "  - date: 2026-11-01   # a Sunday\n"
        "    value: 0.35\n"
        "    note: >-\n"
        "      Folded\n"
        "      note.\n"
        "  - date: 2026-11-20\n"
        "    value: 0.4\n"
        "    confidence: 0.7\n"
        "    note: \"Wizard: on for everyone\"\n"
        "    by: cwu\n"
        "# end of file comment\n",
    ),
    # A flow list stays a flow list: the new check-in is appended inside the brackets.
    "flow-list": (
        HEAD + "outcome: {metric: activation-rate, baseline: 0.32, target: 0.5}\n"
        "checkins: [{date: 2026-11-01, value: 0.35}]  # readings\n"
        "customer_progress: I got paid.\n",
        ["faster-activation", "--value", "0.36", "--date", "2026-11-08"],
        HEAD + "outcome: {metric: activation-rate, baseline: 0.32, target: 0.5}\n"
        "checkins: [{date: 2026-11-01, value: 0.35}, {date: 2026-11-08, value: 0.36}]  # readings\n"
        "customer_progress: I got paid.\n",
    ),
    "empty-flow-list": (
        HEAD + "outcome: {metric: activation-rate, baseline: 0.32, target: 0.5}\ncheckins: []\n",
        ["faster-activation", "--value", "0.36", "--date", "2026-11-08", "--note", "yes"],
        HEAD + "outcome: {metric: activation-rate, baseline: 0.32, target: 0.5}\n"
        "checkins: [{date: 2026-11-08, value: 0.36, note: \"yes\"}]\n",
    ),
    # CRLF line endings and a BOM survive; the new lines use CRLF too.
    "crlf-and-bom": (
        ("\ufeff" + HEAD + "outcome:\n  metric: activation-rate\n  baseline: 0.32\n  target: 0.5\n"
         "checkins:\n  - date: 2026-11-01\n    value: 0.35\n").replace("\n", "\r\n"),
        ["faster-activation", "--value", "0.4", "--date", "2026-11-20"],
        ("\ufeff" + HEAD + "outcome:\n  metric: activation-rate\n  baseline: 0.32\n  target: 0.5\n"
         "checkins:\n  - date: 2026-11-01\n    value: 0.35\n  - date: 2026-11-20\n    value: 0.4\n"
         ).replace("\n", "\r\n"),
    ),
    # Four-space indentation and no `checkins` yet: the key is added at the end of the
    # document, indented like the document's other lists.
    "four-spaces-no-checkins": (
        HEAD + "outcome:\n    metric: activation-rate\n    baseline: 0.32\n    target: 0.5\n"
        "benefits:\n    -   department: support\n        effect: Fewer tickets\n"
        "joint:\n    -   department: support\n        owner: bjones\n        commitment: Move two agents\n",
        ["faster-activation", "--value", "0.4", "--date", "2026-11-20", "--confidence", "1"],
        HEAD + "outcome:\n    metric: activation-rate\n    baseline: 0.32\n    target: 0.5\n"
        "benefits:\n    -   department: support\n        effect: Fewer tickets\n"
        "joint:\n    -   department: support\n        owner: bjones\n        commitment: Move two agents\n"
        "checkins:\n    -   date: 2026-11-20\n        value: 0.4\n        confidence: 1\n",
    ),
    # Indentless lists (`-` at the key's column) stay indentless.
    "indentless-list": (
        HEAD + "outcome:\n  metric: activation-rate\n  baseline: 0.32\n  target: 0.5\n"
        "checkins:\n- date: 2026-11-01\n  value: 0.35\n",
        ["faster-activation", "--value", "0.4", "--date", "2026-11-20"],
        HEAD + "outcome:\n  metric: activation-rate\n  baseline: 0.32\n  target: 0.5\n"
        "checkins:\n- date: 2026-11-01\n  value: 0.35\n- date: 2026-11-20\n  value: 0.4\n",
    ),
    # Several documents: only the goal's document changes, the others keep every byte.
    "multi-document": (
        "# two goals and a comment\n---\n" + HEAD +
        "outcome:\n  metric: activation-rate\n  baseline: 0.32\n  target: 0.5\n"
        "checkins:\n  - {date: 2026-11-01, value: 0.35}\n"
        "---   # the second goal\n"
        "kind: Goal\nid: second-goal\ntitle: 'Another: goal'\nowner: cwu\nteam: onboarding\n"
        "parent: grow-retention\nperiod: 2026-h2\n"
        "outcome: {metric: activation-rate, baseline: 0.3, target: 0.4}\n"
        "checkins:\n  - date: 2026-11-01\n    value: 0.31\n",
        ["faster-activation", "--value", "0.4", "--date", "2026-11-20"],
        "# two goals and a comment\n---\n" + HEAD +
        "outcome:\n  metric: activation-rate\n  baseline: 0.32\n  target: 0.5\n"
        "checkins:\n  - {date: 2026-11-01, value: 0.35}\n  - {date: 2026-11-20, value: 0.4}\n"
        "---   # the second goal\n"
        "kind: Goal\nid: second-goal\ntitle: 'Another: goal'\nowner: cwu\nteam: onboarding\n"
        "parent: grow-retention\nperiod: 2026-h2\n"
        "outcome: {metric: activation-rate, baseline: 0.3, target: 0.4}\n"
        "checkins:\n  - date: 2026-11-01\n    value: 0.31\n",
    ),
    # A back-dated check-in goes into its place (oldest first) and leaves `current` alone.
    "back-dated": (
        HEAD + "outcome:\n  metric: activation-rate\n  baseline: 0.32\n  target: 0.5\n  current: 0.38\n"
        "checkins:\n  - date: 2026-11-15\n    value: 0.38\n",
        ["faster-activation", "--value", "0.36", "--date", "2026-11-01"],
        HEAD + "outcome:\n  metric: activation-rate\n  baseline: 0.32\n  target: 0.5\n  current: 0.38\n"
        "checkins:\n  - date: 2026-11-01\n    value: 0.36\n  - date: 2026-11-15\n    value: 0.38\n",
    ),
    # No line break at the end of the file: still none after the edit.
    "no-final-newline": (
        HEAD + "outcome:\n  metric: activation-rate\n  baseline: 0.32\n  target: 0.5",
        ["faster-activation", "--value", "1e-1", "--date", "2026-11-20"],
        HEAD + "outcome:\n  metric: activation-rate\n  baseline: 0.32\n  target: 0.5\n"
        "checkins:\n  - date: 2026-11-20\n    value: 0.1",
    ),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_before_after(tmp_path: Path, name: str) -> None:
    before, args, after = GOLDEN[name]
    root = repo(tmp_path, before.encode("utf-8"))
    result = checkin(root, *args)
    assert result.exit_code == 0, result.stderr
    assert (root / GOAL).read_bytes() == after.encode("utf-8")
    lint = lint_json(root)
    assert lint.exit_code == 0, lint.stdout


def test_only_bytes_are_added_outside_current(tmp_path: Path) -> None:
    """Every original byte is still there, in order: the edit is one insertion (plus the
    `current` value)."""
    before, args, _ = GOLDEN["multi-document"]
    root = repo(tmp_path, before)
    assert checkin(root, *args).exit_code == 0
    after = (root / GOAL).read_text(encoding="utf-8")
    at = next(i for i, (a, b) in enumerate(zip(before, after)) if a != b)
    inserted = len(after) - len(before)
    assert after[:at] + after[at + inserted:] == before


def test_message_names_the_file_and_the_current_update(tmp_path: Path) -> None:
    before, args, _ = GOLDEN["comments-and-quoting"]
    root = repo(tmp_path, before)
    result = checkin(root, *args)
    assert result.stdout == (f"{GOAL}: goal `faster-activation` checked in 0.4 on 2026-11-20; "
                             "outcome.current 0.38 → 0.4\n")


def test_date_defaults_to_today(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    assert checkin(root, "fewer-setup-tickets", "--value", "1000").exit_code == 0
    text = (root / "strategy/goals/fewer-setup-tickets.yaml").read_text()
    assert text.endswith(f"  - date: {dt.date.today().isoformat()}\n    value: 1000\n")


def test_the_result_reads_back_through_lint(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    assert checkin(root, "support-deflection", "--value", "870", "--date", "2026-11-20",
                   "--note", "It's: \"tricky\" # text\nover two lines").exit_code == 0
    assert lint_json(root).exit_code == 0
    from strat.load import load_file

    source, diags = load_file(root / "strategy/goals/support-deflection.yaml", "x.yaml")
    assert not diags and source is not None
    assert source.documents[0].data["checkins"][-1] == {
        "date": "2026-11-20", "value": 870, "note": "It's: \"tricky\" # text\nover two lines"}


# --- refusals: exit 1, reasons, nothing written ---------------------------------------------


def test_bad_values_are_all_reported_and_nothing_is_written(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    before = all_goal_bytes(root)
    result = checkin(root, "faster-activaton", "--value", "45%", "--date", "2999-01-01", "--confidence", "70",
                     "--by", "cw")
    assert result.exit_code == 1
    err = result.stderr
    assert "no goal or objective with id `faster-activaton`; did you mean `faster-activation`?" in err
    # No goal, so no metric says how to read 45%.
    assert "value must be a number, got '45%' (write a percentage as a number" in err
    assert "date 2999-01-01 is in the future" in err
    assert "confidence is a number from 0 to 1, got 70: for 70% write 0.7 (or 70%)" in err
    assert "`by` names `cw`, but there is no Person with that id; did you mean `cwu`?" in err
    assert "nothing was written" in err
    assert all_goal_bytes(root) == before


@pytest.mark.parametrize("args, message", [
    (["no-such-goal", "--value", "1"], "no goal or objective with id `no-such-goal`"),
    (["onboarding", "--value", "1"], "no goal or objective with id `onboarding` (`onboarding` is a Team)"),
    (["faster-activation", "--value", "nan"], "value must be a number"),
    (["faster-activation", "--value", "0.4", "--date", "2026-02-30"], "2026-02-30 is not a real calendar date"),
    (["faster-activation", "--value", "0.4", "--date", "20.11.2026"], "date must be written YYYY-MM-DD"),
    (["faster-activation", "--value", "0.4", "--confidence", "-0.1"],
     "confidence is a number from 0 to 1 (0.7 for 70%), got -0.1"),
    (["faster-activation", "--value", "0.4", "--note", "bell\x07"], "control character"),
    (["faster-activation", "--value", "0.4", "--date", "2026-11-15"], "already has a check-in dated 2026-11-15"),
])
def test_refused(tmp_path: Path, args: list[str], message: str) -> None:
    root = copy_base(tmp_path / "repo")
    before = all_goal_bytes(root)
    result = checkin(root, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert all_goal_bytes(root) == before


def test_a_file_with_a_schema_error_is_refused_with_file_and_line(tmp_path: Path) -> None:
    before, _, _ = GOLDEN["back-dated"]
    broken = before.replace("period: 2026-h2\n", "period: 2026-h2\ntitel: typo\n")
    root = repo(tmp_path, broken)
    result = checkin(root, "faster-activation", "--value", "0.4", "--date", "2026-11-20")
    assert result.exit_code == 1
    assert f"{GOAL}:8:1: S103" in result.stderr
    assert "already has this error" in result.stderr
    assert (root / GOAL).read_text() == broken


def test_a_symlink_leading_outside_the_repository_is_never_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(GOLDEN["back-dated"][0])
    root = copy_base(tmp_path / "repo")
    (root / GOAL).unlink()
    (root / GOAL).symlink_to(outside)
    result = checkin(root, "faster-activation", "--value", "0.4", "--date", "2026-11-20")
    assert result.exit_code == 1
    assert outside.read_text() == GOLDEN["back-dated"][0]


def test_a_symlink_inside_the_repository_is_written_through(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    real = root / "strategy/goals/real.yml"
    (root / GOAL).rename(real)
    (root / GOAL).symlink_to("real.yml")
    assert checkin(root, "faster-activation", "--value", "0.4", "--date", "2026-11-20").exit_code == 0
    assert (root / GOAL).is_symlink()
    assert "  - date: 2026-11-20\n    value: 0.4\n" in real.read_text()


def test_permissions_are_kept_and_no_temp_file_is_left(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    os.chmod(root / GOAL, 0o640)
    assert checkin(root, "faster-activation", "--value", "0.4", "--date", "2026-11-20").exit_code == 0
    assert stat.S_IMODE(os.stat(root / GOAL).st_mode) == 0o640
    assert sorted(p.name for p in (root / GOAL).parent.iterdir()) == [
        "faster-activation.yaml", "fewer-setup-tickets.yaml", "support-deflection.yaml"]


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    before = all_goal_bytes(root)
    result = checkin(root, "faster-activation", "--value", "0.4", "--date", "2026-11-20", "--dry-run")
    assert result.exit_code == 0
    assert f"+++ b/{GOAL}" in result.stdout
    assert "+  - date: 2026-11-20\n" in result.stdout and "-  current: 0.38\n" in result.stdout
    assert all_goal_bytes(root) == before


@pytest.mark.parametrize("args", [
    [],
    ["faster-activation"],
    ["faster-activation", "--value", "1", "--csv", "x.csv"],
    ["--csv", "does-not-exist.csv"],
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    root = copy_base(tmp_path / "repo")
    (root / "x.csv").write_text("goal,value\n")
    assert checkin(root, *args).exit_code == 2


# --- CSV ----------------------------------------------------------------------------------


def test_csv_adds_every_row(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    (root / "readings.csv").write_bytes(
        "\ufeffGoal, Date ,Value,Confidence,Note,x-source\r\n"
        "\r\n"
        "faster-activation,2026-11-20,0.41,0.7,\"two\r\nlines, and a comma\",warehouse\r\n"
        ",,,,,\r\n"
        "fewer-setup-tickets,2026-11-20,1000,,,warehouse\r\n"
        "faster-activation,2026-11-21,0.42,,,warehouse\r\n".encode("utf-8"))
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
    goal = (root / GOAL).read_text()
    assert goal.endswith("  - date: 2026-11-20\n    value: 0.41\n    confidence: 0.7\n"
                         "    note: \"two\\nlines, and a comma\"\n  - date: 2026-11-21\n    value: 0.42\n")
    assert "  current: 0.42\n" in goal
    assert (root / "strategy/goals/fewer-setup-tickets.yaml").read_text().endswith(
        "  - date: 2026-11-20\n    value: 1000\n")
    assert lint_json(root).exit_code == 0


def test_csv_is_all_or_nothing_and_reports_every_bad_row_with_its_line(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    before = all_goal_bytes(root)
    (root / "readings.csv").write_text(
        "goal,date,value,confidence,note,by\n"
        "faster-activation,2026-11-20,0.41,0.7,fine,cwu\n"
        "\n"
        "fewer-setup-tikets,2026-11-20,1000,,,\n"
        "support-deflection,2026-11-20,lots,,,\n"
        "support-deflection,2026-11-20,880,,\"a\nb\",nobody\n"
        "faster-activation,2026-11-20,0.42,,,\n"
        "support-deflection,2026-11-20,880,,,\n"
        "faster-activation,2026-11-21,0.42\n")
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "readings.csv:4: no goal or objective with id `fewer-setup-tikets`; did you mean `fewer-setup-tickets`?" in lines
    assert "readings.csv:5: value must be a number, got 'lots'" in lines
    assert any(line.startswith("readings.csv:6: `by` names `nobody`") for line in lines)
    assert any(line.startswith("readings.csv:8: goal `faster-activation` gets two check-ins dated 2026-11-20 "
                               "(the other from readings.csv:2)") for line in lines)
    assert "readings.csv:10: this row has 3 fields, the header has 6" in lines
    assert not any(line.startswith("readings.csv:9:") for line in lines)
    assert all_goal_bytes(root) == before


@pytest.mark.parametrize("content, message", [
    ("goal,date,value,confidance\nfaster-activation,2026-11-20,0.4,0.7\n",
     "readings.csv:1: unknown column `confidance`; did you mean `confidence`?"),
    ("goal,date\nfaster-activation,2026-11-20\n", "readings.csv:1: no `value` column"),
    ("goal,value,value\nfaster-activation,1,2\n", "readings.csv:1: column `value` appears twice"),
    ("\n\n", "readings.csv:1: no header row"),
    ("goal,value\n\"faster-activation,0.4\n", "readings.csv:2: not valid CSV"),
])
def test_csv_file_problems(tmp_path: Path, content: str, message: str) -> None:
    root = copy_base(tmp_path / "repo")
    (root / "readings.csv").write_text(content)
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 1
    assert message in result.stderr


def test_csv_not_utf8(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    (root / "readings.csv").write_bytes(b"goal,value,note\nfaster-activation,0.4,caf\xe9\n")
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 1
    assert "readings.csv:2: not UTF-8 text" in result.stderr


def test_csv_with_a_header_only_does_nothing(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    before = all_goal_bytes(root)
    (root / "readings.csv").write_text("goal,value\n")
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 0
    assert "nothing to do" in result.stderr
    assert all_goal_bytes(root) == before


# --- the writer ---------------------------------------------------------------------------


def test_write_all_writes_nothing_when_one_file_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from strat import write

    (tmp_path / "a.txt").write_bytes(b"a")
    (tmp_path / "b.txt").write_bytes(b"b")
    real = write._write_temp
    calls = []

    def failing(temp: Path, item: "write._Checked") -> int:
        calls.append(item.rel)
        if item.rel == "b.txt":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(temp, item)

    monkeypatch.setattr(write, "_write_temp", failing)
    with pytest.raises(write.WriteRefused, match="No space left"):
        write.write_all(tmp_path, [write.FileChange("a.txt", b"A", b"a"), write.FileChange("b.txt", b"B", b"b")])
    assert calls == ["a.txt", "b.txt"]
    assert (tmp_path / "a.txt").read_bytes() == b"a" and (tmp_path / "b.txt").read_bytes() == b"b"
    # Only the lock file is new (this folder is not a git repository): no temp file, no journal.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".strat-lock", "a.txt", "b.txt"]


def test_write_all_refuses_a_file_that_changed_since_it_was_read(tmp_path: Path) -> None:
    from strat import write

    (tmp_path / "a.txt").write_bytes(b"changed")
    with pytest.raises(write.WriteRefused, match="changed on disk"):
        write.write_all(tmp_path, [write.FileChange("a.txt", b"new", b"old")])
    assert (tmp_path / "a.txt").read_bytes() == b"changed"


def test_write_all_refuses_paths_outside_the_root(tmp_path: Path) -> None:
    from strat import write

    (tmp_path / "root").mkdir()
    with pytest.raises(write.WriteRefused, match="outside the repository"):
        write.write_all(tmp_path / "root", [write.FileChange("../escape.txt", b"x", None)])
    assert not (tmp_path / "escape.txt").exists()


def test_a_warning_in_the_goal_file_does_not_block_a_check_in(tmp_path: Path) -> None:
    # A goal parked as comments after the last `---` is E008, a warning: lint names it, and
    # a check-in into the other goal of the file still lands (warnings never refuse).
    root = copy_base(tmp_path / "repo")
    path = root / "strategy/goals/support-deflection.yaml"
    path.write_text(path.read_text() + "---\n# kind: Goal\n# id: parked\n")
    assert lint_json(root).findings() == {("strategy/goals/support-deflection.yaml", 23, "E008")}
    result = checkin(root, "support-deflection", "--value", "870", "--date", "2026-11-20")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert path.read_text().endswith("---\n# kind: Goal\n# id: parked\n")
    assert "value: 870" in path.read_text()


def test_csv_many_rows_into_one_file_lands_in_date_order(tmp_path: Path) -> None:
    """Rows in any order for two goals of one file (one with `outcome` after its
    check-ins, one with no `checkins` yet): every check-in lands in date order, each
    goal's `current` is its newest value, and the file is composed once, not once per
    row (the old per-row composition was quadratic)."""
    import random

    import yaml

    base = (Path(__file__).parent / "cases/base" / GOAL).read_text()
    head, checkins = base.split("checkins:\n")
    outcome = head[head.index("outcome:"):head.index("customer_progress:")]
    first = head.replace(outcome, "") + "checkins:\n" + checkins + outcome  # outcome after the check-ins
    second = head.replace("id: faster-activation", "id: second-goal")  # no check-ins at all
    root = copy_base(tmp_path / "repo", {GOAL: first + "---\n" + second})
    days = [(dt.date(2020, 1, 1) + dt.timedelta(days=3 * i)).isoformat() for i in range(600)]
    rows = [("faster-activation", d, f"0.{i % 80 + 10}") for i, d in enumerate(days)]
    rows += [("second-goal", d, f"0.{i % 70 + 20}") for i, d in enumerate(days[:300])]
    rows += [("faster-activation", "2026-11-20", "0.77")]  # after the existing 2026-11-15: the newest
    random.Random(5).shuffle(rows)
    (root / "many.csv").write_text("goal,date,value\n" + "".join(f"{g},{d},{v}\n" for g, d, v in rows))
    result = checkin(root, "--csv", "many.csv")
    assert result.exit_code == 0, result.stderr[-2000:]
    docs = list(yaml.safe_load_all((root / GOAL).read_text()))
    for doc in docs:
        dates = [str(c["date"]) for c in doc["checkins"]]
        assert dates == sorted(dates)
    assert len(docs[0]["checkins"]) == 1 + 601 and len(docs[1]["checkins"]) == 300
    assert docs[0]["outcome"]["current"] == 0.77
    assert docs[1]["outcome"]["current"] == float(max((d, v) for g, d, v in rows if g == "second-goal")[1])
    assert lint_json(root).exit_code == 0


# --- first-hour edges: --by from git, percentages, confidence ------------------------------

# A goal whose outcome metric's unit is `%` (net revenue retention, in points).
NRR_GOAL = """kind: Goal
id: keep-revenue
title: Keep and grow the revenue of our customers
owner: asmith
department: support
parent: cut-support-cost
period: 2027-h1
outcome:
  metric: net-revenue-retention
  baseline: 104
  target: 110
customer_progress: We keep getting more out of the product every year.
"""
NRR = "strategy/goals/keep-revenue.yaml"


def set_git_email(root: Path, email: str) -> None:
    """The repository's own user.email (git's local configuration wins over the global)."""
    subprocess.run(["git", "-C", str(root), "config", "user.email", email], check=True)


def last_checkin(root: Path, rel: str = GOAL) -> dict:
    data = [d for d in yaml.safe_load_all((root / rel).read_text()) if d][0]
    return data["checkins"][-1]


@pytest.mark.parametrize("email", ["alice.smith@ledgerly.example", "Alice.Smith@LEDGERLY.example",
                                   "  alice.smith@ledgerly.example"])
def test_by_defaults_to_the_person_with_gits_user_email(tmp_path: Path, email: str) -> None:
    root = copy_base(tmp_path / "repo")
    set_git_email(root, email)
    result = checkin(root, "faster-activation", "--value", "0.4", "--date", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert last_checkin(root)["by"] == "asmith"
    assert "by" not in result.stderr
    assert lint_json(root).exit_code == 0


def test_an_explicit_by_always_wins(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    set_git_email(root, "alice.smith@ledgerly.example")
    result = checkin(root, "faster-activation", "--value", "0.4", "--date", "2026-11-20", "--by", "cwu")
    assert result.exit_code == 0, result.stderr
    assert last_checkin(root)["by"] == "cwu"


def test_no_person_with_the_git_email_means_no_by_and_a_note(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    set_git_email(root, "someone@else.example")
    result = checkin(root, "faster-activation", "--value", "0.4", "--date", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert "by" not in last_checkin(root)
    assert ("the check-in has no `by`: no Person has the email someone@else.example (git config user.email); "
            "give --by PERSON") in result.stderr


def test_csv_rows_are_not_given_the_git_users_by(tmp_path: Path) -> None:
    """A data job's readings are by nobody in particular: `by` comes from its column only."""
    root = copy_base(tmp_path / "repo")
    set_git_email(root, "alice.smith@ledgerly.example")
    (root / "readings.csv").write_text("goal,date,value\nfaster-activation,2026-11-20,0.4\n")
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 0, result.stderr
    assert "by" not in last_checkin(root)


@pytest.mark.parametrize("rel, goal, given, written", [
    (GOAL, "faster-activation", "45%", 0.45),         # activation-rate: unit ratio
    (GOAL, "faster-activation", "4.5 %", 0.045),
    (NRR, "keep-revenue", "14%", 14),                  # net-revenue-retention: unit %
    (NRR, "keep-revenue", "106.5%", 106.5),
    (NRR, "keep-revenue", "106.5", 106.5),
])
def test_a_percentage_reads_as_import_csv_reads_it(tmp_path: Path, rel: str, goal: str, given: str,
                                                    written: float) -> None:
    root = copy_base(tmp_path / "repo", {NRR: NRR_GOAL})
    result = checkin(root, goal, "--value", given, "--date", "2026-11-20", "--by", "asmith")
    assert result.exit_code == 0, result.stderr
    assert last_checkin(root, rel)["value"] == written
    assert lint_json(root).exit_code == 0


def test_a_ratio_goal_by_its_baseline_and_target(tmp_path: Path) -> None:
    """A metric whose unit names no share (here `share of accounts`) with a goal between
    0 and 1 is a ratio: 30% is 0.3."""
    root = copy_base(tmp_path / "repo")
    path = root / "strategy/metrics/activation-rate.yaml"
    path.write_text(path.read_text().replace("unit: ratio", "unit: share of accounts"))
    result = checkin(root, "faster-activation", "--value", "30%", "--date", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert last_checkin(root)["value"] == 0.3


@pytest.mark.parametrize("given", ["14%", "1,000%"])
def test_a_percentage_of_a_count_is_refused(tmp_path: Path, given: str) -> None:
    root = copy_base(tmp_path / "repo")
    before = all_goal_bytes(root)
    result = checkin(root, "fewer-setup-tickets", "--value", given, "--date", "2026-11-20")
    assert result.exit_code == 1
    assert (f"value must be a number, got '{given}' (the unit of metric `setup-tickets` is count, not % or ratio: "
            "write the value in count)") in result.stderr
    assert all_goal_bytes(root) == before


def test_csv_percentages_follow_each_goals_metric(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo", {NRR: NRR_GOAL})
    (root / "readings.csv").write_text("goal,date,value,confidence\n"
                                       "faster-activation,2026-11-20,41%,70%\n"
                                       "keep-revenue,2026-11-20,105%,0.6\n")
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 0, result.stderr
    day = dt.date(2026, 11, 20)
    assert last_checkin(root) == {"date": day, "value": 0.41, "confidence": 0.7}
    assert last_checkin(root, NRR) == {"date": day, "value": 105, "confidence": 0.6}


@pytest.mark.parametrize("given, message", [
    ("1.5", "confidence is a number from 0 to 1 (0.7 for 70%), got 1.5"),
    ("70", "confidence is a number from 0 to 1, got 70: for 70% write 0.7 (or 70%)"),
    ("12.5", "confidence is a number from 0 to 1, got 12.5: for 12.5% write 0.125 (or 12.5%)"),
    ("150%", "confidence is a number from 0 to 1 (0.7 for 70%), got 150%"),
    ("-0.2", "confidence is a number from 0 to 1 (0.7 for 70%), got -0.2"),
    ("1000", "confidence is a number from 0 to 1 (0.7 for 70%), got 1000"),
])
def test_confidence_out_of_range_says_it_is_from_0_to_1(tmp_path: Path, given: str, message: str) -> None:
    root = copy_base(tmp_path / "repo")
    result = checkin(root, "faster-activation", "--value", "0.4", "--date", "2026-11-20", "--confidence", given)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "%" not in result.stderr.replace("70%", "").replace("12.5%", "").replace("150%", "")


@pytest.mark.parametrize("given, written", [("70%", 0.7), ("0.7", 0.7), ("100%", 1), ("0%", 0)])
def test_confidence_as_a_percentage_is_a_share(tmp_path: Path, given: str, written: float) -> None:
    root = copy_base(tmp_path / "repo")
    result = checkin(root, "faster-activation", "--value", "0.4", "--date", "2026-11-20", "--confidence", given)
    assert result.exit_code == 0, result.stderr
    assert last_checkin(root)["confidence"] == written
