"""`strat lint --fix` and `--diff`, with cases as data: every folder under
tests/cases/fix/ is an overlay on the base strategy (like tests/cases/lint/):
`expected.txt` lists the findings before (`<path>:<line> <CODE>`), `fixed/` holds the
files as the fix must leave them (byte for byte), `left.txt` the findings after (none
when missing), and `said.txt` what the run must say on stderr. Each case is proven by lint before and after: the fixed findings are
gone, nothing new appears, the rest of every file is untouched, a second run changes
nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import helpers
import test_cases

FIX_ROOT = helpers.CASES / "fix"
TODAY = "2026-12-07"


def fix_cases() -> list[Path]:
    return sorted(p for p in FIX_ROOT.iterdir() if p.is_dir())


def _read(path: Path) -> set[tuple[str, int, str]]:
    if not path.exists():
        return set()
    found = set()
    for raw in path.read_text().splitlines():
        parsed = test_cases.LINE.match(raw.strip())
        if parsed:
            found.add((parsed["path"], int(parsed["line"]), parsed["code"]))
    return found


def _findings(root: Path) -> set[tuple[str, int, str]]:
    result = helpers.run_cli(["lint", "--format", "json", "--today", TODAY], cwd=root)
    return {(d["path"], d["line"], d["code"]) for d in result.diagnostics if d["severity"] != "info"}


def _build(case: Path, root: Path) -> Path:
    helpers.copy_base(root)
    for src in sorted(case.rglob("*")):
        rel = src.relative_to(case)
        if src.is_file() and rel.parts[0] != "fixed" and rel.name not in ("expected.txt", "left.txt", "said.txt"):
            dest = root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(src.read_bytes())
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "strategy").rglob("*")) if p.is_file()}


def test_there_are_fix_cases_for_every_fixable_code() -> None:
    from strat.fix import FIXABLE

    names = [c.name for c in fix_cases()]
    for code in FIXABLE:
        assert any(n.startswith(code.lower()) and not n.endswith("-left") for n in names), code
        assert any(n.startswith(code.lower()) and n.endswith("-left") for n in names) or code in ("I001", "A316"), code


@pytest.mark.parametrize("case", fix_cases(), ids=lambda p: p.name)
def test_fix_case(case: Path, tmp_path: Path) -> None:
    root = _build(case, tmp_path / "repo")
    before_files = _snapshot(root)
    before = _findings(root)
    assert before == _read(case / "expected.txt")
    want = {rel: before_files[rel] for rel in before_files}
    for src in (case / "fixed").rglob("*"):
        if src.is_file():
            want[src.relative_to(case / "fixed").as_posix()] = src.read_bytes()
    changes = want != before_files

    # --diff shows the edit and writes nothing; exit 1 when there is something to fix.
    shown = helpers.run_cli(["lint", "--diff", "--today", TODAY], cwd=root)
    assert shown.exit_code == (1 if changes else 0), shown.stderr
    assert _snapshot(root) == before_files
    assert bool(shown.stdout.strip()) == changes

    # --fix makes it: the files as fixed/ holds them, byte for byte.
    done = helpers.run_cli(["lint", "--fix", "--today", TODAY], cwd=root)
    assert _snapshot(root) == want, done.stderr
    after = _findings(root)
    left = _read(case / "left.txt")
    assert after == left, done.stderr
    assert after <= before  # nothing new
    assert done.exit_code == (1 if any(code[0] in "ESRA" for *_, code in left) else 0)
    if (case / "said.txt").exists():  # why a finding with a fix could not be fixed
        assert (case / "said.txt").read_text().strip() in done.stderr, done.stderr

    # A second run changes nothing and --diff finds nothing left to do.
    again = helpers.run_cli(["lint", "--fix", "--today", TODAY], cwd=root)
    assert _snapshot(root) == want and "fixed 0 finding(s)" in again.stderr
    assert helpers.run_cli(["lint", "--diff", "--today", TODAY], cwd=root).exit_code == 0


def test_diff_applies_with_git_apply(tmp_path: Path) -> None:
    """The diff --diff prints is a patch git applies, giving exactly what --fix writes."""
    case = FIX_ROOT / "s102-period-from-plan"
    root = _build(case, tmp_path / "repo")
    patch = helpers.run_cli(["lint", "--diff", "--today", TODAY], cwd=root).stdout
    subprocess.run(["git", "apply", "-"], input=patch.encode(), cwd=root, check=True)
    applied = _snapshot(root)
    other = _build(case, tmp_path / "other")
    helpers.run_cli(["lint", "--fix", "--today", TODAY], cwd=other)
    assert applied == _snapshot(other)


def test_a_fixed_reference_settles_a_period_in_a_second_round(tmp_path: Path) -> None:
    base = (helpers.BASE / "strategy/goals/fewer-setup-tickets.yaml").read_text()
    broken = base.replace("period: 2026-h2\n", "").replace("plan: plan-2026-h2", "plan: plan-2026-h3")
    root = helpers.copy_base(tmp_path / "r", {"strategy/goals/fewer-setup-tickets.yaml": broken}, git=False)
    assert {c for *_, c in _findings(root)} == {"R201", "S102"}
    result = helpers.run_cli(["lint", "--fix", "--today", TODAY], cwd=root)
    assert result.exit_code == 0, result.stderr
    text = (root / "strategy/goals/fewer-setup-tickets.yaml").read_text()
    assert text == base.replace("period: 2026-h2\n", "").replace("plan: plan-2026-h2", "period: 2026-h2\nplan: plan-2026-h2")
    assert "R201 fixed" in result.stderr and "S102 fixed: add `period: 2026-h2`" in result.stderr


def test_rules_and_explain_say_what_is_fixable() -> None:
    listed = {r["code"]: r for r in helpers.run_cli(["rules", "--format", "json"]).json}
    assert {c for c, r in listed.items() if r["fix"]} == {"R201", "S102", "I001", "A316"}
    text = helpers.run_cli(["rules"]).stdout
    assert [line[:4] for line in text.splitlines() if "  fix  " in line] == ["S102", "R201", "A316", "I001"]
    assert "strat lint --fix" in helpers.run_cli(["explain", "R201"]).stdout
    assert "Fixable" not in helpers.run_cli(["explain", "R202"]).stdout


def test_fix_refuses_while_another_run_holds_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    root = _build(FIX_ROOT / "r201-typo", tmp_path / "repo")
    before = _snapshot(root)
    monkeypatch.setenv("STRAT_LOCK_TIMEOUT", "0.3")
    with open(root / ".git/strat.lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = helpers.run_cli(["lint", "--fix", "--today", TODAY], cwd=root)
    assert result.exit_code == 1 and _snapshot(root) == before, result.stderr
    assert "lock" in result.stderr
