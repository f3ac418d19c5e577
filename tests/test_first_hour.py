"""The mistakes a first-time user makes in their first hour, each made for real in a
repository started with `strat init`: every message names the file and the line and says
what to do. (The docs' walkthrough, tests/test_walkthrough.py, covers the happy path.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import CliResult, run_cli

GOAL = "strategy/goals/faster-activation.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    assert run_cli(["init", str(root), "--company", "Acme"]).exit_code == 0
    return root


def edit(root: Path, old: str, new: str, rel: str = GOAL) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {rel} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(root: Path, needle: str, rel: str = GOAL) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def lint(root: Path) -> CliResult:
    return run_cli(["lint", "--format", "json"], cwd=root)


def only(result: CliResult, code: str) -> dict:
    found = [d for d in result.diagnostics if d["code"] == code]
    assert len(found) == 1, result.stdout
    return found[0]


def test_the_starter_is_clean(repo: Path) -> None:
    result = lint(repo)
    assert result.exit_code == 0 and result.diagnostics == []


def test_wrong_folder(tmp_path: Path) -> None:
    """`strat lint` where there is no strategy: exit 2, where it looked, what to do."""
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    result = run_cli(["lint"], cwd=nowhere)
    assert result.exit_code == 2
    assert f"no strategy folder at {nowhere.resolve() / 'strategy'}" in result.stderr
    assert "no strat.yaml or .git in" in result.stderr
    assert "run strat inside a strategy repository" in result.stderr and "`strat init`" in result.stderr


def test_a_subfolder_of_the_repository_is_fine(repo: Path) -> None:
    result = run_cli(["lint"], cwd=repo / "strategy" / "goals")
    assert result.exit_code == 0 and "All clear" in result.stdout


def test_typo_in_an_id(repo: Path) -> None:
    edit(repo, "parent: grow-active-teams", "parent: grow-activ-teams")
    d = only(lint(repo), "R201")
    assert (d["path"], d["line"]) == (GOAL, line_of(repo, "parent:"))
    assert "did you mean `grow-active-teams`?" in d["message"]


def test_missing_required_field(repo: Path) -> None:
    edit(repo, "owner: kim\n", "")
    d = only(lint(repo), "S102")
    assert (d["path"], d["line"]) == (GOAL, line_of(repo, "kind: Goal"))
    assert d["message"] == ("goal `faster-activation`: missing required field `owner`; add `owner:`, the person "
                            "accountable for the goal (a Person id)")


def test_missing_nested_field_says_where_to_add_it(repo: Path) -> None:
    edit(repo, "  baseline: 0.30\n", "")
    d = only(lint(repo), "S102")
    assert d["line"] == line_of(repo, "  metric: activation-rate")
    assert "add `baseline:` under `outcome`, where the metric stood when the goal was set" in d["message"]


def test_an_unquoted_date_is_fine(repo: Path) -> None:
    """YAML would read 2026-11-23 as a date; strat keeps it as the text you wrote, so
    quoting it is never needed, and quoting it changes nothing."""
    text = (repo / GOAL).read_text(encoding="utf-8")
    day = re.search(r"  - date: (\d{4}-\d{2}-\d{2})\n", text)
    assert day, "the starter writes its check-in date unquoted"
    assert lint(repo).exit_code == 0
    edit(repo, day.group(0), f'  - date: "{day.group(1)}"\n')
    assert lint(repo).exit_code == 0


def test_a_date_not_written_yyyy_mm_dd(repo: Path) -> None:
    edit(repo, "due: ", "due: 2026-2-3\nx-was: ", "strategy/objectives/grow-active-teams.yaml")
    d = only(lint(repo), "S104")
    assert d["path"] == "strategy/objectives/grow-active-teams.yaml"
    assert d["line"] == line_of(repo, "due: 2026-2-3", "strategy/objectives/grow-active-teams.yaml")
    assert "must be a real calendar date written YYYY-MM-DD, got '2026-2-3'" in d["message"]


def test_tab_indentation(repo: Path) -> None:
    edit(repo, "  baseline: 0.30", "\tbaseline: 0.30")
    d = only(lint(repo), "E001")
    assert (d["path"], d["line"]) == (GOAL, line_of(repo, "\tbaseline"))
    assert "a tab character; YAML indentation must use spaces" in d["message"]


def test_a_goal_aligned_to_a_metric(repo: Path) -> None:
    edit(repo, "parent: grow-active-teams", "parent: activation-rate")
    d = only(lint(repo), "R203")
    assert d["line"] == line_of(repo, "parent:")
    assert "`activation-rate` is a Metric (strategy/metrics/activation-rate.yaml:" in d["message"]
    assert "set `parent` to that objective's id" in d["message"]


def test_a_team_as_a_goals_owner(repo: Path) -> None:
    edit(repo, "owner: kim\n", "owner: growth\n")
    d = only(lint(repo), "R203")
    assert "a goal's team goes in `team`, and `owner` names the person accountable" in d["message"]


def test_kind_in_lowercase(repo: Path) -> None:
    edit(repo, "kind: Goal", "kind: goal")
    d = only(lint(repo), "S101")
    assert (d["path"], d["line"]) == (GOAL, line_of(repo, "kind: goal"))
    assert d["message"] == "unknown kind `goal`; did you mean `Goal`?"


def test_a_percentage_as_a_number(repo: Path) -> None:
    edit(repo, "  baseline: 0.30", "  baseline: 30%")
    d = only(lint(repo), "S104")
    assert d["line"] == line_of(repo, "baseline: 30%")
    assert "write percentages as a number, e.g. 45% as 0.45" in d["message"]


def test_yes_no_read_as_a_boolean(repo: Path) -> None:
    edit(repo, "plan: product-plan\n", "plan: product-plan\nstatus: no\n")
    d = only(lint(repo), "S104")
    assert d["line"] == line_of(repo, "status: no")
    assert "got false (YAML reads unquoted yes/no/on/off/true/false as a boolean; quote it for text)" in d["message"]


def test_the_same_id_in_two_files(repo: Path) -> None:
    copy = "strategy/goals/faster-activation-copy.yaml"
    (repo / copy).write_text((repo / GOAL).read_text(encoding="utf-8"), encoding="utf-8")
    result = lint(repo)
    found = [d for d in result.diagnostics if d["code"] == "R202"]
    assert found, result.stdout
    message = found[0]["message"]
    assert "id `faster-activation` is already used by the Goal at" in message
    assert {found[0]["path"], message.split(" at ")[1].split(":")[0]} == {GOAL, copy}


def test_wrong_indentation_puts_a_field_in_the_wrong_mapping(repo: Path) -> None:
    edit(repo, "  target: 0.40\n", "  target: 0.40\ncurrent: 0.31\n")
    d = only(lint(repo), "S103")
    assert d["line"] == line_of(repo, "current: 0.31")
    assert "`current` belongs under `outcome` or under `key_results[]`: check this line's indentation" in d["message"]
    assert "(allowed here: kind, id, title" in d["message"]


def test_a_field_indented_into_the_next_mapping(repo: Path) -> None:
    edit(repo, "  currency: USD\n", "  currency: USD\n  period: year-one\n")
    result = lint(repo)
    d = [d for d in result.diagnostics if d["code"] == "S103"][0]
    assert "`period` belongs at the top level: check this line's indentation (allowed here: annual, currency, " \
           "basis)" in d["message"]


def test_a_colon_in_an_unquoted_title(repo: Path) -> None:
    edit(repo, "title: Four in ten", "title: Activation: four in ten")
    d = only(lint(repo), "E001")
    assert d["line"] == line_of(repo, "title: Activation")
    assert "a value that contains `: ` must be in quotes" in d["message"]


def test_an_unclosed_quote_is_shown_where_it_opens(repo: Path) -> None:
    edit(repo, "title: Four in ten new teams ship in their first week",
         'title: "Four in ten new teams ship in their first week')
    d = only(lint(repo), "E001")
    assert d["line"] == line_of(repo, 'title: "Four')
    assert "the quote that starts here is never closed" in d["message"]


def test_a_value_starting_with_a_backtick(repo: Path) -> None:
    edit(repo, "title: Four in ten", "title: `Four` in ten")
    d = only(lint(repo), "E001")
    assert d["line"] == line_of(repo, "title: `Four`")
    assert "a value cannot start with a backtick unless it is in quotes" in d["message"]


def test_text_output_names_file_line_and_column(repo: Path) -> None:
    edit(repo, "parent: grow-active-teams", "parent: grow-activ-teams")
    result = run_cli(["lint", "--no-color"], cwd=repo)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{GOAL}:{line_of(repo, 'parent:')}:9: R201 error ")


def test_linting_one_file_checks_it_against_the_whole_strategy(repo: Path) -> None:
    """`strat lint FILE`: the file's references resolve against the rest of the strategy,
    and only its own findings are shown."""
    clean = run_cli(["lint", "--format", "json", GOAL], cwd=repo)
    assert clean.exit_code == 0 and clean.diagnostics == []
    assert clean.json["summary"]["files"] == 1
    edit(repo, "parent: grow-active-teams", "parent: grow-activ-teams")
    (repo / "strategy/people/broken.yaml").write_text("kind: Person\nid: x\n", encoding="utf-8")
    result = run_cli(["lint", "--format", "json", str(repo / GOAL)], cwd=repo / "strategy")
    assert [(d["path"], d["code"]) for d in result.diagnostics] == [(GOAL, "R201")]


def test_the_starters_checkin_command_works_on_the_first_day(repo: Path) -> None:
    """The starter README suggests `strat checkin faster-activation --value 0.34`: its
    example check-in is a week old, so today's is accepted."""
    result = run_cli(["checkin", "faster-activation", "--value", "0.34", "--confidence", "0.7"], cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert "goal `faster-activation` checked in 0.34" in result.stdout
    assert lint(repo).exit_code == 0


def test_a_typo_in_a_command(repo: Path) -> None:
    result = run_cli(["lnit"], cwd=repo)
    assert result.exit_code == 2
    assert "No such command 'lnit'" in result.stderr and "'lint'" in result.stderr  # Click's did-you-mean


def test_an_unknown_code(repo: Path) -> None:
    result = run_cli(["explain", "A399"])
    assert result.exit_code == 2 and "`strat rules` lists every code" in result.stderr


def test_off_in_strat_yaml_needs_no_quotes(repo: Path) -> None:
    """The README's `A312: off`: YAML 1.1 reads a bare `off` as false, and strat takes it
    as the severity `off` it can only mean."""
    (repo / "strat.yaml").write_text("rules:\n  A312: off\n  A304: error\n", encoding="utf-8")
    edit(repo, "customer_progress: ", "x-customer-progress: ")
    result = lint(repo)
    assert result.exit_code == 0 and result.diagnostics == [], result.stdout


def test_a_misspelt_setting(repo: Path) -> None:
    (repo / "strat.yaml").write_text("max_link: 2\nrules:\n  A312: on\n", encoding="utf-8")
    result = lint(repo)
    assert result.exit_code == 1
    found = {(d["line"], d["code"]): d["message"] for d in result.diagnostics}
    assert found[(1, "S103")] == "strat.yaml: unknown field `max_link`; did you mean `max_links`?"
    assert "`rules.A312` must be one of error, warning, info, off, got true" in found[(3, "S104")]


def test_a_goal_commented_out_is_named_not_silently_dropped(repo: Path) -> None:
    """Parking a goal by commenting it out takes it off the site and every check: lint
    says so (a warning, so CI stays green unless --strict)."""
    text = (repo / GOAL).read_text(encoding="utf-8")
    (repo / GOAL).write_text("".join(f"# {line}\n" for line in text.splitlines()), encoding="utf-8")
    result = lint(repo)
    d = only(result, "E008")
    assert (d["path"], d["line"], d["severity"]) == (GOAL, 1, "warning")
    assert "holds only comments" in d["message"] and "restore its content, or delete the file" in d["message"]
