"""CODEOWNERS injection: a Person id (or any owner) that is not a plain user name never
becomes a rule. The strategy's errors that touch CODEOWNERS refuse the write and
`--check`, and the renderer itself refuses any owner that is not a plain handle and any
path with a line break or control character (defence in depth)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import copy_base, run_cli
from strat.codeowners import CodeownersProblem, escape_path, render_block

PEOPLE = "strategy/people/people.yaml"

# Person ids that would add owners or whole rules if written as they are (all fail the
# schema's id pattern: S104).
HOSTILE_IDS = [
    "evil\n/** @attacker",
    "evil\r/** @attacker",
    "evil\r\n/** @attacker",
    "evil\u2028/** @attacker",
    "evil\x85/** @attacker",
    "evil @attacker",
    "evil\t@attacker",
    "@attacker",
    "evil#comment",
]


def _with_person(tmp_path: Path, ident: str) -> Path:
    base = (Path(__file__).parent / "cases/base" / PEOPLE).read_text(encoding="utf-8")
    extra = f"---\nkind: Person\nid: {json.dumps(ident)}\nname: Mallory\ndepartment: product\n"
    return copy_base(tmp_path / "repo", {PEOPLE: base + extra})


@pytest.mark.parametrize("ident", HOSTILE_IDS)
def test_a_hostile_person_id_never_writes_a_rule(tmp_path: Path, ident: str) -> None:
    root = _with_person(tmp_path, ident)
    result = run_cli(["codeowners"], cwd=root)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "errors in files CODEOWNERS is made from" in result.stderr and "S104" in result.stderr
    assert not (root / ".github/CODEOWNERS").exists()


@pytest.mark.parametrize("ident", HOSTILE_IDS[:3])
def test_check_never_calls_a_hostile_strategy_up_to_date(tmp_path: Path, ident: str) -> None:
    """Written from a clean strategy, then a hostile Person arrives in a pull request:
    --check fails (exit 1) and says why; the file is untouched."""
    root = copy_base(tmp_path / "repo")
    assert run_cli(["codeowners"], cwd=root).exit_code == 0
    before = (root / ".github/CODEOWNERS").read_bytes()
    hostile = _with_person(tmp_path / "second", ident)
    (root / PEOPLE).write_bytes((hostile / PEOPLE).read_bytes())
    result = run_cli(["codeowners", "--check"], cwd=root)
    assert result.exit_code == 1
    assert "up to date" not in result.stderr and "S104" in result.stderr
    assert (root / ".github/CODEOWNERS").read_bytes() == before


@pytest.mark.parametrize("owner", [*HOSTILE_IDS, "", "a/b/c", "-x", "x y"])
def test_the_renderer_refuses_an_owner_that_is_not_a_plain_handle(owner: str) -> None:
    with pytest.raises(CodeownersProblem, match="not a user name"):
        render_block({"strategy/goals/a.yaml": ["cwu", owner]})


@pytest.mark.parametrize("owner", ["cwu", "a-b", "a_b", "a.b", "org/team-name", "A1"])
def test_the_renderer_writes_plain_handles(owner: str) -> None:
    block, unwritable = render_block({"strategy/goals/a.yaml": [owner]})
    assert f"/strategy/goals/a.yaml @{owner}\n" in block and unwritable == []


@pytest.mark.parametrize("path", ["a\nb.yaml", "a\rb.yaml", "a\u2028b.yaml", "a\u2029b.yaml", "a\x85b.yaml",
                                  "a\x00b.yaml", "a\x1bb.yaml", "a\x7fb.yaml"])
def test_a_path_with_a_line_break_or_control_is_never_a_pattern(path: str) -> None:
    assert escape_path(path) is None
    block, unwritable = render_block({path: ["cwu"]})
    assert unwritable == [path] and block.count("\n") == 5
