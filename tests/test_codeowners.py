"""`strat codeowners`: who reviews each strategy file, written into a managed block of
CODEOWNERS that leaves the user's own lines alone. Real repositories in tmp dirs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import copy_base, run_cli
from strat.codeowners import BEGIN, END, CodeownersProblem, escape_path, merge

HEADER = (
    "# BEGIN strat\n"
    "# Managed by `strat codeowners` from strategy/: each entity's owner (and each joint goal's\n"
    "# partner leader) reviews changes to its file. Edit the YAML, not these lines; lines\n"
    "# outside this block are yours and stay as they are.\n"
)

BASE_BLOCK = HEADER + """\
/strategy/decisions/card-required-trial.yaml @asmith
/strategy/decisions/no-card-trial.yaml @asmith
/strategy/departments/product.yaml @asmith
/strategy/departments/support.yaml @bjones
/strategy/goals/faster-activation.yaml @bjones @cwu
/strategy/goals/fewer-setup-tickets.yaml @bjones
/strategy/goals/support-deflection.yaml @bjones
/strategy/initiatives/help-centre-search.yaml @bjones
/strategy/initiatives/setup-wizard.yaml @cwu
/strategy/metrics/activation-rate.yaml @cwu
/strategy/metrics/net-revenue-retention.yaml @asmith
/strategy/metrics/paid-invoices-weekly.yaml @asmith
/strategy/metrics/setup-tickets.yaml @bjones
/strategy/metrics/support-cost.yaml @bjones
/strategy/objectives/cut-support-cost.yaml @bjones
/strategy/objectives/grow-retention.yaml @asmith
/strategy/people/people.yaml @asmith @bjones @cwu
/strategy/plans/plan-2026-h2.yaml @asmith
/strategy/strategy.yaml @asmith @bjones
/strategy/teams/onboarding.yaml @cwu
/strategy/teams/self-service.yaml @bjones
# END strat
"""


def owners(root: Path, *args: str):
    return run_cli(["codeowners", *args], cwd=root)


def test_writes_the_block_for_the_base_strategy(tmp_path: Path) -> None:
    """Goal: owner plus the joint goal's partner leader (faster-activation: cwu + bjones);
    Strategy: every department's leader; people.yaml (three Person documents): the union."""
    root = copy_base(tmp_path / "repo")
    result = owners(root)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "wrote .github/CODEOWNERS (21 strategy files with reviewers)\n"
    assert (root / ".github/CODEOWNERS").read_text() == BASE_BLOCK


def test_a_second_run_is_up_to_date_and_check_passes(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    assert owners(root).exit_code == 0
    before = (root / ".github/CODEOWNERS").stat().st_mtime_ns
    again = owners(root)
    assert again.exit_code == 0 and "up to date" in again.stderr
    assert (root / ".github/CODEOWNERS").stat().st_mtime_ns == before
    assert owners(root, "--check").exit_code == 0


def test_check_fails_with_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    result = owners(root, "--check")
    assert result.exit_code == 1
    assert "+++ b/.github/CODEOWNERS" in result.stdout
    assert "+/strategy/goals/faster-activation.yaml @bjones @cwu\n" in result.stdout
    assert "out of date" in result.stderr
    assert not (root / ".github").exists()


def test_check_sees_an_owner_change(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    assert owners(root).exit_code == 0
    team = root / "strategy/teams/onboarding.yaml"
    team.write_text(team.read_text().replace("lead: cwu", "lead: asmith"))
    result = owners(root, "--check")
    assert result.exit_code == 1
    assert "-/strategy/teams/onboarding.yaml @cwu\n+/strategy/teams/onboarding.yaml @asmith\n" in result.stdout


def test_the_users_lines_outside_the_block_are_kept(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    mine = "# Our rules\n*       @acme/leads\n/docs/  @acme/writers\n"
    (root / ".github").mkdir()
    (root / ".github/CODEOWNERS").write_text(mine)
    assert owners(root).exit_code == 0
    assert (root / ".github/CODEOWNERS").read_text() == mine + "\n" + BASE_BLOCK
    # Later runs replace the block in place, whatever is around it.
    text = (root / ".github/CODEOWNERS").read_text().replace("@bjones @cwu", "@someone") + "/LICENSE @acme/legal\n"
    (root / ".github/CODEOWNERS").write_text(text)
    assert owners(root).exit_code == 0
    assert (root / ".github/CODEOWNERS").read_text() == mine + "\n" + BASE_BLOCK + "/LICENSE @acme/legal\n"


def test_crlf_files_stay_crlf(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    (root / ".github").mkdir()
    (root / ".github/CODEOWNERS").write_bytes(b"* @acme/leads\r\n")
    assert owners(root).exit_code == 0
    raw = (root / ".github/CODEOWNERS").read_bytes()
    assert raw == b"* @acme/leads\r\n\r\n" + BASE_BLOCK.replace("\n", "\r\n").encode()
    assert owners(root, "--check").exit_code == 0


@pytest.mark.parametrize("text", [
    f"{BEGIN}\n/x @a\n",
    f"{END}\n{BEGIN}\n",
    f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n",
])
def test_broken_markers_are_refused(tmp_path: Path, text: str) -> None:
    root = copy_base(tmp_path / "repo")
    (root / ".github").mkdir()
    (root / ".github/CODEOWNERS").write_text(text)
    result = owners(root)
    assert result.exit_code == 1
    assert "exactly one `# BEGIN strat` line followed by one `# END strat` line" in result.stderr
    assert (root / ".github/CODEOWNERS").read_text() == text


def test_an_existing_root_codeowners_is_the_default_output(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    (root / "CODEOWNERS").write_text("* @acme/leads\n")
    result = owners(root)
    assert result.exit_code == 0
    assert result.stdout.startswith("wrote CODEOWNERS ")
    assert not (root / ".github").exists()
    assert BASE_BLOCK in (root / "CODEOWNERS").read_text()


def test_output_option_and_a_path_outside_the_repository(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    assert owners(root, "--output", "docs/CODEOWNERS").exit_code == 0
    assert (root / "docs/CODEOWNERS").read_text() == BASE_BLOCK
    result = owners(root, "--output", str(tmp_path / "elsewhere"))
    assert result.exit_code == 1 and "outside the repository" in result.stderr
    assert not (tmp_path / "elsewhere").exists()


def test_paths_are_escaped_and_missing_people_are_left_out(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo", {
        "strategy/decisions/odd #1 [draft].yaml": (
            "kind: Decision\nid: odd-one\ntitle: Odd\ndate: 2026-01-02\nstatus: accepted\ndecided_by: nobody\n"
            "values: [candour]\ncontext: c\ndecision: d\n"),
        "strategy/metrics/no owner.yaml": (
            "kind: Metric\nid: orphan-metric\nname: Orphan\nunit: count\ntype: leading\nbetter: up\n"),
        "strategy/goals/support-deflection.yaml": (
            (Path(__file__).parent / "cases/base/strategy/goals/support-deflection.yaml").read_text()
            .replace("owner: bjones", "owner: cwu")),
    })
    result = owners(root)
    assert result.exit_code == 0
    text = (root / ".github/CODEOWNERS").read_text()
    assert "odd" not in text and "orphan" not in text and "no\\ owner" not in text
    assert "/strategy/goals/support-deflection.yaml @cwu\n" in text
    assert ("strat codeowners: strategy/decisions/odd #1 [draft].yaml: `decided_by` names `nobody`, which is not "
            "a Person; left out of CODEOWNERS") in result.stderr
    (root / "strategy/decisions/odd #1 [draft].yaml").write_text(
        (root / "strategy/decisions/odd #1 [draft].yaml").read_text().replace("nobody", "cwu"))
    assert owners(root).exit_code == 0
    assert "/strategy/decisions/odd\\ \\#1\\ \\[draft\\].yaml @cwu\n" in (root / ".github/CODEOWNERS").read_text()


def test_a_strat_repository_inside_a_bigger_git_repository(tmp_path: Path) -> None:
    """CODEOWNERS lives at the git root and its paths are relative to it."""
    subprocess.run(["git", "init", "-q", str(tmp_path / "mono")], check=True)
    root = copy_base(tmp_path / "mono/company/strat", git=False)
    result = owners(root)
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "mono/.github/CODEOWNERS").read_text()
    assert "/company/strat/strategy/goals/faster-activation.yaml @bjones @cwu\n" in text
    assert not (root / ".github").exists()


def test_escape_path() -> None:
    assert escape_path("strategy/a b/#c*?.yaml") == "/strategy/a\\ b/\\#c\\*\\?.yaml"
    assert escape_path("strategy/back\\slash.yaml") == "/strategy/back\\\\slash.yaml"
    assert escape_path("strategy/line\nbreak.yaml") is None


def test_merge() -> None:
    block = f"{BEGIN}\n/a @x\n{END}\n"
    assert merge(None, block) == block
    assert merge("", block) == block
    assert merge("* @o", block) == "* @o\n\n" + block
    assert merge(f"top\n{BEGIN}\nold\n{END}\nbottom\n", block) == f"top\n{block}bottom\n"
    with pytest.raises(CodeownersProblem):
        merge(f"{BEGIN}\n", block)


def test_help_names_the_rules(tmp_path: Path) -> None:
    result = run_cli(["codeowners", "--help"])
    assert result.exit_code == 0
    assert "joint goal" in result.stdout and "--check" in result.stdout
