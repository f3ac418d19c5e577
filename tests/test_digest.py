"""`strat digest` on the example strategy in a real git repository: exactly the planted
findings (A313, A314) and exactly the goals `strat.progress` calls at risk or off track,
grouped by owner; A311's stale goals as its missing check-ins; owners @-mentioned only with
--mention; hostile repository text inert; --since lists a joint commitment added in a later
commit (from git history)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import commit_all, lint_json, run_cli

from strat.config import load_config
from strat.loaded import load_strategy
from strat.progress import measures

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-12-07"
GOAL = "strategy/goals/self-serve-answers.yaml"  # an at-risk goal owned by abrennan
JOINT = """joint:
  - department: product-engineering
    owner: kmurphy
    commitment: {commitment}
    metric: tickets-per-100-accounts
    target: 120
"""


def example(root: Path, when: str = "2026-11-01T12:00:00Z") -> Path:
    shutil.copytree(REPO / "strategy", root / "strategy")
    shutil.copy(REPO / "strat.yaml", root / "strat.yaml")
    import subprocess
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    commit_all(root, when)
    return root


def digest(root: Path, *args: str) -> str:
    result = run_cli(["digest", "--today", TODAY, *args], cwd=root)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def items(root: Path, *args: str) -> list[dict]:
    data = json.loads(digest(root, "-f", "json", *args))
    return [dict(item, owner=group["owner"]) for group in data["owners"] for item in group["items"]]


def owner_of(root: Path, item: dict) -> str:
    loaded = load_strategy(root, root / "strategy", load_config(root)[0], dt.date.fromisoformat(TODAY))
    return loaded.ctx.get(item["id"]).data["owner"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return example(tmp_path / "repo")


def test_example_digest_lists_exactly_the_planted_findings_and_the_goals_at_risk(repo: Path) -> None:
    found = items(repo)
    findings = {(i["code"], i["id"]) for i in found if i["code"]}
    assert findings == {("A313", "expand-and-retain"), ("A314", "support-csat")}
    # The goals at risk or off track are those strat.progress says, each said with its forecast.
    loaded = load_strategy(repo, repo / "strategy", load_config(repo)[0], dt.date.fromisoformat(TODAY))
    facts = measures(loaded.ctx)
    expected = {g.id: facts.goal_progress(g) for g in loaded.ctx.entities("Goal")
                if facts.goal_progress(g).status in ("at-risk", "off-track")}
    assert expected  # the example plants some
    risky = {i["id"]: i for i in found if i["section"] in ("at-risk", "off-track")}
    assert set(risky) == set(expected)
    for ident, progress in expected.items():
        assert risky[ident]["section"] == progress.status
        if progress.forecast is not None:
            assert f"forecast " in risky[ident]["message"] and progress.forecast.date in risky[ident]["message"]
    # Grouped by owner: each item under the owner of the document it is about.
    for item in found:
        assert item["owner"] == loaded.ctx.get(item["id"]).data["owner"], item


def test_markdown_mentions_owners_only_with_mention(repo: Path) -> None:
    owners = {i["owner"] for i in items(repo)}
    plain = digest(repo)
    assert not re.search(r"@[\w-]", plain)
    for owner in owners:
        assert f"## {owner}\n" in plain
    mentioned = digest(repo, "--mention")
    for owner in owners:
        assert f"## @{owner}\n" in mentioned
    text = digest(repo, "-f", "text", "--mention")
    assert "@abrennan:" in text


def test_stale_goals_are_a311s_findings(tmp_path: Path) -> None:
    """Everything committed half a year before: the goals with no check-in in `stale_after_days`
    are exactly A311's findings (--today: the last option given wins)."""
    root = example(tmp_path / "old", "2026-05-01T12:00:00Z")
    later = "2027-01-15"  # the example's latest check-ins are from November
    stale = {i["id"] for i in items(root, "--today", later) if i["section"] == "missing-checkin"}
    result = lint_json(root, "--select", "A311", "--today", later)
    linted = {re.search(r"goal `([^`]+)`", d["message"]).group(1) for d in result.diagnostics if d["code"] == "A311"}
    assert linted and stale == linted


HOSTILE = [
    "@everyone see #12 and GH-7 now",
    "<img src=x onerror=alert(1)> [click](https://evil.example) ![i](https://evil.example/x.png)",
    "`code` **bold** | cell\n## Injected heading @admins",
    "line\u2028break\u202e @org/team\u0007 ::error::owned",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_text_is_inert(repo: Path, title: str) -> None:
    path = repo / GOAL
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", lambda _: "title: " + json.dumps(title), text, count=1),
                    encoding="utf-8")
    owners = {i["owner"] for i in items(repo)}
    assert any(i["title"] == title for i in items(repo))  # the goal is still listed
    for args in ((), ("--mention",)):
        out = digest(repo, *args)
        allowed = {f"@{o}" for o in owners} if args else set()
        assert set(re.findall(r"@[\w/-]+", out)) <= allowed
        assert "<img" not in out and "](http" not in out and "\u202e" not in out and "\u2028" not in out
        assert not re.search(r"(?<![&\w])#12|GH-7", out)
        headings = [line for line in out.splitlines() if line.startswith("## ")]
        assert all(h[3:].lstrip("@") in owners for h in headings), headings
    text = digest(repo, "-f", "text")
    assert "\n::error" not in text
    # One line per item, whatever the title holds: every line is the summary, an owner, a
    # section or an item.
    for line in text.splitlines()[1:]:
        assert re.fullmatch(r"|[\w@-]+:|  [A-Z][\w -]+:|    strategy/\S+:\d+: .+", line), line


def test_since_lists_a_joint_commitment_added_in_a_later_commit(repo: Path) -> None:
    path = repo / GOAL
    commitment = json.dumps("Platform pairs with @acme/support on #42 every week")
    path.write_text(path.read_text(encoding="utf-8") + JOINT.format(commitment=commitment), encoding="utf-8")
    commit_all(repo, "2026-12-02T12:00:00Z", "joint goal with platform")
    new = [i for i in items(repo, "--since", "2026-12-01") if i["section"] == "joint"]
    assert [(i["id"], i["owner"]) for i in new] == [("self-serve-answers", "kmurphy")]
    assert "product-engineering" in new[0]["message"]
    assert not [i for i in items(repo, "--since", "2026-12-03") if i["section"] == "joint"]
    assert not [i for i in items(repo) if i["section"] == "joint"]  # only with --since
    out = digest(repo, "--since", "2026-12-01")
    assert "New cross-department commitments" in out and "@acme" not in out and "#42" not in out
    assert "@acme" not in digest(repo, "--since", "2026-12-01", "--mention")


def test_entities_with_errors_are_left_out_and_counted(repo: Path) -> None:
    path = repo / "strategy/metrics/support-csat.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("owner: abrennan", "owner: [not, an, id]"),
                    encoding="utf-8")
    data = json.loads(digest(repo, "-f", "json"))
    assert "support-csat" not in {i["id"] for g in data["owners"] for i in g["items"]}
    assert any("lint error" in note for note in data["notes"])


def test_outside_git_since_says_why(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    shutil.copytree(REPO / "strategy", root / "strategy")
    shutil.copy(REPO / "strat.yaml", root / "strat.yaml")
    data = json.loads(digest(root, "-f", "json", "--since", "2026-12-01"))
    assert any(note.startswith("New commitments since") and "not a git repository" in note for note in data["notes"])
    # A311 cannot judge missing check-ins without history: the digest says so, not "none".
    assert any(note.startswith("Missing check-ins were not judged") for note in data["notes"])
    assert "Missing check-ins were not judged" in digest(root)
