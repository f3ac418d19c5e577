"""The `strat` CLI through its real entry point (`strat.cli.main`): exit codes, output
formats, configuration, and the schema command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import helpers
from strat import __version__, schemas

S103_GOAL = (helpers.CASES / "lint/s103-unknown-field/strategy/goals/support-deflection.yaml").read_text()
S103_FILES = {"strategy/goals/support-deflection.yaml": S103_GOAL}
TODAY = ["--today", helpers.TODAY]


def lint(run_cli, root: Path, *args: str) -> helpers.CliResult:
    return run_cli(["lint", str(root / "strategy"), *TODAY, *args])


# --- exit codes ------------------------------------------------------------------------


def test_clean_repo_exits_0_with_all_clear(run_cli, base_repo) -> None:
    result = lint(run_cli, base_repo())
    assert result.exit_code == 0
    assert result.stdout.strip() == "All clear: 23 documents in 21 files, no findings."


def test_errors_exit_1(run_cli, base_repo) -> None:
    result = lint(run_cli, base_repo(S103_FILES))
    assert result.exit_code == 1
    assert "S103" in result.stdout


def test_bad_option_value_exits_2(run_cli, base_repo) -> None:
    result = lint(run_cli, base_repo(), "--format", "nope")
    assert result.exit_code == 2
    assert "nope" in result.stderr and "--format" in result.stderr
    assert result.stdout == ""


def test_unknown_option_exits_2(run_cli, base_repo) -> None:
    result = lint(run_cli, base_repo(), "--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_unknown_command_exits_2(run_cli) -> None:
    assert run_cli(["frobnicate"]).exit_code == 2


def test_nonexistent_path_exits_2(run_cli, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "strategy"
    result = run_cli(["lint", str(missing)])
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr
    assert str(missing) in result.stderr


def test_no_strategy_folder_exits_2_with_a_message(run_cli, tmp_path: Path) -> None:
    (tmp_path / "strat.yaml").write_text("")
    result = run_cli(["lint"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "no strategy folder" in result.stderr
    assert "strat init" in result.stderr


def test_default_path_is_the_strategy_folder_of_the_enclosing_repo(run_cli, base_repo) -> None:
    root = base_repo(S103_FILES)
    result = run_cli(["lint", "--format", "json", *TODAY], cwd=root / "strategy" / "goals")
    assert result.exit_code == 1
    assert result.findings() == {("strategy/goals/support-deflection.yaml", 12, "S103")}


def test_strategy_folder_from_config(run_cli, make_repo) -> None:
    root = make_repo({"plans/strategy.yaml": "kind: Person\nid: a\n"}, config="strategy: plans\n")
    result = run_cli(["lint", "--format", "json", *TODAY], cwd=root)
    assert result.exit_code == 1
    assert ("plans/strategy.yaml", 1, "S102") in result.findings()


def test_single_file_path(run_cli, base_repo) -> None:
    root = base_repo(S103_FILES)
    result = run_cli(["lint", str(root / "strategy/goals/support-deflection.yaml"), "--format", "json", *TODAY])
    assert result.json["summary"]["files"] == 1
    codes = set(result.codes())
    assert "S103" in codes
    assert result.exit_code == 1


def test_strategy_folder_outside_the_repository_exits_2(run_cli, make_repo, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "p.yaml").write_text("kind: Person\nid: a\nname: A\n")
    root = make_repo(config="strategy: ../elsewhere\n")
    result = run_cli(["lint"], cwd=root)
    assert result.exit_code == 2
    assert "outside the repository" in result.stderr
    # the message names the folder that is outside, as the user configured it
    assert "elsewhere" in result.stderr, result.stderr
    assert "None" not in result.stderr, result.stderr


def test_internal_error_exits_2_never_1(run_cli, base_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    import strat.lint

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("kaboom")

    monkeypatch.setattr(strat.lint, "lint", boom)
    result = lint(run_cli, base_repo())
    assert result.exit_code == 2
    assert "internal error" in result.stderr and "kaboom" in result.stderr


def test_lint_never_writes(run_cli, base_repo) -> None:
    root = base_repo(S103_FILES)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()
              and ".git" not in p.parts}
    lint(run_cli, root, "--format", "json")
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()
             and ".git" not in p.parts}
    assert before == after


# --- formats ---------------------------------------------------------------------------


def test_json_shape(run_cli, base_repo) -> None:
    result = lint(run_cli, base_repo(S103_FILES), "--format", "json")
    payload = result.json
    assert set(payload) >= {"diagnostics", "summary"}
    [d] = payload["diagnostics"]
    assert set(d) >= {"path", "line", "column", "code", "severity", "message"}
    assert d["path"] == "strategy/goals/support-deflection.yaml"
    assert (d["line"], d["column"]) == (12, 1)
    assert d["code"] == "S103" and d["severity"] == "error"
    assert "did you mean `customer_progress`?" in d["message"]
    summary = payload["summary"]
    assert (summary["error"], summary["warning"], summary["info"]) == (1, 0, 0)
    assert summary["files"] == 21 and summary["documents"] == 23


def test_json_clean_is_an_empty_list(run_cli, base_repo) -> None:
    payload = lint(run_cli, base_repo(), "--format", "json").json
    assert payload["diagnostics"] == []
    assert (payload["summary"]["error"], payload["summary"]["warning"]) == (0, 0)


def test_json_related_names_both_places(run_cli, base_repo) -> None:
    root = base_repo({"strategy/initiatives/support-deflection.yaml": (
        helpers.CASES / "lint/r202-duplicate-id/strategy/initiatives/support-deflection.yaml").read_text()})
    [d] = lint(run_cli, root, "--format", "json").diagnostics
    assert d["code"] == "R202"
    assert d["path"] == "strategy/initiatives/support-deflection.yaml"
    assert [(r["path"], r["line"]) for r in d["related"]] == [("strategy/goals/support-deflection.yaml", 2)]
    assert "strategy/goals/support-deflection.yaml:2:5" in d["message"]


def test_text_format_lines(run_cli, base_repo) -> None:
    result = lint(run_cli, base_repo(S103_FILES), "--no-color")
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"strategy/goals/support-deflection\.yaml:12:1: S103 error goal `support-deflection`: "
                        r"unknown field `customer_progres`; did you mean `customer_progress`\?", lines[0])
    assert lines[-1] == "Found 1 error in 23 documents in 21 files."
    assert "\x1b[" not in result.stdout


def test_text_colour_only_when_asked(run_cli, base_repo) -> None:
    root = base_repo(S103_FILES)
    assert "\x1b[" in lint(run_cli, root, "--color").stdout
    assert "\x1b[" not in lint(run_cli, root).stdout  # not a terminal


# --- configuration and --strict --------------------------------------------------------


def test_severity_override_and_strict(run_cli, base_repo) -> None:
    root = base_repo(S103_FILES, config="rules:\n  S103: warning\n")
    relaxed = lint(run_cli, root, "--format", "json")
    assert relaxed.exit_code == 0
    [d] = relaxed.diagnostics
    assert (d["code"], d["severity"]) == ("S103", "warning")
    assert relaxed.json["summary"]["warning"] == 1 and relaxed.json["summary"]["error"] == 0
    assert lint(run_cli, root, "--strict").exit_code == 1


def test_strict_on_a_clean_repo_exits_0(run_cli, base_repo) -> None:
    assert lint(run_cli, base_repo(), "--strict").exit_code == 0


def test_info_does_not_fail_strict(run_cli, base_repo) -> None:
    root = base_repo(S103_FILES, config="rules:\n  S103: info\n")
    result = lint(run_cli, root, "--strict", "--format", "json")
    assert [d["severity"] for d in result.diagnostics] == ["info"]
    assert result.exit_code == 0


def test_rule_off_drops_the_finding(run_cli, base_repo) -> None:
    root = base_repo(S103_FILES, config="rules:\n  S103: 'off'\n")
    result = lint(run_cli, root, "--format", "json")
    assert result.diagnostics == [] and result.exit_code == 0


def test_invalid_config_is_reported_not_ignored(run_cli, base_repo) -> None:
    root = base_repo(config="rules:\n  S103: sometimes\n")
    result = lint(run_cli, root, "--format", "json")
    assert result.exit_code != 0
    assert [(d["path"], d["code"]) for d in result.diagnostics] == [("strat.yaml", "S104")]


def test_outside_git_the_stale_check_note_does_not_fail_strict(run_cli, base_repo) -> None:
    # A311's docstring: "Outside a git repository the rule is skipped with one info note."
    # A clean strategy that is not (yet) in git must not fail `--strict` because of it.
    root = base_repo(git=False)
    result = lint(run_cli, root, "--format", "json")
    assert all(d["severity"] == "info" for d in result.diagnostics if d["code"] == "A311"), result.diagnostics
    assert lint(run_cli, root, "--strict").exit_code == 0


def test_select_and_ignore(run_cli, base_repo) -> None:
    root = base_repo(S103_FILES)
    assert lint(run_cli, root, "--ignore", "S103").exit_code == 0
    assert lint(run_cli, root, "--select", "R2").exit_code == 0
    assert lint(run_cli, root, "--select", "S1").exit_code == 1
    bad = lint(run_cli, root, "--select", "Z9")
    assert bad.exit_code == 2 and "Z9" in bad.stderr


# --- other commands --------------------------------------------------------------------


def test_version(run_cli) -> None:
    for flag in ("--version", "-V"):
        result = run_cli([flag])
        assert result.exit_code == 0
        assert result.stdout.strip() == f"strat {__version__}"


def test_schema_goal_prints_the_goal_schema(run_cli) -> None:
    result = run_cli(["schema", "goal"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["title"] == "Goal"
    assert payload["properties"]["kind"]["const"] == "Goal"
    assert json.loads(run_cli(["schema", "GOAL"]).stdout) == payload


def test_schema_every_kind(run_cli) -> None:
    for kind in schemas.kinds():
        result = run_cli(["schema", kind.lower()])
        assert result.exit_code == 0
        assert json.loads(result.stdout)["title"] == kind


def test_schema_unknown_kind_or_none_exits_2(run_cli) -> None:
    result = run_cli(["schema", "zebra"])
    assert result.exit_code == 2 and "unknown kind" in result.stderr
    result = run_cli(["schema"])
    assert result.exit_code == 2 and "--export" in result.stderr


def test_schema_export_writes_every_file(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "exported" / "schemas"
    result = run_cli(["schema", "--export", str(out)])
    assert result.exit_code == 0
    source = {p.name: json.loads(p.read_text()) for p in schemas.schema_dir().glob("*.schema.json")}
    written = {p.name: json.loads(p.read_text()) for p in out.glob("*.schema.json")}
    bundle = written.pop("strat.schema.json")  # the editors' schema (tests/test_editors.py)
    assert bundle["title"] == "strat document"
    assert set(written) == set(source)
    assert len(written) >= 12
    assert written == source


def test_help_of_every_command_exits_0(run_cli) -> None:
    from strat.cli import cli

    result = run_cli(["--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout
    assert run_cli(["-h"]).exit_code == 0
    assert {"lint", "schema"} <= set(cli.commands)
    for name in cli.commands:
        result = run_cli([name, "--help"])
        assert result.exit_code == 0, (name, result.stderr)
        assert f"Usage: strat {name}" in result.stdout
